/*
 * threads.c: many threads use one connection at once, as a Windows host
 * does (an Excel add-in's calculation threads, a .NET thread pool). Each
 * thread opens its own sessions, writes and reads a day of points, commits
 * or rolls back, and provokes an error to check that the last error message
 * is its own; all threads also read through one shared session. Runs on
 * Windows (Win32 threads) and POSIX (pthreads).
 *
 *   threads ADDRESS KEY
 *
 * Prints "threads: N threads x M rounds: ok" and exits 0, or says what went
 * wrong and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh_capi.h"

#ifdef _WIN32
#include <windows.h>
typedef HANDLE thread_t;
#define THREAD_RETURN DWORD WINAPI
#else
#include <pthread.h>
typedef pthread_t thread_t;
#define THREAD_RETURN void *
#endif

#define THREADS 8
#define ROUNDS 4
#define POINTS 24
#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)
/* 2031-01-01T00:00Z: away from any seeded points. */
#define BASE_MS 1924992000000LL

static mesh_connection *conn;
static mesh_session *shared;
static int64_t key;

struct worker {
    int index;
    int failed;
    char why[512];
};

static int fail(struct worker *w, const char *what, mesh_status st) {
    char message[256];
    mesh_last_error_message(message, sizeof message);
    snprintf(w->why, sizeof w->why, "thread %d: %s: %s: %s", w->index, what,
             mesh_status_name(st), message);
    w->failed = 1;
    return 1;
}

static int round_trip(struct worker *w, int round) {
    mesh_session *session = NULL;
    mesh_point_list *points = NULL;
    int64_t start = BASE_MS + (int64_t)(w->index * ROUNDS + round) * DAY_MS;
    int64_t times[POINTS];
    double values[POINTS];
    size_t i, n = 0;
    const int64_t *t = NULL;
    const double *v = NULL;
    char id[37];
    mesh_status st;

    for (i = 0; i < POINTS; i++) {
        times[i] = start + (int64_t)i * HOUR_MS;
        values[i] = w->index * 1000.0 + round * 100.0 + (double)i;
    }
    if ((st = mesh_session_open(conn, &session)) != MESH_OK) return fail(w, "open", st);
    if ((st = mesh_session_id(session, id, sizeof id, NULL)) != MESH_OK) return fail(w, "id", st);
    st = mesh_timeseries_write_by_key(session, key, start, start + DAY_MS, times, NULL, values, POINTS);
    if (st != MESH_OK) return fail(w, "write", st);
    st = mesh_timeseries_read_by_key(session, key, start, start + DAY_MS, &points);
    if (st != MESH_OK) return fail(w, "read", st);
    mesh_point_list_count(points, &n);
    mesh_point_list_timestamps(points, &t);
    mesh_point_list_values(points, &v);
    if (n != POINTS) {
        snprintf(w->why, sizeof w->why, "thread %d: read %u points, wrote %d", w->index, (unsigned)n, POINTS);
        w->failed = 1;
        mesh_point_list_free(points);
        return 1;
    }
    for (i = 0; i < n; i++) {
        if (t[i] != times[i] || v[i] != values[i]) {
            snprintf(w->why, sizeof w->why, "thread %d: point %u differs", w->index, (unsigned)i);
            w->failed = 1;
            mesh_point_list_free(points);
            return 1;
        }
    }
    mesh_point_list_free(points);

    /* The shared session, used by every thread at once. */
    st = mesh_timeseries_read_by_key(shared, key, BASE_MS, BASE_MS + DAY_MS, &points);
    if (st != MESH_OK) return fail(w, "read through the shared session", st);
    mesh_point_list_free(points);

    /* An error of this thread's own: the message must be about it. */
    {
        char message[256];
        mesh_session *none = NULL;
        char bad[32];
        snprintf(bad, sizeof bad, "not-an-id-%d", w->index);
        st = mesh_session_attach(conn, bad, &none);
        if (st != MESH_ERROR_INVALID_ARGUMENT || none != NULL) {
            snprintf(w->why, sizeof w->why, "thread %d: attach to %s gave %s", w->index, bad, mesh_status_name(st));
            w->failed = 1;
            return 1;
        }
        mesh_last_error_message(message, sizeof message);
        if (strstr(message, bad) == NULL) {
            snprintf(w->why, sizeof w->why, "thread %d: last error is not its own: %s", w->index, message);
            w->failed = 1;
            return 1;
        }
    }

    st = (round % 2 == 0) ? mesh_session_commit(session) : mesh_session_rollback(session);
    if (st != MESH_OK) return fail(w, "commit or rollback", st);
    if ((st = mesh_session_close(session)) != MESH_OK) return fail(w, "close", st);
    return 0;
}

static THREAD_RETURN work(void *arg) {
    struct worker *w = (struct worker *)arg;
    int round;
    for (round = 0; round < ROUNDS && !w->failed; round++) round_trip(w, round);
    return 0;
}

int main(int argc, char **argv) {
    struct worker workers[THREADS];
    thread_t threads[THREADS];
    mesh_status st;
    int i, failed = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: threads ADDRESS KEY\n");
        return 1;
    }
    key = strtoll(argv[2], NULL, 10);
    if ((st = mesh_connection_open(argv[1], NULL, &conn)) != MESH_OK) {
        fprintf(stderr, "connect: %s\n", mesh_status_name(st));
        return 1;
    }
    if ((st = mesh_session_open(conn, &shared)) != MESH_OK) {
        fprintf(stderr, "open: %s\n", mesh_status_name(st));
        return 1;
    }
    for (i = 0; i < THREADS; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].index = i;
#ifdef _WIN32
        threads[i] = CreateThread(NULL, 0, work, &workers[i], 0, NULL);
        if (threads[i] == NULL) {
#else
        if (pthread_create(&threads[i], NULL, work, &workers[i]) != 0) {
#endif
            fprintf(stderr, "cannot start thread %d\n", i);
            return 1;
        }
    }
    for (i = 0; i < THREADS; i++) {
#ifdef _WIN32
        WaitForSingleObject(threads[i], INFINITE);
        CloseHandle(threads[i]);
#else
        pthread_join(threads[i], NULL);
#endif
        if (workers[i].failed) {
            fprintf(stderr, "%s\n", workers[i].why);
            failed = 1;
        }
    }
    mesh_session_close(shared);
    mesh_connection_close(conn);
    mesh_library_shutdown();
    if (failed) return 1;
    printf("threads: %d threads x %d rounds: ok\n", THREADS, ROUNDS);
    return 0;
}
