/* async.c: calls that do not block. Every function that talks to the
 * server has a _start twin that returns at once with a pending
 * mesh_operation, and a _finish twin that takes its result into the same
 * out-parameter. This program reads a week of one series a day at a time
 * with all seven reads in flight at once, taking each result in a callback
 * on the library's callback thread; then reads once more while it "does
 * other work" and polls; then starts a commit and cancels it.
 *
 * Key 1 is Resource/Demo/Readings in the emulator's default catalog.
 *
 *   async ADDRESS        e.g. async 127.0.0.1:50051
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "mesh_capi.h"

#define DAY_MS 86400000LL
#define DAYS 7

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_done = PTHREAD_COND_INITIALIZER;
static int done_count;
static size_t points_read;
static int failures;

/* Runs on the library's callback thread once the read has completed. */
static void on_read(mesh_operation *operation, mesh_status status, void *user_data) {
    int day = (int)(size_t)user_data;
    mesh_point_list *points = NULL;
    size_t count = 0;
    /* Take the result here: the same out-parameter as the blocking read. */
    status = mesh_timeseries_read_by_key_finish(operation, &points);
    if (status == MESH_OK) {
        mesh_point_list_count(points, &count);
        mesh_point_list_free(points);
    }
    pthread_mutex_lock(&lock);
    printf("day %d: %s, %zu points\n", day, mesh_status_name(status), count);
    if (status != MESH_OK) failures++;
    points_read += count;
    done_count++;
    pthread_cond_signal(&all_done);
    pthread_mutex_unlock(&lock);
}

static int fail(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    fprintf(stderr, "%s: %s: %s\n", what, mesh_status_name(status), message);
    return (int)status;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: async ADDRESS\n");
        return 2;
    }
    mesh_connection *conn = NULL;
    mesh_session *session = NULL;
    mesh_status status = mesh_connection_open(argv[1], NULL, &conn);
    if (status != MESH_OK) return fail("mesh_connection_open", status);
    status = mesh_session_open(conn, &session);
    if (status != MESH_OK) return fail("mesh_session_open", status);

    const int64_t start = 1704067200000LL; /* 2024-01-01T00:00:00Z */

    /* 1. Seven reads in flight together, each finished in its callback. */
    for (int day = 0; day < DAYS; day++) {
        mesh_operation *read = NULL;
        status = mesh_timeseries_read_by_key_start(session, 1, start + day * DAY_MS,
                                                   start + (day + 1) * DAY_MS, &read);
        if (status != MESH_OK) return fail("mesh_timeseries_read_by_key_start", status);
        status = mesh_operation_set_callback(read, on_read, (void *)(size_t)day);
        if (status != MESH_OK) return fail("mesh_operation_set_callback", status);
    }
    pthread_mutex_lock(&lock);
    while (done_count < DAYS) pthread_cond_wait(&all_done, &lock);
    pthread_mutex_unlock(&lock);
    printf("a week in %d reads at once: %zu points\n", DAYS, points_read);

    /* 2. Start, do other work, poll, finish. */
    mesh_operation *read = NULL;
    status = mesh_timeseries_read_by_key_start(session, 1, start, start + DAYS * DAY_MS, &read);
    if (status != MESH_OK) return fail("mesh_timeseries_read_by_key_start", status);
    int done = 0, polls = 0;
    while (mesh_operation_is_done(read, &done) == MESH_OK && !done) {
        polls++; /* a user interface would handle its events here */
        struct timespec pause = {0, 1000000L};
        nanosleep(&pause, NULL);
    }
    mesh_point_list *points = NULL;
    size_t count = 0;
    status = mesh_timeseries_read_by_key_finish(read, &points);
    if (status != MESH_OK) return fail("mesh_timeseries_read_by_key_finish", status);
    mesh_point_list_count(points, &count);
    mesh_point_list_free(points);
    printf("the week in one read: %zu points, done after %s\n", count,
           polls > 0 ? "polling" : "no polling");

    /* 3. Cancel: the operation completes at once with MESH_ERROR_CANCELLED
     * (unless it completed first); it is finished (or freed) as always. */
    mesh_operation *commit = NULL;
    status = mesh_session_commit_start(session, &commit);
    if (status != MESH_OK) return fail("mesh_session_commit_start", status);
    mesh_operation_cancel(commit);
    status = mesh_session_commit_finish(commit);
    printf("commit cancelled: %s\n", mesh_status_name(status));

    mesh_session_close(session);
    mesh_connection_close(conn);
    mesh_library_shutdown();
    return failures == 0 ? 0 : 1;
}
