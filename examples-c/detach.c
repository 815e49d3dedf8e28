/* detach.c: open a session and leave it open for another process.
 *
 *   detach ADDRESS
 *
 * Opens a session, prints its id on stdout, detaches (keep-alive stops, the
 * session stays open on the server) and exits. Another process can then
 * attach to the id (see attach.c) before the server's inactivity timeout
 * (5 minutes on Mesh today) runs out. */
#include <stdio.h>

#include "mesh_capi.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s ADDRESS\n", argv[0]);
        return 1;
    }
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    char id[37];
    mesh_status status = mesh_connection_open(argv[1], NULL, &connection);
    if (status == MESH_OK) status = mesh_session_open(connection, &session);
    if (status == MESH_OK) status = mesh_session_id(session, id, sizeof id, NULL);
    if (status == MESH_OK) status = mesh_session_detach(session);
    if (status != MESH_OK) {
        char message[512];
        mesh_last_error_message(message, sizeof message);
        fprintf(stderr, "%s: %s\n", mesh_status_name(status), message);
        return (int)status;
    }
    printf("%s\n", id);
    mesh_connection_close(connection);
    mesh_library_shutdown();
    return 0;
}
