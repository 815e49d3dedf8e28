/* threads.c: a multi-threaded host, meant to run under ASan or valgrind
 * while the server restarts now and then. Worker threads share one
 * connection; each opens sessions in turn, gives each an expired callback
 * with user data it allocates, works in it, then closes, detaches or
 * clears the callback and frees the user data at once, as a .NET host
 * frees its GCHandle. A callback that ran after that would read freed
 * memory, which the memory checker reports.
 *
 *   threads ADDRESS [SECONDS [THREADS]]
 *
 * Prints what it did; exits 0 when every status was one the library
 * documents for the situation. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mesh_capi.h"

#define MAGIC 0x6d657368u
#define STATUSES 18

struct context {
    unsigned magic;
    unsigned fired;
};

static mesh_connection *connection;
static double seconds = 3.0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counts[STATUSES];
static long unexpected;
static long callbacks_run;
static long sessions;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void on_expired(const char *session_id, void *user_data) {
    struct context *context = user_data;
    (void)session_id;
    /* Reads and writes the host's memory: freed memory here is the bug. */
    if (context->magic != MAGIC) abort();
    context->fired++;
    pthread_mutex_lock(&lock);
    callbacks_run++;
    pthread_mutex_unlock(&lock);
}

/* Counts a status; `allowed` is a bit mask of the statuses expected here. */
static void note(mesh_status status, unsigned allowed) {
    pthread_mutex_lock(&lock);
    if ((int)status >= 0 && (int)status < STATUSES) counts[status]++;
    if (!((int)status >= 0 && (int)status < 32 && (allowed >> status) & 1u)) {
        char message[256];
        mesh_last_error_message(message, sizeof message);
        printf("unexpected %s: %s\n", mesh_status_name(status), message);
        unexpected++;
    }
    pthread_mutex_unlock(&lock);
}

#define BIT(s) (1u << (s))
/* What a call may meet while the server restarts. */
#define WEATHER (BIT(MESH_OK) | BIT(MESH_ERROR_UNAVAILABLE) | BIT(MESH_ERROR_TIMEOUT))

static void *worker(void *arg) {
    unsigned seed = (unsigned)(size_t)arg * 2654435761u + 1;
    double until = now_s() + seconds;
    while (now_s() < until) {
        mesh_session *session = NULL;
        struct context *context;
        mesh_status status = mesh_session_open(connection, &session);
        int i;
        note(status, WEATHER);
        if (status != MESH_OK) continue;
        context = malloc(sizeof *context);
        if (!context) abort();
        context->magic = MAGIC;
        context->fired = 0;
        note(mesh_session_set_expired_callback(session, on_expired, context), BIT(MESH_OK));
        for (i = 0; i < 5; i++) {
            note(mesh_session_commit(session), WEATHER | BIT(MESH_ERROR_SESSION_EXPIRED));
        }
        seed = seed * 1103515245u + 12345u;
        switch ((seed >> 16) % 3) {
        case 0:
            note(mesh_session_close(session), WEATHER | BIT(MESH_ERROR_SESSION_EXPIRED));
            break;
        case 1:
            note(mesh_session_detach(session), BIT(MESH_OK));
            break;
        default:
            note(mesh_session_set_expired_callback(session, NULL, NULL), BIT(MESH_OK));
            context->magic = 0; /* the callback must not look any more */
            free(context);
            context = NULL;
            note(mesh_session_close(session), WEATHER | BIT(MESH_ERROR_SESSION_EXPIRED));
            break;
        }
        if (context) {
            context->magic = 0;
            free(context);
        }
        pthread_mutex_lock(&lock);
        sessions++;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(int argc, char **argv) {
    const char *address = argc > 1 ? argv[1] : "127.0.0.1:50051";
    int threads = argc > 3 ? atoi(argv[3]) : 4;
    pthread_t ids[64];
    mesh_options *options = NULL;
    int i;

    if (argc > 2) seconds = atof(argv[2]);
    if (threads < 1 || threads > 64) return 2;
    if (mesh_options_new(&options) != MESH_OK) return 1;
    mesh_options_set_call_timeout_ms(options, 3000);
    {
        /* The server may be restarting right now. */
        double give_up = now_s() + 10.0;
        mesh_status status;
        while ((status = mesh_connection_open(address, options, &connection)) != MESH_OK) {
            if (status != MESH_ERROR_UNAVAILABLE || now_s() > give_up) {
                char message[256];
                mesh_last_error_message(message, sizeof message);
                printf("connect: %s: %s\n", mesh_status_name(status), message);
                return 1;
            }
        }
    }
    mesh_options_free(options);

    for (i = 0; i < threads; i++) {
        if (pthread_create(&ids[i], NULL, worker, (void *)(size_t)i) != 0) return 1;
    }
    for (i = 0; i < threads; i++) pthread_join(ids[i], NULL);

    note(mesh_connection_close(connection), BIT(MESH_OK));
    note(mesh_library_shutdown(), BIT(MESH_OK));
    printf("%ld sessions, %ld callbacks run, %ld unexpected statuses\n", sessions, callbacks_run,
           unexpected);
    for (i = 0; i < STATUSES; i++) {
        if (counts[i]) printf("  %s: %ld\n", mesh_status_name((mesh_status)i), counts[i]);
    }
    return unexpected == 0 ? 0 : 1;
}
