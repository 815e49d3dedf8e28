/* timeseries.c: what a time series is (its catalog entry), a day of hourly
 * points written in one session and read back, a second session that sees
 * them only after commit, a delete, and the catalog calls: units and a new
 * physical series.
 *
 *   timeseries [ADDRESS [KEY]]   (default 127.0.0.1:50051, key 1)
 *
 * Key 1 is Resource/Demo/Readings in the emulator's default catalog, a
 * breakpoint series: a read gives the points stored in the interval and no
 * others. (A series of fixed resolution, such as the hourly keys 101 to 103,
 * answers a read with a point at every position of the interval, NaN flagged
 * MISSING where nothing is stored, as Mesh does: the counts printed are of
 * points with values.) The exit code is the
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

/* Reads [start, end) of `key` in `session`: the number of points in *count
 * and of those with a value (not flagged MISSING) in *with_values, printing
 * the first few when `show` is set. */
static mesh_status read_count(mesh_session *session, int64_t key, int64_t start, int64_t end,
                              int show, size_t *count, size_t *with_values) {
    mesh_point_list *points = NULL;
    const int64_t *times;
    const uint32_t *flags;
    const double *values;
    size_t i;
    mesh_status status = mesh_timeseries_read_by_key(session, key, start, end, &points);
    if (status != MESH_OK) return status;
    mesh_point_list_count(points, count);
    mesh_point_list_timestamps(points, &times);
    mesh_point_list_flags(points, &flags);
    mesh_point_list_values(points, &values);
    *with_values = 0;
    for (i = 0; i < *count; i++) {
        /* Linear series add one point at or after `end`; fixed resolutions
         * give NaN flagged MISSING where nothing is stored. */
        if (times[i] < end && !(flags[i] & MESH_POINT_FLAG_MISSING)) (*with_values)++;
        if (show && i < 3)
            printf("  %lld ms  flags 0x%08x  value %g\n", (long long)times[i],
                   (unsigned)flags[i], values[i]);
    }
    mesh_point_list_free(points);
    return MESH_OK;
}

/* Prints the catalog entry of `key`; its unit's name goes to `unit`. */
static mesh_status describe(mesh_session *session, int64_t key, char *unit, size_t unit_cap) {
    mesh_timeseries_resource *resource = NULL;
    char path[256], zone[64];
    int32_t curve = 0, resolution = 0;
    mesh_status status = mesh_timeseries_resource_read(session, key, &resource);
    if (status != MESH_OK) return status;
    /* Texts go into the caller's buffers; too small a buffer is an error. */
    if ((status = mesh_timeseries_resource_path(resource, path, sizeof path, NULL)) == MESH_OK &&
        (status = mesh_timeseries_resource_unit(resource, unit, unit_cap, NULL)) == MESH_OK &&
        (status = mesh_timeseries_resource_time_zone(resource, zone, sizeof zone, NULL)) == MESH_OK) {
        mesh_timeseries_resource_curve_type(resource, &curve);
        mesh_timeseries_resource_resolution(resource, &resolution);
        printf("time series %lld is %s: curve %s, resolution %s, unit %s%s%s\n",
               (long long)key, path,
               curve == MESH_CURVE_TYPE_PIECEWISE_LINEAR ? "linear"
               : curve == MESH_CURVE_TYPE_STAIRCASE      ? "staircase"
                                                    : "other",
               resolution == MESH_RESOLUTION_HOUR         ? "hour"
               : resolution == MESH_RESOLUTION_BREAKPOINT ? "breakpoint"
                                                          : "other",
               unit[0] ? unit : "(none)", zone[0] ? ", time zone " : "", zone);
    }
    mesh_timeseries_resource_free(resource);
    return status;
}

/* Creates a physical series in a session of its own and closes that session
 * without commit, which discards the series. */
static mesh_status create_and_discard(mesh_connection *connection, const char *unit) {
    mesh_session *session = NULL;
    mesh_unit_list *units = NULL;
    mesh_timeseries_resource *created = NULL;
    size_t count = 0, index = 0;
    char unit_id[37], path[256];
    int64_t key = -1;
    mesh_status status = mesh_session_open(connection, &session);
    if (status != MESH_OK) return status;
    status = mesh_unit_list_read(session, &units);
    if (status == MESH_OK) {
        mesh_unit_list_count(units, &count);
        /* The unit of the series above, else the server's first. */
        if (mesh_unit_list_find(units, unit, &index) != MESH_OK) index = 0;
        status = count > 0 ? mesh_unit_list_id_at(units, index, unit_id, sizeof unit_id, NULL)
                           : MESH_ERROR_NOT_FOUND;
        printf("the server knows %zu units of measurement\n", count);
        mesh_unit_list_free(units);
    }
    if (status == MESH_OK)
        status = mesh_timeseries_resource_create_physical(
            session, "/Examples/", "Created_Series", MESH_CURVE_TYPE_STAIRCASE, MESH_RESOLUTION_HOUR,
            unit_id, NULL, &created);
    if (status == MESH_OK) {
        mesh_timeseries_resource_path(created, path, sizeof path, NULL);
        mesh_timeseries_resource_key(created, &key);
        /* Mesh assigns the key at commit: use the path until then. */
        printf("created %s, key %lld until commit; closing without commit discards it\n", path,
               (long long)key);
        mesh_timeseries_resource_free(created);
    }
    mesh_session_close(session);
    return status;
}

int main(int argc, char **argv) {
    const char *address = argc > 1 ? argv[1] : "127.0.0.1:50051";
    int64_t key = argc > 2 ? (int64_t)atoll(argv[2]) : 1;
    /* 2030-01-01T00:00:00Z: a day no demo data covers. */
    const int64_t start = 1893456000000LL, end = start + POINTS * HOUR_MS;
    int64_t times[POINTS];
    uint32_t flags[POINTS];
    double values[POINTS];
    char unit[64];
    mesh_connection *connection = NULL;
    mesh_session *writer = NULL, *reader = NULL;
    size_t count = 0, with_values = 0;
    mesh_status status;
    int i;

    for (i = 0; i < POINTS; i++) {
        times[i] = start + i * HOUR_MS;
        flags[i] = MESH_POINT_FLAG_OK;
        values[i] = 100.0 + i * 2.5;
    }

    status = mesh_connection_open(address, NULL, &connection);
    if (status != MESH_OK) return fail("mesh_connection_open", status);
    status = mesh_session_open(connection, &writer);
    if (status != MESH_OK) return fail("mesh_session_open", status);
    status = mesh_session_open(connection, &reader);
    if (status != MESH_OK) return fail("mesh_session_open", status);

    status = describe(writer, key, unit, sizeof unit);
    if (status != MESH_OK) return fail("mesh_timeseries_resource_read", status);

    /* Replaces whatever was in [start, end) in the writer's session. */
    status = mesh_timeseries_write_by_key(writer, key, start, end, times, flags, values, POINTS);
    if (status != MESH_OK) return fail("mesh_timeseries_write_by_key", status);
    printf("wrote %d hourly points to time series %lld\n", POINTS, (long long)key);

    status = read_count(writer, key, start, end, 1, &count, &with_values);
    if (status != MESH_OK) return fail("mesh_timeseries_read_by_key", status);
    printf("writing session reads back: %zu points\n", with_values);

    status = read_count(reader, key, start, end, 0, &count, &with_values);
    if (status != MESH_OK) return fail("mesh_timeseries_read_by_key", status);
    printf("second session before commit: %zu points\n", with_values);

    status = mesh_session_commit(writer);
    if (status != MESH_OK) return fail("mesh_session_commit", status);
    printf("committed\n");

    status = read_count(reader, key, start, end, 0, &count, &with_values);
    if (status != MESH_OK) return fail("mesh_timeseries_read_by_key", status);
    printf("second session after commit: %zu points\n", with_values);

    /* A delete, undone by rollback. */
    status = mesh_timeseries_delete_by_key(writer, key, start, start + 12 * HOUR_MS);
    if (status != MESH_OK) return fail("mesh_timeseries_delete_by_key", status);
    status = read_count(writer, key, start, end, 0, &count, &with_values);
    if (status != MESH_OK) return fail("mesh_timeseries_read_by_key", status);
    printf("after deleting 12 hours: %zu points with values\n", with_values);
    status = mesh_session_rollback(writer);
    if (status != MESH_OK) return fail("mesh_session_rollback", status);

    status = create_and_discard(connection, unit);
    if (status != MESH_OK) return fail("creating a time series", status);

    mesh_session_close(reader);
    mesh_session_close(writer);
    mesh_connection_close(connection);
    mesh_library_shutdown();
    return 0;
}
