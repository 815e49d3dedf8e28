/* fork.c: a host that forks while using the library. In each child every
 * call must fail at once with MESH_ERROR_FORKED and a message that says
 * why (a hang is caught by alarm()); the parent must carry on unaffected,
 * using its session while children come and go.
 *
 *   fork ADDRESS [ROUNDS]
 *
 * Exits 0 when all of that holds. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mesh_capi.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

/* The child: every call fails fast. Returns the exit code. */
static int child(const char *address, mesh_session *session, mesh_connection *connection,
                 mesh_operation *pending) {
    char message[512];
    mesh_connection *other = NULL;
    mesh_session *opened = NULL;
    mesh_options *options = NULL;
    mesh_operation *started_here = NULL;
    int32_t done = -1;
    double started = now_ms();
    int bad = 0;
    alarm(5);
    bad += mesh_session_commit(session) != MESH_ERROR_FORKED;
    mesh_last_error_message(message, sizeof message);
    bad += strstr(message, "fork") == NULL;
    bad += mesh_connection_open(address, NULL, &other) != MESH_ERROR_FORKED;
    bad += other != NULL;
    bad += mesh_session_open(connection, &opened) != MESH_ERROR_FORKED;
    bad += mesh_options_new(&options) != MESH_ERROR_FORKED;
    /* An operation the parent started fails safely here, as does a new one. */
    bad += mesh_operation_wait(pending, UINT32_MAX, &done) != MESH_ERROR_FORKED;
    bad += done != -1;
    bad += mesh_session_commit_finish(pending) != MESH_ERROR_FORKED;
    bad += mesh_operation_cancel(pending) != MESH_ERROR_FORKED;
    bad += mesh_operation_free(pending) != MESH_ERROR_FORKED;
    bad += mesh_session_commit_start(session, &started_here) != MESH_ERROR_FORKED;
    bad += started_here != NULL;
    bad += mesh_session_close(session) != MESH_ERROR_FORKED;
    bad += mesh_connection_close(connection) != MESH_ERROR_FORKED;
    bad += mesh_library_shutdown() != MESH_ERROR_FORKED;
    bad += now_ms() - started > 1000.0;
    if (bad) printf("child: %d checks failed; last message: %s\n", bad, message);
    return bad ? 1 : 0;
}

int main(int argc, char **argv) {
    const char *address = argc > 1 ? argv[1] : "127.0.0.1:50051";
    int rounds = argc > 2 ? atoi(argv[2]) : 4;
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    int failures = 0;
    int round;

    if (mesh_connection_open(address, NULL, &connection) != MESH_OK) return 1;
    if (mesh_session_open(connection, &session) != MESH_OK) return 1;
    if (mesh_session_commit(session) != MESH_OK) return 1;

    for (round = 0; round < rounds; round++) {
        int status = 0;
        mesh_session *extra = NULL;
        mesh_operation *pending = NULL;
        pid_t pid;
        /* A call in flight while the process forks: the parent's to finish. */
        failures += mesh_session_commit_start(session, &pending) != MESH_OK;
        fflush(stdout);
        pid = fork();
        if (pid < 0) return 1;
        if (pid == 0) {
            int code = child(address, session, connection, pending);
            fflush(stdout);
            /* Half the children leave by exit() (atexit handlers, stdio),
             * half by _exit(). */
            if (round % 2) exit(code);
            _exit(code);
        }
        /* Meanwhile the parent works as usual. */
        failures += mesh_session_commit_finish(pending) != MESH_OK;
        failures += mesh_session_commit(session) != MESH_OK;
        failures += mesh_session_open(connection, &extra) != MESH_OK;
        failures += mesh_session_close(extra) != MESH_OK;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("round %d: child failed (status %d)\n", round, status);
            failures++;
        }
        failures += mesh_session_commit(session) != MESH_OK;
    }

    failures += mesh_session_close(session) != MESH_OK;
    failures += mesh_connection_close(connection) != MESH_OK;
    failures += mesh_library_shutdown() != MESH_OK;
    printf("%d rounds, %d failures\n", rounds, failures);
    return failures == 0 ? 0 : 1;
}
