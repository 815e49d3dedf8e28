/* calculations.c: Mesh calculations from C, without writing expressions
 * by hand where the library has a call for it.
 *
 *   calculations [ADDRESS]   (default 127.0.0.1:50051)
 *
 * 1. Daily sums of an hourly series (Resource/Demo/Inflow, key 101 in the
 *    emulator's demo catalog: a week of hourly points from 2025-01-01),
 *    once as a calculation relative to the series' path and once as a
 *    transformed read by key, each checked against the sum of the day's 24
 *    hours read plainly.
 * 2. A calculated attribute: TsCalcAtt of SomePowerPlant1 is computed by
 *    the server from its expression (TsRawAtt + DblAtt + ...) when read.
 * 3. Expressions relative to the plant: the sum of its raw series (a
 *    number), and an expression of our own (a series), with a search string
 *    put in through mesh_calc_expression_quote.
 *
 * The exit code is the mesh_status of the first failure, 0 on success (or
 * 100 when a daily sum does not match its hours). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mesh_capi.h"

#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)
#define DAYS 7
#define DEMO_START 1735689600000LL /* 2025-01-01T00:00Z */
#define INFLOW_KEY 101
#define INFLOW_PATH "Resource/Demo/Inflow"
#define PLANT "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1"
#define MODEL_START 1451610000000LL /* 2016-01-01T01:00Z, where the test model has data */
#define MODEL_END (MODEL_START + 8 * HOUR_MS)

static int fail(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    fprintf(stderr, "%s failed: %s: %s\n", what, mesh_status_name(status), message);
    return (int)status;
}

static double magnitude(double x) { return x < 0 ? -x : x; }

static const char *date_of(int64_t ms, char *buf, size_t cap) {
    time_t seconds = (time_t)(ms / 1000);
    struct tm *utc = gmtime(&seconds);
    if (utc == NULL || strftime(buf, cap, "%Y-%m-%d %H:%M", utc) == 0) snprintf(buf, cap, "%lld", (long long)ms);
    return buf;
}

/* Prints a handle's points and frees it. */
static void print_points(mesh_point_list *points, const char *indent) {
    size_t n, i;
    const int64_t *t;
    const uint32_t *f;
    const double *v;
    char when[32];
    mesh_point_list_count(points, &n);
    mesh_point_list_timestamps(points, &t);
    mesh_point_list_flags(points, &f);
    mesh_point_list_values(points, &v);
    for (i = 0; i < n; i++) {
        printf("%s%s  %10.3f%s\n", indent, date_of(t[i], when, sizeof when), v[i],
               (f[i] & MESH_POINT_FLAG_MISSING) ? "  (missing)" : "");
    }
    mesh_point_list_free(points);
}

/* The sum of the hourly values of [start, end) of `key`, read plainly. */
static mesh_status sum_of_hours(mesh_session *session, int64_t start, int64_t end, double *sum) {
    mesh_point_list *points = NULL;
    size_t n, i;
    const double *v;
    const int64_t *t;
    mesh_status status = mesh_timeseries_read_by_key(session, INFLOW_KEY, start, end, &points);
    if (status != MESH_OK) return status;
    mesh_point_list_count(points, &n);
    mesh_point_list_values(points, &v);
    mesh_point_list_timestamps(points, &t);
    *sum = 0;
    for (i = 0; i < n; i++)
        if (t[i] < end && !isnan(v[i])) *sum += v[i];
    mesh_point_list_free(points);
    return MESH_OK;
}

/* Compares daily values with the sums of their hours; 0 when all match. */
static int check_days(mesh_session *session, mesh_point_list *days, const char *how) {
    size_t n, i;
    const int64_t *t;
    const double *v;
    char when[32];
    int mismatches = 0;
    mesh_point_list_count(days, &n);
    mesh_point_list_timestamps(days, &t);
    mesh_point_list_values(days, &v);
    printf("daily sums of %s, %s: %zu days\n", INFLOW_PATH, how, n);
    for (i = 0; i < n; i++) {
        double hours = 0;
        mesh_status status = sum_of_hours(session, t[i], t[i] + DAY_MS, &hours);
        if (status != MESH_OK) return fail("reading the hours", status);
        printf("  %s  %10.3f  (its 24 hours add up to %.3f)\n", date_of(t[i], when, sizeof when),
               v[i], hours);
        if (magnitude(v[i] - hours) > 1e-6 * magnitude(hours)) mismatches++;
    }
    mesh_point_list_free(days);
    return mismatches ? 100 : 0;
}

int main(int argc, char **argv) {
    const char *address = argc > 1 ? argv[1] : "127.0.0.1:50051";
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    mesh_point_list *points = NULL;
    mesh_calc_result *result = NULL;
    char expression[512], search[128];
    double sum = 0;
    int32_t kind = 0;
    size_t count = 0;
    int rc = 0;
    mesh_status status = mesh_connection_open(address, NULL, &connection);
    if (status != MESH_OK) return fail("connect", status);
    status = mesh_session_open(connection, &session);
    if (status != MESH_OK) return fail("open", status);

    /* 1. Daily sums of an hourly series, two ways. */
    status = mesh_calc_run_transform(session, INFLOW_PATH, NULL, DEMO_START, DEMO_START + DAYS * DAY_MS,
                                 MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_SUM, MESH_TRANSFORM_ZONE_UTC, &points);
    if (status != MESH_OK) { rc = fail("mesh_calc_run_transform", status); goto done; }
    if ((rc = check_days(session, points, "calculated (@TRANSFORM)")) != 0) goto done;
    status = mesh_timeseries_read_transformed_by_key(session, INFLOW_KEY, DEMO_START, DEMO_START + 2 * DAY_MS,
                                                     MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_SUM, MESH_TRANSFORM_ZONE_UTC,
                                                     &points);
    if (status != MESH_OK) { rc = fail("mesh_timeseries_read_transformed_by_key", status); goto done; }
    if ((rc = check_days(session, points, "transformed read by key")) != 0) goto done;

    /* 2. A calculated attribute, read like any time series attribute. */
    status = mesh_timeseries_read_by_path(session, PLANT ".TsCalcAtt", MODEL_START, MODEL_END, &points);
    if (status != MESH_OK) { rc = fail("reading TsCalcAtt", status); goto done; }
    printf("SomePowerPlant1.TsCalcAtt (calculated when read):\n");
    print_points(points, "  ");

    /* 3a. A number: the sum of the plant's raw series over the interval. */
    status = mesh_calc_run_sum(session, PLANT, ".TsRawAtt", MODEL_START, MODEL_END, &sum);
    if (status != MESH_OK) { rc = fail("mesh_calc_run_sum", status); goto done; }
    printf("sum of SomePowerPlant1.TsRawAtt = %g\n", sum);

    /* 3b. An expression of our own. Text that comes from elsewhere (here a
     * search) goes in through mesh_calc_expression_quote, never pasted in quotes. */
    status = mesh_calc_expression_quote(".TsRawAtt", search, sizeof search, NULL);
    if (status != MESH_OK) { rc = fail("mesh_calc_expression_quote", status); goto done; }
    snprintf(expression, sizeof expression, "## = @t(%s) * 2 + @d('.DblAtt')\n", search);
    printf("running %s", expression);
    status = mesh_calc_run(session, PLANT, expression, MODEL_START, MODEL_END, &result);
    if (status != MESH_OK) { rc = fail("mesh_calc_run", status); goto done; }
    mesh_calc_result_kind(result, &kind);
    mesh_calc_result_count(result, &count);
    if (kind == MESH_CALC_RESULT_KIND_SERIES && count == 1) {
        status = mesh_calc_result_series_at(result, 0, &points);
        if (status != MESH_OK) {
            mesh_calc_result_free(result);
            rc = fail("mesh_calc_result_series_at", status);
            goto done;
        }
        print_points(points, "  "); /* the points stay valid without the result */
    } else {
        printf("  an answer of kind %d with %zu items\n", (int)kind, count);
    }
    mesh_calc_result_free(result);

done:
    status = mesh_session_close(session);
    if (status != MESH_OK && rc == 0) rc = fail("close", status);
    mesh_connection_close(connection);
    mesh_library_shutdown();
    if (rc == 0) printf("done\n");
    return rc;
}
