/* sigpipe.c: a C host that, like most, leaves SIGPIPE at its default
 * (ending the process), writing large time series while the connection is
 * reset under it. The library must not let SIGPIPE reach it.
 *
 *   sigpipe ADDRESS SECONDS [ROOT_PEM_FILE TOKEN]
 *
 * With a root certificate the connection is TLS (ADDRESS https://..., the
 * server named mesh.example, TOKEN its access token), whose writes go
 * through the same sockets.
 * Prints the statuses seen; exits 0 when it survived with documented ones. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mesh_capi.h"

#define POINTS 300000

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    static int64_t times[POINTS];
    static double values[POINTS];
    const char *address = argc > 1 ? argv[1] : "127.0.0.1:50051";
    double until = now_s() + (argc > 2 ? atof(argv[2]) : 3.0);
    int64_t start = 1893456000000LL;
    long ok = 0, unavailable = 0, timeout = 0, other = 0;
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    mesh_options *options = NULL;
    struct sigaction action;
    int i;

    /* The default action, whatever the environment handed down. */
    sigaction(SIGPIPE, NULL, &action);
    action.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &action, NULL);

    for (i = 0; i < POINTS; i++) {
        times[i] = start + i * 1000LL;
        values[i] = i;
    }
    mesh_options_new(&options);
    mesh_options_set_call_timeout_ms(options, 2000);
    if (argc > 4 && (mesh_options_set_tls_root_certificate_file(options, argv[3]) != MESH_OK ||
                     mesh_options_set_tls_server_name(options, "mesh.example") != MESH_OK ||
                     mesh_options_set_access_token(options, argv[4]) != MESH_OK))
        return 1;
    /* The faults start at once, so the first connect may land in one: try
     * again, as a host would, until the time is up. */
    while (mesh_connection_open(address, options, &connection) != MESH_OK) {
        unavailable++;
        if (now_s() >= until) return 1;
    }
    mesh_options_free(options);
    while (now_s() < until) {
        mesh_status status;
        if (!session && mesh_session_open(connection, &session) != MESH_OK) {
            session = NULL;
            unavailable++;
            continue;
        }
        status = mesh_timeseries_write_by_key(session, 1, start, start + POINTS * 1000LL, times,
                                              NULL, values, POINTS);
        switch (status) {
        case MESH_OK: ok++; break;
        case MESH_ERROR_UNAVAILABLE: unavailable++; break;
        case MESH_ERROR_TIMEOUT: timeout++; break;
        default: {
            char message[256];
            mesh_last_error_message(message, sizeof message);
            printf("unexpected %s: %s\n", mesh_status_name(status), message);
            other++;
        }
        }
    }
    if (session) mesh_session_close(session);
    mesh_connection_close(connection);
    mesh_library_shutdown();
    printf("survived: %ld written, %ld unavailable, %ld timed out, %ld other\n", ok, unavailable,
           timeout, other);
    return other == 0 ? 0 : 1;
}
