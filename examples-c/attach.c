/* attach.c: attach to a session opened elsewhere (another process, another
 * machine), by its id, and then close or detach it.
 *
 *   attach ADDRESS SESSION_ID [close|detach]      (default: close)
 *
 * SESSION_ID may be canonical (any case) or braced, {...}. Prints the status
 * name and message when the session is not open; the exit code is the
 * mesh_status (4 = MESH_ERROR_SESSION_NOT_FOUND). */
#include <stdio.h>
#include <string.h>

#include "mesh_capi.h"

static int report(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    printf("%s: %s: %s\n", what, mesh_status_name(status), message);
    return (int)status;
}

int main(int argc, char **argv) {
    if (argc < 3 || (argc > 3 && strcmp(argv[3], "close") != 0 && strcmp(argv[3], "detach") != 0)) {
        fprintf(stderr, "usage: %s ADDRESS SESSION_ID [close|detach]\n", argv[0]);
        return 1;
    }
    int detach = argc > 3 && strcmp(argv[3], "detach") == 0;
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    char id[37];

    mesh_status status = mesh_connection_open(argv[1], NULL, &connection);
    if (status != MESH_OK) return report("mesh_connection_open", status);

    status = mesh_session_attach(connection, argv[2], &session);
    if (status != MESH_OK) return report("mesh_session_attach", status);
    status = mesh_session_id(session, id, sizeof id, NULL);
    if (status != MESH_OK) return report("mesh_session_id", status);
    printf("attached to %s\n", id);

    status = detach ? mesh_session_detach(session) : mesh_session_close(session);
    if (status != MESH_OK) return report(detach ? "mesh_session_detach" : "mesh_session_close", status);
    printf("%s %s\n", detach ? "detached" : "closed", id);

    mesh_connection_close(connection);
    mesh_library_shutdown();
    return 0;
}
