/* bench.c: the C API side of the benchmarks (see bench/src/main.rs).
 *
 *   bench ADDRESS rtt N                  ExtendSession round trips on one session (and the
 *                                        calls the connection's statistics counted)
 *   bench ADDRESS openclose N THREADS    open-and-close N sessions over THREADS threads
 *   bench ADDRESS idle N                 open N sessions, print "ready", wait for stdin EOF
 *   bench ADDRESS ts N CHUNK RECV_MB     write N points to time series 1 in calls of
 *                                        CHUNK points, read them back in calls of CHUNK,
 *                                        roll back; RECV_MB is the receive limit (also
 *                                        prints the minor page faults of the reads)
 *   bench ADDRESS readmem N              read N points of series 1 (the data server's) in
 *                                        one call at the default receive limit, and the
 *                                        peak growth of resident memory while reading
 *   bench ADDRESS model R START QUERY VIEW
 *                                        search QUERY from START R times with VIEW
 *                                        (full|nodefs) and read every object's name and
 *                                        every attribute's name, type and first value
 *   bench ADDRESS pathread R PATH START END
 *                                        read the series at attribute PATH over
 *                                        [START, END) ms R times, values read each time
 *   bench ADDRESS calc R KEY PATH START END
 *                                        daily sums (UTC) of the hourly series KEY at PATH
 *                                        over [START, END) ms, R times as a transformed
 *                                        read by key and R times as a calculation
 *                                        relative to PATH, values read each time
 *   bench ADDRESS manyreads R KEYFILE START END STYLE
 *                                        read [START, END) ms of every series whose key is
 *                                        in KEYFILE (one a line), R times after a pass to
 *                                        warm up, from this thread:
 *                                        STYLE blocking (one read after another), async
 *                                        (all started, then each finished in turn) or
 *                                        callback (all started, each finished by its
 *                                        callback on the library's thread); values read
 *   bench HOST:PORT socket BYTES R       the machine's limit for the same bytes: R times,
 *                                        send one byte to HOST:PORT and read the BYTES it
 *                                        answers with, 1 MiB a read (no Mesh, no library)
 *   bench - memcpy BYTES R               copy BYTES between two buffers R times
 *
 * Prints "RESULT key value" lines for the harness; CPU times are this
 * process's (all its threads, the library's included). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "mesh_capi.h"

static mesh_connection *connection;

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Minor page faults of this process so far. */
static long page_faults(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    fprintf(stderr, "%s: %s: %s\n", what, mesh_status_name(status), message);
    exit((int)status);
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static void rtt(long n) {
    mesh_session *session;
    mesh_status st = mesh_session_open(connection, &session);
    if (st != MESH_OK) die("open", st);
    for (long i = 0; i < n / 10 + 10; i++) { /* warm-up */
        st = mesh_session_extend(session, NULL);
        if (st != MESH_OK) die("extend", st);
    }
    long long *ns = malloc(sizeof(long long) * (size_t)n);
    double cpu0 = cpu_seconds();
    for (long i = 0; i < n; i++) {
        long long t0 = now_ns();
        st = mesh_session_extend(session, NULL);
        ns[i] = now_ns() - t0;
        if (st != MESH_OK) die("extend", st);
    }
    double cpu = cpu_seconds() - cpu0;
    qsort(ns, (size_t)n, sizeof *ns, cmp_ll);
    printf("RESULT median_ns %lld\nRESULT p99_ns %lld\nRESULT cpu_ns_per_call %.0f\n", ns[n / 2],
           ns[(n * 99) / 100], cpu * 1e9 / (double)n);
    free(ns);
    /* After the measurement: what the connection's statistics counted (0
     * in a library built with them compiled out). */
    uint64_t calls = 0;
    st = mesh_connection_statistic(connection, MESH_STATISTIC_CALLS, &calls);
    if (st != MESH_OK) die("statistic", st);
    printf("RESULT calls_counted %llu\n", (unsigned long long)calls);
    mesh_session_close(session);
}

struct job { long count; };

static void *open_close_worker(void *arg) {
    struct job *job = arg;
    for (long i = 0; i < job->count; i++) {
        mesh_session *session;
        mesh_status st = mesh_session_open(connection, &session);
        if (st != MESH_OK) die("open", st);
        st = mesh_session_close(session);
        if (st != MESH_OK) die("close", st);
    }
    return NULL;
}

static void open_close(long n, int threads) {
    pthread_t tid[64];
    struct job jobs[64];
    if (threads < 1 || threads > 64) threads = 1;
    double cpu0 = cpu_seconds();
    long long t0 = now_ns();
    for (int t = 0; t < threads; t++) {
        jobs[t].count = n / threads;
        pthread_create(&tid[t], NULL, open_close_worker, &jobs[t]);
    }
    for (int t = 0; t < threads; t++) pthread_join(tid[t], NULL);
    double seconds = (double)(now_ns() - t0) / 1e9;
    double sessions = (double)(n / threads * threads);
    printf("RESULT sessions_per_s %.1f\nRESULT cpu_ns_per_session %.0f\n", sessions / seconds,
           (cpu_seconds() - cpu0) * 1e9 / sessions);
}

struct opener { long count; mesh_session **out; };

static void *open_worker(void *arg) {
    struct opener *o = arg;
    for (long i = 0; i < o->count; i++) {
        mesh_status st = mesh_session_open(connection, &o->out[i]);
        if (st != MESH_OK) die("open", st);
    }
    return NULL;
}

static void idle(long n) {
    enum { THREADS = 8 };
    mesh_session **sessions = malloc(sizeof *sessions * (size_t)n);
    pthread_t tid[THREADS];
    struct opener openers[THREADS];
    printf("baseline\n");
    fflush(stdout);
    getchar(); /* the harness reads our memory, then lets us go on */
    long per = n / THREADS;
    for (int t = 0; t < THREADS; t++) {
        openers[t].count = t == THREADS - 1 ? n - per * (THREADS - 1) : per;
        openers[t].out = sessions + per * t;
        pthread_create(&tid[t], NULL, open_worker, &openers[t]);
    }
    for (int t = 0; t < THREADS; t++) pthread_join(tid[t], NULL);
    printf("ready\n");
    fflush(stdout);
    while (getchar() != EOF) {
    }
    for (long i = 0; i < n; i++) mesh_session_detach(sessions[i]);
    free(sessions);
}

/* Points 1 s apart from 2031-01-01T00:00Z, far from the emulator's demo data. */
#define TS_START 1924992000000LL

static void timeseries(long n, long chunk) {
    mesh_session *session;
    mesh_status st = mesh_session_open(connection, &session);
    if (st != MESH_OK) die("open", st);
    int64_t *t = malloc(sizeof *t * (size_t)n);
    uint32_t *f = malloc(sizeof *f * (size_t)n);
    double *v = malloc(sizeof *v * (size_t)n);
    for (long i = 0; i < n; i++) {
        t[i] = TS_START + i * 1000LL;
        f[i] = 0;
        v[i] = (double)i * 0.5;
    }
    double cpu0 = cpu_seconds();
    long long t0 = now_ns();
    for (long i = 0; i < n; i += chunk) {
        long m = n - i < chunk ? n - i : chunk;
        st = mesh_timeseries_write_by_key(session, 1, t[i], t[i + m - 1] + 1000, t + i, f + i, v + i, (size_t)m);
        if (st != MESH_OK) die("write", st);
    }
    double write_s = (double)(now_ns() - t0) / 1e9;
    double write_cpu = cpu_seconds() - cpu0;
    long long sum = 0;
    long got = 0;
    long faults0 = page_faults();
    cpu0 = cpu_seconds();
    t0 = now_ns();
    for (long i = 0; i < n; i += chunk) {
        long m = n - i < chunk ? n - i : chunk;
        mesh_point_list *points;
        st = mesh_timeseries_read_by_key(session, 1, t[i], t[i + m - 1] + 1000, &points);
        if (st != MESH_OK) die("read", st);
        size_t count;
        const double *values;
        mesh_point_list_count(points, &count);
        mesh_point_list_values(points, &values);
        got += (long)count;
        if (count > 0) sum += (long long)values[count - 1];
        mesh_point_list_free(points);
    }
    double read_s = (double)(now_ns() - t0) / 1e9;
    double read_cpu = cpu_seconds() - cpu0;
    long read_faults = page_faults() - faults0;
    if (got != n) {
        fprintf(stderr, "read %ld points, wrote %ld\n", got, n);
        exit(14);
    }
    printf("RESULT write_points_per_s %.0f\nRESULT read_points_per_s %.0f\nRESULT checksum %lld\n"
           "RESULT write_cpu_s %.6f\nRESULT read_cpu_s %.6f\nRESULT read_page_faults %ld\n",
           (double)n / write_s, (double)n / read_s, sum, write_cpu, read_cpu, read_faults);
    mesh_session_rollback(session);
    mesh_session_close(session);
    free(t);
    free(f);
    free(v);
}

/* Resident memory of this process, in bytes. */
static long rss_bytes(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL) return 0;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

/* The peak resident memory (VmHWM) since the last reset_peak, in bytes. */
static long peak_bytes(void) {
    char line[256];
    long kb = 0;
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
    }
    fclose(f);
    return kb * 1024;
}

/* Sets the peak resident memory to the current (Linux 4.0 and later). */
static void reset_peak(void) {
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f == NULL) return;
    fputs("5", f);
    fclose(f);
}

/* One read of all N points of the data server's series 1, in one call: how
 * far the peak resident memory rose over the resident memory before it. */
static void read_memory(long n) {
    mesh_session *session;
    mesh_status st = mesh_session_open(connection, &session);
    if (st != MESH_OK) die("open", st);
    long before = rss_bytes();
    reset_peak();
    mesh_point_list *points;
    st = mesh_timeseries_read_by_key(session, 1, TS_START, TS_START + n * 1000LL, &points);
    if (st != MESH_OK) die("read", st);
    long peak = peak_bytes();
    size_t count = 0;
    mesh_point_list_count(points, &count);
    if ((long)count != n) {
        fprintf(stderr, "read %zu points, expected %ld\n", count, n);
        exit(14);
    }
    printf("RESULT points %zu\nRESULT rss_before_bytes %ld\nRESULT peak_growth_bytes %ld\n",
           count, before, peak - before);
    mesh_point_list_free(points);
    mesh_session_close(session);
}

/* Reads what a caller would from every object and attribute of `list`;
 * returns a checksum so none of it can be skipped. */
static double touch(mesh_object_list *list, size_t *objects, size_t *attributes) {
    char text[512];
    size_t n = 0, i, j, na, nv, len;
    double sum = 0;
    mesh_object_list_count(list, &n);
    *objects = n;
    *attributes = 0;
    for (i = 0; i < n; i++) {
        mesh_object *o;
        mesh_object_list_at(list, i, &o);
        mesh_object_name(o, text, sizeof text, &len);
        sum += (double)len;
        mesh_object_attribute_count(o, &na);
        *attributes += na;
        for (j = 0; j < na; j++) {
            mesh_attribute *a;
            int32_t type = 0, b = 0;
            int64_t k = 0;
            double d = 0;
            mesh_object_attribute_at(o, j, &a);
            mesh_attribute_name(a, text, sizeof text, &len);
            mesh_attribute_value_type(a, &type);
            mesh_attribute_value_count(a, &nv);
            sum += (double)len + type;
            if (nv == 0) continue;
            switch (type) {
            case MESH_ATTRIBUTE_VALUE_TYPE_INT: mesh_attribute_value_int_at(a, 0, &k); sum += (double)k; break;
            case MESH_ATTRIBUTE_VALUE_TYPE_DOUBLE: mesh_attribute_value_double_at(a, 0, &d); sum += d; break;
            case MESH_ATTRIBUTE_VALUE_TYPE_BOOL: mesh_attribute_value_bool_at(a, 0, &b); sum += b; break;
            case MESH_ATTRIBUTE_VALUE_TYPE_UTC_TIME: mesh_attribute_value_utc_time_at(a, 0, &k); sum += (double)(k % 1000); break;
            case MESH_ATTRIBUTE_VALUE_TYPE_STRING:
                if (mesh_attribute_value_string_at(a, 0, text, sizeof text, &len) == MESH_OK) sum += (double)len;
                break;
            case MESH_ATTRIBUTE_VALUE_TYPE_TIMESERIES:
                mesh_attribute_timeseries_key(a, &k);
                sum += (double)k;
                break;
            default: break;
            }
        }
    }
    return sum;
}

static void sort(double *v, int n) { /* insertion sort: repeats are few */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static void model(int repeats, const char *start, const char *query, const char *view_name) {
    mesh_session *session;
    int32_t view = strcmp(view_name, "full") == 0 ? MESH_MODEL_VIEW_FULL : MESH_MODEL_VIEW_NO_DEFINITIONS;
    mesh_status st = mesh_session_open(connection, &session);
    if (st != MESH_OK) die("open", st);
    if (repeats < 1) repeats = 1;
    double *seconds = malloc(sizeof *seconds * (size_t)repeats);
    double *cpu = malloc(sizeof *cpu * (size_t)repeats);
    size_t objects = 0, attributes = 0;
    double sum = 0;
    long rss_per_object = 0;
    for (int r = 0; r < repeats; r++) {
        mesh_object_list *list;
        long rss0 = rss_bytes();
        double cpu0 = cpu_seconds();
        long long t0 = now_ns();
        st = mesh_object_search(session, start, query, view, NULL, NULL, NULL, &list);
        if (st != MESH_OK) die("search", st);
        sum = touch(list, &objects, &attributes);
        seconds[r] = (double)(now_ns() - t0) / 1e9;
        cpu[r] = cpu_seconds() - cpu0;
        /* The first search shows what decoded results cost to hold. */
        if (r == 0 && objects > 0) rss_per_object = (rss_bytes() - rss0) / (long)objects;
        mesh_object_list_free(list);
    }
    sort(seconds, repeats);
    sort(cpu, repeats);
    printf("RESULT objects %zu\nRESULT attributes %zu\nRESULT seconds %.6f\nRESULT cpu_seconds %.6f\n"
           "RESULT rss_per_object %ld\nRESULT checksum %.0f\n",
           objects, attributes, seconds[repeats / 2], cpu[repeats / 2], rss_per_object, sum);
    free(seconds);
    free(cpu);
    mesh_session_close(session);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sums the values of a points handle, frees it, and counts its points. */
static double take_sum(mesh_point_list *points, size_t *count) {
    const double *values;
    double sum = 0;
    mesh_point_list_count(points, count);
    mesh_point_list_values(points, &values);
    for (size_t i = 0; i < *count; i++) sum += values[i];
    mesh_point_list_free(points);
    return sum;
}

static void path_read(int repeats, const char *path, int64_t start, int64_t end) {
    mesh_session *session;
    mesh_status st = mesh_session_open(connection, &session);
    if (st != MESH_OK) die("open", st);
    if (repeats < 1) repeats = 1;
    double *seconds = malloc(sizeof *seconds * (size_t)repeats);
    double *cpu = malloc(sizeof *cpu * (size_t)repeats);
    double total = 0;
    size_t count = 0;
    for (int r = 0; r < repeats; r++) {
        mesh_point_list *points;
        double cpu0 = cpu_seconds();
        long long t0 = now_ns();
        st = mesh_timeseries_read_by_path(session, path, start, end, &points);
        if (st != MESH_OK) die("read by path", st);
        const double *values;
        mesh_point_list_count(points, &count);
        mesh_point_list_values(points, &values);
        total = 0;
        /* A linear series ends with a point at the interval's end, NaN
         * when nothing follows it. */
        for (size_t i = 0; i < count; i++)
            if (values[i] == values[i]) total += values[i];
        mesh_point_list_free(points);
        seconds[r] = (double)(now_ns() - t0) / 1e9;
        cpu[r] = cpu_seconds() - cpu0;
    }
    qsort(seconds, (size_t)repeats, sizeof *seconds, cmp_double);
    qsort(cpu, (size_t)repeats, sizeof *cpu, cmp_double);
    printf("RESULT seconds %.6f\nRESULT cpu_seconds %.6f\nRESULT points %zu\nRESULT total %.3f\n",
           seconds[repeats / 2], cpu[repeats / 2], count, total);
    free(seconds);
    free(cpu);
    mesh_session_close(session);
}

static void calculations(int repeats, int64_t key, const char *path, int64_t start, int64_t end) {
    mesh_session *session;
    mesh_status st = mesh_session_open(connection, &session);
    if (st != MESH_OK) die("open", st);
    if (repeats < 1) repeats = 1;
    double *read_s = malloc(sizeof *read_s * (size_t)repeats);
    double *calc_s = malloc(sizeof *calc_s * (size_t)repeats);
    double read_total = 0, calc_total = 0;
    size_t read_days = 0, calc_days = 0;
    for (int r = 0; r < repeats; r++) {
        mesh_point_list *points;
        long long t0 = now_ns();
        st = mesh_timeseries_read_transformed_by_key(session, key, start, end, MESH_RESOLUTION_DAY,
                                                     MESH_TRANSFORM_METHOD_SUM, MESH_TRANSFORM_ZONE_UTC, &points);
        if (st != MESH_OK) die("transformed read", st);
        read_total = take_sum(points, &read_days);
        read_s[r] = (double)(now_ns() - t0) / 1e9;
        t0 = now_ns();
        st = mesh_calc_run_transform(session, path, NULL, start, end, MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_SUM,
                                 MESH_TRANSFORM_ZONE_UTC, &points);
        if (st != MESH_OK) die("calculation", st);
        calc_total = take_sum(points, &calc_days);
        calc_s[r] = (double)(now_ns() - t0) / 1e9;
    }
    qsort(read_s, (size_t)repeats, sizeof *read_s, cmp_double);
    qsort(calc_s, (size_t)repeats, sizeof *calc_s, cmp_double);
    printf("RESULT read_s %.6f\nRESULT calc_s %.6f\nRESULT read_days %zu\nRESULT calc_days %zu\n"
           "RESULT read_total %.3f\nRESULT calc_total %.3f\n",
           read_s[repeats / 2], calc_s[repeats / 2], read_days, calc_days, read_total, calc_total);
    free(read_s);
    free(calc_s);
    mesh_session_close(session);
}

/* The keys in `file`, one a line; exits on a bad file. */
static int64_t *read_keys(const char *file, size_t *n) {
    FILE *f = fopen(file, "r");
    if (f == NULL) {
        perror(file);
        exit(15);
    }
    size_t cap = 1024;
    int64_t *keys = malloc(sizeof *keys * cap);
    long long key;
    *n = 0;
    while (fscanf(f, "%lld", &key) == 1) {
        if (*n == cap) {
            cap *= 2;
            keys = realloc(keys, sizeof *keys * cap);
        }
        keys[(*n)++] = (int64_t)key;
    }
    fclose(f);
    if (*n == 0) {
        fprintf(stderr, "no keys in %s\n", file);
        exit(15);
    }
    return keys;
}

/* What the reads of one pass add up to; the callbacks add under `lock`. */
struct tally {
    pthread_mutex_t lock;
    pthread_cond_t all_done;
    size_t pending;
    size_t points;
    double total;
    mesh_status failed;
    char message[512];
};

/* Adds a points handle's count and values to *count and *total, and frees it. */
static void add_points(mesh_point_list *points, size_t *count, double *total) {
    size_t n;
    const double *values;
    mesh_point_list_count(points, &n);
    mesh_point_list_values(points, &values);
    for (size_t i = 0; i < n; i++) *total += values[i];
    *count += n;
    mesh_point_list_free(points);
}

/* Completion callback, on the library's callback thread: finishes the read
 * and adds its points to the tally. */
static void read_done(mesh_operation *operation, mesh_status status, void *user_data) {
    struct tally *t = user_data;
    mesh_point_list *points = NULL;
    size_t count = 0;
    double total = 0;
    (void)status; /* _finish gives the same */
    mesh_status st = mesh_timeseries_read_by_key_finish(operation, &points);
    if (st == MESH_OK) add_points(points, &count, &total);
    pthread_mutex_lock(&t->lock);
    if (st != MESH_OK && t->failed == MESH_OK) {
        t->failed = st;
        mesh_last_error_message(t->message, sizeof t->message);
    }
    t->points += count;
    t->total += total;
    if (--t->pending == 0) pthread_cond_signal(&t->all_done);
    pthread_mutex_unlock(&t->lock);
}

/* One pass over `n` keys in `style`; `ops` has room for `n` operations. */
static void many_pass(mesh_session *session, const int64_t *keys, size_t n, int64_t start, int64_t end,
                      const char *style, mesh_operation **ops, size_t *points, double *total) {
    mesh_status st;
    mesh_point_list *list;
    *points = 0;
    *total = 0;
    if (strcmp(style, "blocking") == 0) {
        for (size_t i = 0; i < n; i++) {
            st = mesh_timeseries_read_by_key(session, keys[i], start, end, &list);
            if (st != MESH_OK) die("read", st);
            add_points(list, points, total);
        }
    } else if (strcmp(style, "async") == 0) {
        for (size_t i = 0; i < n; i++) {
            st = mesh_timeseries_read_by_key_start(session, keys[i], start, end, &ops[i]);
            if (st != MESH_OK) die("read start", st);
        }
        for (size_t i = 0; i < n; i++) {
            st = mesh_timeseries_read_by_key_finish(ops[i], &list);
            if (st != MESH_OK) die("read finish", st);
            add_points(list, points, total);
        }
    } else if (strcmp(style, "callback") == 0) {
        struct tally t = {.pending = n, .failed = MESH_OK};
        pthread_mutex_init(&t.lock, NULL);
        pthread_cond_init(&t.all_done, NULL);
        for (size_t i = 0; i < n; i++) {
            mesh_operation *operation;
            st = mesh_timeseries_read_by_key_start(session, keys[i], start, end, &operation);
            if (st != MESH_OK) die("read start", st);
            st = mesh_operation_set_callback(operation, read_done, &t);
            if (st != MESH_OK) die("set callback", st);
        }
        pthread_mutex_lock(&t.lock);
        while (t.pending > 0) pthread_cond_wait(&t.all_done, &t.lock);
        pthread_mutex_unlock(&t.lock);
        if (t.failed != MESH_OK) {
            fprintf(stderr, "read finish: %s: %s\n", mesh_status_name(t.failed), t.message);
            exit((int)t.failed);
        }
        *points = t.points;
        *total = t.total;
        pthread_cond_destroy(&t.all_done);
        pthread_mutex_destroy(&t.lock);
    } else {
        fprintf(stderr, "unknown style %s\n", style);
        exit(1);
    }
}

static void many_reads(int repeats, const char *key_file, int64_t start, int64_t end, const char *style) {
    size_t n;
    int64_t *keys = read_keys(key_file, &n);
    mesh_operation **ops = malloc(sizeof *ops * n);
    mesh_session *session;
    mesh_status st = mesh_session_open(connection, &session);
    if (st != MESH_OK) die("open", st);
    if (repeats < 1) repeats = 1;
    double *seconds = malloc(sizeof *seconds * (size_t)repeats);
    double *cpu = malloc(sizeof *cpu * (size_t)repeats);
    size_t points = 0;
    double total = 0;
    many_pass(session, keys, n, start, end, style, ops, &points, &total); /* warm-up: one pass */
    for (int r = 0; r < repeats; r++) {
        double cpu0 = cpu_seconds();
        long long t0 = now_ns();
        many_pass(session, keys, n, start, end, style, ops, &points, &total);
        seconds[r] = (double)(now_ns() - t0) / 1e9;
        cpu[r] = cpu_seconds() - cpu0;
    }
    qsort(seconds, (size_t)repeats, sizeof *seconds, cmp_double);
    qsort(cpu, (size_t)repeats, sizeof *cpu, cmp_double);
    printf("RESULT seconds %.6f\nRESULT cpu_seconds %.6f\nRESULT points %zu\nRESULT total %.3f\n",
           seconds[repeats / 2], cpu[repeats / 2], points, total);
    free(seconds);
    free(cpu);
    free(ops);
    free(keys);
    mesh_session_close(session);
}

/* The plain-socket limit: R rounds of one request byte and BYTES back. */
static void socket_limit(const char *address, long bytes, int rounds) {
    char host[256];
    const char *colon = strrchr(address, ':');
    if (colon == NULL || (size_t)(colon - address) >= sizeof host) {
        fprintf(stderr, "socket: bad address %s\n", address);
        exit(1);
    }
    memcpy(host, address, (size_t)(colon - address));
    host[colon - address] = 0;
    struct addrinfo hints = {0}, *ai;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0) {
        fprintf(stderr, "socket: cannot resolve %s\n", address);
        exit(1);
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        perror("socket: connect");
        exit(1);
    }
    freeaddrinfo(ai);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    size_t cap = 1 << 20;
    char *buf = malloc(cap);
    double cpu0 = cpu_seconds();
    long long t0 = now_ns();
    unsigned long sum = 0;
    for (int r = 0; r < rounds; r++) {
        if (send(fd, "g", 1, 0) != 1) {
            perror("socket: send");
            exit(1);
        }
        for (long got = 0; got < bytes;) {
            ssize_t n = recv(fd, buf, cap, 0);
            if (n <= 0) {
                perror("socket: recv");
                exit(1);
            }
            sum += (unsigned char)buf[n - 1];
            got += n;
        }
    }
    double s = (double)(now_ns() - t0) / 1e9;
    printf("RESULT bytes_per_s %.0f\nRESULT cpu_s_per_round %.6f\nRESULT checksum %lu\n",
           (double)bytes * rounds / s, (cpu_seconds() - cpu0) / rounds, sum);
    close(fd);
    free(buf);
}

/* The memory limit: R copies of BYTES. */
static void memcpy_limit(long bytes, int rounds) {
    char *from = malloc((size_t)bytes), *to = malloc((size_t)bytes);
    memset(from, 1, (size_t)bytes);
    memset(to, 0, (size_t)bytes);
    unsigned long sum = 0;
    long long t0 = now_ns();
    for (int r = 0; r < rounds; r++) {
        from[r % bytes] = (char)r;
        memcpy(to, from, (size_t)bytes);
        sum += (unsigned char)to[(r * 4099L) % bytes];
    }
    double s = (double)(now_ns() - t0) / 1e9;
    printf("RESULT bytes_per_s %.0f\nRESULT checksum %lu\n", (double)bytes * rounds / s, sum);
    free(from);
    free(to);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr,
                "usage: %s ADDRESS rtt N | openclose N THREADS | idle N | ts N CHUNK RECV_MB | readmem N | model R START QUERY VIEW"
                " | pathread R PATH START END | calc R KEY PATH START END"
                " | manyreads R KEYFILE START END blocking|async|callback | socket BYTES R | memcpy BYTES R\n",
                argv[0]);
        return 1;
    }
    /* The machine's limits: no Mesh, no library. */
    if (strcmp(argv[2], "socket") == 0 && argc > 4) {
        socket_limit(argv[1], atol(argv[3]), atoi(argv[4]));
        return 0;
    }
    if (strcmp(argv[2], "memcpy") == 0 && argc > 4) {
        memcpy_limit(atol(argv[3]), atoi(argv[4]));
        return 0;
    }
    mesh_options *options;
    mesh_status st = mesh_options_new(&options);
    if (st != MESH_OK) die("options", st);
    if (strcmp(argv[2], "ts") == 0 && argc > 5) {
        st = mesh_options_set_max_receive_message_bytes(options, (uint32_t)atol(argv[5]) * 1024u * 1024u);
        if (st != MESH_OK) die("options", st);
    }
    st = mesh_connection_open(argv[1], options, &connection);
    mesh_options_free(options);
    if (st != MESH_OK) die("connect", st);
    long n = atol(argv[3]);
    if (strcmp(argv[2], "rtt") == 0) {
        rtt(n);
    } else if (strcmp(argv[2], "openclose") == 0 && argc > 4) {
        open_close(n, atoi(argv[4]));
    } else if (strcmp(argv[2], "idle") == 0) {
        idle(n);
    } else if (strcmp(argv[2], "ts") == 0 && argc > 5) {
        timeseries(n, atol(argv[4]));
    } else if (strcmp(argv[2], "readmem") == 0) {
        read_memory(n);
    } else if (strcmp(argv[2], "model") == 0 && argc > 6) {
        model((int)n, argv[4], argv[5], argv[6]);
    } else if (strcmp(argv[2], "pathread") == 0 && argc > 6) {
        path_read((int)n, argv[4], atoll(argv[5]), atoll(argv[6]));
    } else if (strcmp(argv[2], "calc") == 0 && argc > 7) {
        calculations((int)n, atoll(argv[4]), argv[5], atoll(argv[6]), atoll(argv[7]));
    } else if (strcmp(argv[2], "manyreads") == 0 && argc > 7) {
        many_reads((int)n, argv[4], atoll(argv[5]), atoll(argv[6]), argv[7]);
    } else {
        fprintf(stderr, "unknown mode %s\n", argv[2]);
        return 1;
    }
    mesh_connection_close(connection);
    mesh_library_shutdown();
    return 0;
}
