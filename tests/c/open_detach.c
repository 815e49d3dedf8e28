/* open_detach.c: process A of the cross-process test. Opens a session,
 * prints its id on stdout, detaches (the session stays open on the server)
 * and exits. Usage: open_detach ADDRESS */
#include <stdio.h>

#include "mesh_capi.h"

int main(int argc, char **argv) {
    if (argc != 2) return 1;
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    char id[37];
    mesh_status status = mesh_connect(argv[1], NULL, &connection);
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
    mesh_shutdown();
    return 0;
}
