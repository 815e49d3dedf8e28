/* sessions.c: the three ways of working with sessions that Mesh's own
 * documentation shows, in C.
 *
 *   1. open a session, work, close it;
 *   2. open and close around a block of work (what Python's `with` does),
 *      so the session is closed on every path out of the work;
 *   3. attach to a session id that may no longer be open, and tell the user
 *      when it is not.
 *
 *   sessions [ADDRESS]      (default 127.0.0.1:50051)
 *
 * The exit code is the mesh_status of the first unexpected failure. */
#include <stdio.h>

#include "mesh_capi.h"

static int report(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    printf("%s: %s: %s\n", what, mesh_status_name(status), message);
    return (int)status;
}

/* 2. Runs `work` inside a fresh session and always closes the session. */
typedef mesh_status (*session_work)(mesh_session *session, void *context);

static mesh_status with_session(mesh_connection *connection, session_work work, void *context) {
    mesh_session *session = NULL;
    mesh_status status = mesh_session_open(connection, &session);
    if (status != MESH_OK) return status;
    mesh_status work_status = work(session, context);
    mesh_status close_status = mesh_session_close(session);
    return work_status != MESH_OK ? work_status : close_status;
}

static mesh_status commit_work(mesh_session *session, void *context) {
    char id[37];
    mesh_status status = mesh_session_id(session, id, sizeof id, NULL);
    if (status != MESH_OK) return status;
    printf("  working in session %s (%s)\n", id, (const char *)context);
    return mesh_session_commit(session);
}

int main(int argc, char **argv) {
    const char *address = argc > 1 ? argv[1] : "127.0.0.1:50051";
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    char closed_id[37];
    mesh_status status;

    status = mesh_connection_open(address, NULL, &connection);
    if (status != MESH_OK) return report("mesh_connection_open", status);

    /* 1. Open and close. */
    printf("1. open and close\n");
    status = mesh_session_open(connection, &session);
    if (status != MESH_OK) return report("mesh_session_open", status);
    status = mesh_session_id(session, closed_id, sizeof closed_id, NULL);
    if (status != MESH_OK) return report("mesh_session_id", status);
    printf("  opened %s\n", closed_id);
    status = mesh_session_close(session);
    if (status != MESH_OK) return report("mesh_session_close", status);
    printf("  closed %s\n", closed_id);

    /* 2. Open and close around a block of work. */
    printf("2. a block of work in a session\n");
    status = with_session(connection, commit_work, "commit and close");
    if (status != MESH_OK) return report("with_session", status);
    printf("  done; the session is closed\n");

    /* 3. Attach to an id that may no longer be open: the one closed in 1. */
    printf("3. attach to %s\n", closed_id);
    status = mesh_session_attach(connection, closed_id, &session);
    if (status == MESH_OK) {
        printf("  attached; still open\n");
        mesh_session_close(session);
    } else if (status == MESH_ERROR_SESSION_NOT_FOUND) {
        report("  not open any more", status);
    } else {
        return report("mesh_session_attach", status);
    }

    mesh_connection_close(connection);
    mesh_library_shutdown();
    return 0;
}
