/* quickstart.c: connect, open a session, print its id, commit, close.
 *
 *   quickstart [ADDRESS]      (default 127.0.0.1:50051)
 *
 * The exit code is the mesh_status of the first failure, 0 on success. */
#include <stdio.h>

#include "mesh_capi.h"

static int fail(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    fprintf(stderr, "%s failed: %s: %s\n", what, mesh_status_name(status), message);
    return (int)status;
}

int main(int argc, char **argv) {
    const char *address = argc > 1 ? argv[1] : "127.0.0.1:50051";
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    char text[64];
    mesh_status status;

    /* The library loaded must serve the header this was compiled with. */
    status = MESH_LIBRARY_CHECK_VERSION();
    if (status != MESH_OK) return fail("mesh_library_check_version", status);

    status = mesh_connection_open(address, NULL, &connection);
    if (status != MESH_OK) return fail("mesh_connection_open", status);

    status = mesh_connection_server_version(connection, text, sizeof text, NULL);
    if (status != MESH_OK) return fail("mesh_connection_server_version", status);
    printf("connected to %s, Mesh %s (mesh-capi %s)\n", address, text, mesh_library_version());

    status = mesh_session_open(connection, &session);
    if (status != MESH_OK) return fail("mesh_session_open", status);

    status = mesh_session_id(session, text, sizeof text, NULL);
    if (status != MESH_OK) return fail("mesh_session_id", status);
    printf("opened session %s\n", text);

    status = mesh_session_commit(session);
    if (status != MESH_OK) return fail("mesh_session_commit", status);
    printf("committed\n");

    status = mesh_session_close(session);
    if (status != MESH_OK) return fail("mesh_session_close", status);
    printf("closed\n");

    mesh_connection_close(connection);
    mesh_library_shutdown();
    return 0;
}
