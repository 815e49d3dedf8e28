/* operations.c: a host of asynchronous calls, meant to run under ASan or
 * valgrind. It starts reads by the hundred on one session and ends each in
 * one of the ways a host does: finished from its completion callback,
 * waited for and finished, cancelled (racing its completion) and finished,
 * or freed unfinished (pending or not), with its callback's user data freed
 * right after mesh_operation_free returns. Then it leaves operations
 * pending and calls mesh_library_shutdown. Every context records how often
 * its callback ran: more than once, or after its operation was freed, is
 * the bug (a use after free the checker reports, or a count this program
 * reports).
 *
 *   operations ADDRESS [ROUNDS]
 *
 * Prints what it did; exits 0 when every status and count was as the
 * header documents. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mesh_capi.h"

#define MAGIC 0x6d657368u
#define PER_ROUND 200

struct context {
    unsigned magic;
    int fired;
    /* How this one ends: 0 finished in the callback, 1 waited for and
     * finished, 2 cancelled then finished, 3 freed unfinished. */
    int way;
    mesh_status status;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long unexpected;
static long finished_in_callback;
static long callbacks;
static long counts[4];

static void fail(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    pthread_mutex_lock(&lock);
    unexpected++;
    pthread_mutex_unlock(&lock);
    printf("unexpected: %s: %s (%d): %s\n", what, mesh_status_name(status), (int)status, message);
}

static void on_done(mesh_operation *operation, mesh_status status, void *user_data) {
    struct context *context = user_data;
    /* Reads and writes the host's memory: freed memory here is the bug. */
    if (context->magic != MAGIC) abort();
    pthread_mutex_lock(&lock);
    context->fired++;
    context->status = status;
    callbacks++;
    pthread_mutex_unlock(&lock);
    if (context->way == 0) {
        mesh_point_list *points = NULL;
        mesh_status finished = mesh_timeseries_read_by_key_finish(operation, &points);
        if (finished != status) fail("finish in the callback gave another status", finished);
        if (finished == MESH_OK) {
            size_t count = 0;
            if (mesh_point_list_count(points, &count) != MESH_OK) fail("count", MESH_OK);
            mesh_point_list_free(points);
        }
        pthread_mutex_lock(&lock);
        finished_in_callback++;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
    }
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int round_of(mesh_session *session, unsigned *seed) {
    mesh_operation *operations[PER_ROUND];
    struct context *contexts[PER_ROUND];
    long in_callback = 0;
    for (int i = 0; i < PER_ROUND; i++) {
        struct context *context = calloc(1, sizeof *context);
        context->magic = MAGIC;
        context->way = (int)(rand_r(seed) % 4);
        if (context->way == 0) in_callback++;
        contexts[i] = context;
        mesh_status status = mesh_timeseries_read_by_key_start(
            session, 1, 1704067200000LL, 1704067200000LL + 86400000LL, &operations[i]);
        if (status != MESH_OK) {
            fail("mesh_timeseries_read_by_key_start", status);
            operations[i] = NULL;
            continue;
        }
        status = mesh_operation_set_callback(operations[i], on_done, context);
        if (status != MESH_OK) fail("mesh_operation_set_callback", status);
    }
    for (int i = 0; i < PER_ROUND; i++) {
        struct context *context = contexts[i];
        mesh_operation *operation = operations[i];
        if (operation == NULL) continue;
        counts[context->way]++;
        mesh_point_list *points = NULL;
        mesh_status status;
        switch (context->way) {
        case 0:
            break; /* the callback finishes it */
        case 1: {
            int done = 0;
            status = mesh_operation_wait(operation, UINT32_MAX, &done);
            if (status != MESH_OK || !done) fail("mesh_operation_wait", status);
            status = mesh_timeseries_read_by_key_finish(operation, &points);
            if (status != MESH_OK) fail("finish after wait", status);
            mesh_point_list_free(points);
            break;
        }
        case 2:
            status = mesh_operation_cancel(operation);
            if (status != MESH_OK) fail("mesh_operation_cancel", status);
            status = mesh_timeseries_read_by_key_finish(operation, &points);
            if (status == MESH_OK) {
                mesh_point_list_free(points);
            } else if (status != MESH_ERROR_CANCELLED) {
                fail("finish after cancel", status);
            }
            break;
        case 3:
            status = mesh_operation_free(operation);
            if (status != MESH_OK) fail("mesh_operation_free", status);
            /* The callback is not running and will not run now. */
            pthread_mutex_lock(&lock);
            int fired = context->fired;
            pthread_mutex_unlock(&lock);
            if (fired > 1) fail("a callback ran twice", MESH_OK);
            memset(context, 0, sizeof *context);
            free(context);
            contexts[i] = NULL;
            /* A freed operation is an invalid handle, not a crash. */
            int done = 0;
            status = mesh_operation_is_done(operation, &done);
            if (status != MESH_ERROR_INVALID_HANDLE) fail("a freed operation was valid", status);
            break;
        }
    }
    /* Wait for the callbacks that finish their operation. */
    double until = now_s() + 30;
    pthread_mutex_lock(&lock);
    long target = finished_in_callback + in_callback;
    (void)target;
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < PER_ROUND; i++) {
        struct context *context = contexts[i];
        if (context == NULL) continue;
        pthread_mutex_lock(&lock);
        while (context->way == 0 && context->fired == 0 && now_s() < until) {
            struct timespec t;
            clock_gettime(CLOCK_REALTIME, &t);
            t.tv_nsec += 50 * 1000000L;
            if (t.tv_nsec >= 1000000000L) {
                t.tv_sec++;
                t.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&changed, &lock, &t);
        }
        int fired = context->fired;
        pthread_mutex_unlock(&lock);
        /* Finishing takes the operation: its callback runs at most once,
         * and exactly once when the callback is what finishes it. */
        if (fired > 1 || (context->way == 0 && fired != 1)) {
            printf("unexpected: a callback ran %d times (way %d)\n", fired, context->way);
            unexpected++;
        }
    }
    /* Let the finishing callbacks return before their contexts go. */
    pthread_mutex_lock(&lock);
    while (finished_in_callback < target && now_s() < until) {
        pthread_mutex_unlock(&lock);
        struct timespec pause = {0, 1000000L};
        nanosleep(&pause, NULL);
        pthread_mutex_lock(&lock);
    }
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < PER_ROUND; i++) {
        if (contexts[i] != NULL) {
            memset(contexts[i], 0, sizeof *contexts[i]);
            free(contexts[i]);
        }
    }
    return 0;
}

/* Operations left pending at shutdown complete with MESH_ERROR_CANCELLED
 * and their callbacks run before mesh_library_shutdown returns. */
static void shutdown_with_pending(mesh_session *session) {
    enum { PENDING = 50 };
    mesh_operation *operations[PENDING];
    struct context contexts[PENDING];
    memset(contexts, 0, sizeof contexts);
    for (int i = 0; i < PENDING; i++) {
        contexts[i].magic = MAGIC;
        contexts[i].way = 1;
        mesh_status status = mesh_session_commit_start(session, &operations[i]);
        if (status != MESH_OK) {
            fail("mesh_session_commit_start", status);
            operations[i] = NULL;
            continue;
        }
        mesh_operation_set_callback(operations[i], on_done, &contexts[i]);
    }
    mesh_status status = mesh_library_shutdown();
    if (status != MESH_OK) fail("mesh_library_shutdown", status);
    long cancelled = 0;
    for (int i = 0; i < PENDING; i++) {
        if (operations[i] == NULL) continue;
        pthread_mutex_lock(&lock);
        int fired = contexts[i].fired;
        mesh_status seen = contexts[i].status;
        pthread_mutex_unlock(&lock);
        if (fired != 1) {
            printf("unexpected: after shutdown a callback had run %d times\n", fired);
            unexpected++;
        }
        status = mesh_session_commit_finish(operations[i]);
        if (status != seen) fail("finish after shutdown gave another status", status);
        if (status == MESH_ERROR_CANCELLED) cancelled++;
        else if (status != MESH_OK) fail("finish after shutdown", status);
    }
    /* Nothing runs after shutdown returned: the contexts stay as they are. */
    struct timespec pause = {0, 200 * 1000000L};
    nanosleep(&pause, NULL);
    for (int i = 0; i < PENDING; i++) {
        if (operations[i] != NULL && contexts[i].fired != 1) {
            printf("unexpected: a callback ran after shutdown\n");
            unexpected++;
        }
    }
    printf("shutdown: %ld of %d pending operations cancelled\n", cancelled, PENDING);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: operations ADDRESS [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    unsigned seed = 42;
    mesh_connection *connection = NULL;
    mesh_operation *operation = NULL;
    mesh_status status = mesh_connection_open_start(argv[1], NULL, &operation);
    if (status == MESH_OK) status = mesh_connection_open_finish(operation, &connection);
    if (status != MESH_OK) {
        fail("connect", status);
        return 1;
    }
    mesh_session *session = NULL;
    status = mesh_session_open_start(connection, &operation);
    if (status == MESH_OK) status = mesh_session_open_finish(operation, &session);
    if (status != MESH_OK) {
        fail("open a session", status);
        return 1;
    }
    for (int r = 0; r < rounds; r++) round_of(session, &seed);
    shutdown_with_pending(session);
    printf("%ld operations (%ld finished in callbacks, %ld waited, %ld cancelled, %ld freed), "
           "%ld callbacks, %ld unexpected\n",
           counts[0] + counts[1] + counts[2] + counts[3], counts[0], counts[1], counts[2],
           counts[3], callbacks, unexpected);
    return unexpected == 0 ? 0 : 1;
}
