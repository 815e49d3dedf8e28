/* timeseries.c: write a day of hourly points in one session, read them back,
 * and show that a second session sees them only after commit.
 *
 *   timeseries [ADDRESS [KEY]]   (default 127.0.0.1:50051, key 1)
 *
 * Key 1 is Resource/Demo/Readings in the emulator's default catalog, a
 * breakpoint series: a read gives the points stored in the interval and no
 * others. (A series of fixed resolution, such as the hourly keys 101 to 103,
 * answers a read with a point at every position of the interval, NaN flagged
 * MISSING where nothing is stored, as Mesh does.) The exit code is the
 * mesh_status of the first failure, 0 on success. */
#include <stdio.h>
#include <stdlib.h>

#include "mesh_capi.h"

#define POINTS 24
#define HOUR_MS 3600000LL

static int fail(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    fprintf(stderr, "%s failed: %s: %s\n", what, mesh_status_name(status), message);
    return (int)status;
}

/* Reads [start, end) of `key` in `session` and returns the number of points
 * in *count, printing the first few when `show` is set. */
static mesh_status read_count(mesh_session *session, int64_t key, int64_t start, int64_t end,
                              int show, size_t *count) {
    mesh_points *points = NULL;
    const int64_t *times;
    const uint32_t *flags;
    const double *values;
    size_t i;
    mesh_status status = mesh_read_timeseries_by_key(session, key, start, end, &points);
    if (status != MESH_OK) return status;
    mesh_points_count(points, count);
    mesh_points_timestamps(points, &times);
    mesh_points_flags(points, &flags);
    mesh_points_values(points, &values);
    for (i = 0; show && i < *count && i < 3; i++)
        printf("  %lld ms  flags 0x%08x  value %g\n", (long long)times[i], (unsigned)flags[i],
               values[i]);
    mesh_points_free(points);
    return MESH_OK;
}

int main(int argc, char **argv) {
    const char *address = argc > 1 ? argv[1] : "127.0.0.1:50051";
    int64_t key = argc > 2 ? (int64_t)atoll(argv[2]) : 1;
    /* 2030-01-01T00:00:00Z: a day no demo data covers. */
    const int64_t start = 1893456000000LL, end = start + POINTS * HOUR_MS;
    int64_t times[POINTS];
    uint32_t flags[POINTS];
    double values[POINTS];
    mesh_connection *connection = NULL;
    mesh_session *writer = NULL, *reader = NULL;
    size_t count = 0;
    mesh_status status;
    int i;

    for (i = 0; i < POINTS; i++) {
        times[i] = start + i * HOUR_MS;
        flags[i] = 0;                 /* OK */
        values[i] = 100.0 + i * 2.5;
    }

    status = mesh_connect(address, NULL, &connection);
    if (status != MESH_OK) return fail("mesh_connect", status);
    status = mesh_session_open(connection, &writer);
    if (status != MESH_OK) return fail("mesh_session_open", status);
    status = mesh_session_open(connection, &reader);
    if (status != MESH_OK) return fail("mesh_session_open", status);

    /* Replaces whatever was in [start, end) in the writer's session. */
    status = mesh_write_timeseries_by_key(writer, key, start, end, times, flags, values, POINTS);
    if (status != MESH_OK) return fail("mesh_write_timeseries_by_key", status);
    printf("wrote %d hourly points to time series %lld\n", POINTS, (long long)key);

    status = read_count(writer, key, start, end, 1, &count);
    if (status != MESH_OK) return fail("mesh_read_timeseries_by_key", status);
    printf("writing session reads back: %zu points\n", count);

    status = read_count(reader, key, start, end, 0, &count);
    if (status != MESH_OK) return fail("mesh_read_timeseries_by_key", status);
    printf("second session before commit: %zu points\n", count);

    status = mesh_session_commit(writer);
    if (status != MESH_OK) return fail("mesh_session_commit", status);
    printf("committed\n");

    status = read_count(reader, key, start, end, 0, &count);
    if (status != MESH_OK) return fail("mesh_read_timeseries_by_key", status);
    printf("second session after commit: %zu points\n", count);

    mesh_session_close(reader);
    mesh_session_close(writer);
    mesh_connection_close(connection);
    mesh_shutdown();
    return 0;
}
