/*
 * stdcall_host.c: a 32-bit Windows program that calls mesh_capi.dll the way
 * 32-bit VBA does. VBA's `Declare ... Lib "mesh_capi.dll" Alias
 * "mesh_..._stdcall"` loads the DLL by name and looks each function up by
 * its alias (LoadLibrary, GetProcAddress), then pushes the arguments and
 * expects the callee to pop them (stdcall); after the call it checks that
 * ESP is back where it was, else "Bad DLL calling convention" (error 49).
 * Here every function is declared by hand as a __stdcall pointer under its
 * twin's export name and found the same way, so a wrong export name fails
 * the lookup and a wrong convention or argument size shows as ESP moved, or
 * a local on the stack overwritten, across the call.
 *
 * The steps, against the emulator's demo catalog (key 1 is
 * Resource/Demo/Readings, a breakpoint series that starts empty): library
 * version; options new, timeouts, free; connection open; the server's
 * version through (buf, cap, len_out), too small buffers included; session
 * open and its id; a write by key read back by path and a write by path read
 * back by key (64-bit keys and times among 32-bit arguments, as VBA passes
 * them in Currency), the points read through the list's pointers and copied
 * out as VBA does; commit; an unknown key with its status name and last
 * error message; handles used after free and close; session and connection
 * close; then the asynchronous twins, as VBA uses them (start, poll or
 * wait, finish): a second connection and session opened by start and
 * finish, the committed points read by key in the background and polled
 * with mesh_operation_is_done until done, an unknown key failing at finish,
 * a start refused, a commit cancelled right after its start, a read freed
 * unfinished, and the session closed by start and finish; library shutdown.
 *
 *   stdcall_host ADDRESS
 *
 * Prints a line per step and exits 0, or prints "FAIL: ..." and exits 1 at
 * the first mismatch.
 */
#include <windows.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh_capi.h"

#if !defined(_WIN32) || defined(_WIN64) || !defined(__i386__)
#error "stdcall_host.c is for 32-bit (i686) Windows"
#endif

/* ------------------------------------------------------------------------
 * The twins, declared as 32-bit VBA declares them: stdcall, by export name.
 * Statuses go in as 32-bit integers (VBA's Long), 64-bit integers as 8 bytes
 * on the stack (VBA's Currency). */
#define TWINS(X)                                                                         \
    X(const char *, mesh_library_version, (void))                                        \
    X(mesh_status, mesh_library_check_version, (uint32_t header_version))                \
    X(mesh_status, mesh_library_shutdown, (void))                                        \
    X(const char *, mesh_status_name, (int32_t status))                                  \
    X(size_t, mesh_last_error_message, (char *buf, size_t cap))                          \
    X(mesh_status, mesh_options_new, (mesh_options * *out))                              \
    X(mesh_status, mesh_options_set_connect_timeout_ms, (mesh_options * o, uint32_t ms)) \
    X(mesh_status, mesh_options_set_call_timeout_ms, (mesh_options * o, uint32_t ms))    \
    X(mesh_status, mesh_options_free, (mesh_options * o))                                \
    X(mesh_status, mesh_connection_open,                                                 \
      (const char *address, const mesh_options *options, mesh_connection **out))         \
    X(mesh_status, mesh_connection_server_version,                                       \
      (mesh_connection * c, char *buf, size_t cap, size_t *len_out))                     \
    X(mesh_status, mesh_connection_close, (mesh_connection * c))                         \
    X(mesh_status, mesh_session_open, (mesh_connection * c, mesh_session **out))         \
    X(mesh_status, mesh_session_id,                                                      \
      (const mesh_session *s, char *buf, size_t cap, size_t *len_out))                   \
    X(mesh_status, mesh_session_commit, (mesh_session * s))                              \
    X(mesh_status, mesh_session_close, (mesh_session * s))                               \
    X(mesh_status, mesh_timeseries_write_by_key,                                         \
      (mesh_session * s, int64_t key, int64_t start_ms, int64_t end_ms,                  \
       const int64_t *timestamps, const uint32_t *flags, const double *values,           \
       size_t count))                                                                    \
    X(mesh_status, mesh_timeseries_write_by_path,                                        \
      (mesh_session * s, const char *path, int64_t start_ms, int64_t end_ms,             \
       const int64_t *timestamps, const uint32_t *flags, const double *values,           \
       size_t count))                                                                    \
    X(mesh_status, mesh_timeseries_read_by_key,                                          \
      (mesh_session * s, int64_t key, int64_t start_ms, int64_t end_ms,                  \
       mesh_point_list **out))                                                           \
    X(mesh_status, mesh_timeseries_read_by_path,                                         \
      (mesh_session * s, const char *path, int64_t start_ms, int64_t end_ms,             \
       mesh_point_list **out))                                                           \
    X(mesh_status, mesh_point_list_count, (const mesh_point_list *p, size_t *out))       \
    X(mesh_status, mesh_point_list_timestamps,                                           \
      (const mesh_point_list *p, const int64_t **out))                                   \
    X(mesh_status, mesh_point_list_flags, (const mesh_point_list *p, const uint32_t **out)) \
    X(mesh_status, mesh_point_list_values, (const mesh_point_list *p, const double **out)) \
    X(mesh_status, mesh_point_list_copy,                                                 \
      (const mesh_point_list *p, int64_t *timestamps, uint32_t *flags, double *values,   \
       size_t cap))                                                                      \
    X(mesh_status, mesh_point_list_free, (mesh_point_list * p))                          \
    X(mesh_status, mesh_connection_open_start,                                           \
      (const char *address, const mesh_options *options, mesh_operation **out))          \
    X(mesh_status, mesh_connection_open_finish, (mesh_operation * op, mesh_connection **out)) \
    X(mesh_status, mesh_session_open_start, (mesh_connection * c, mesh_operation **out)) \
    X(mesh_status, mesh_session_open_finish, (mesh_operation * op, mesh_session **out))  \
    X(mesh_status, mesh_session_commit_start, (mesh_session * s, mesh_operation **out))  \
    X(mesh_status, mesh_session_commit_finish, (mesh_operation * op))                    \
    X(mesh_status, mesh_session_close_start, (mesh_session * s, mesh_operation **out))   \
    X(mesh_status, mesh_session_close_finish, (mesh_operation * op))                     \
    X(mesh_status, mesh_timeseries_read_by_key_start,                                    \
      (mesh_session * s, int64_t key, int64_t start_ms, int64_t end_ms,                  \
       mesh_operation **out))                                                            \
    X(mesh_status, mesh_timeseries_read_by_key_finish,                                   \
      (mesh_operation * op, mesh_point_list **out))                                      \
    X(mesh_status, mesh_operation_wait,                                                  \
      (mesh_operation * op, uint32_t timeout_ms, int32_t *out_done))                     \
    X(mesh_status, mesh_operation_is_done, (const mesh_operation *op, int32_t *out_done)) \
    X(mesh_status, mesh_operation_cancel, (mesh_operation * op))                         \
    X(mesh_status, mesh_operation_free, (mesh_operation * op))

#define DECLARE(ret, name, params)                  \
    typedef ret(__stdcall *name##_stdcall_t) params; \
    static name##_stdcall_t name##_stdcall;
TWINS(DECLARE)

/* How the control below calls mesh_status_name_stdcall and the cdecl
 * mesh_status_name alike: as VBA calls, stdcall. */
typedef const char *(__stdcall *misdeclared_t)(int32_t status);

/* ------------------------------------------------------------------------
 * The stack check: ESP read before and after every call (equal when the
 * callee popped exactly the bytes pushed), and a volatile local next to the
 * call that must keep its value. */
#define CANARY 0x5AFEC0DEu
#define READ_ESP(v) __asm__ __volatile__("movl %%esp, %0" : "=r"(v) : : "memory")

static unsigned calls_checked;

static void fail(const char *fmt, ...)
    __attribute__((noreturn, format(__MINGW_PRINTF_FORMAT, 1, 2)));

/* Says what did not match and ends the program with 1. */
static void fail(const char *fmt, ...) {
    va_list args;
    printf("FAIL: ");
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
    exit(1);
}

static void stack_intact(const char *call, uintptr_t before, uintptr_t after, uint32_t canary) {
    if (before != after)
        fail("%s moved ESP by %lld bytes", call, (long long)after - (long long)before);
    if (canary != CANARY)
        fail("%s overwrote a local on the stack (canary 0x%08lx)", call, (unsigned long)canary);
    calls_checked++;
}

/* `result = call`, with the stack checked around it. */
#define CALL(result, call)                                \
    do {                                                  \
        volatile uint32_t canary_ = CANARY;               \
        uintptr_t before_, after_;                        \
        READ_ESP(before_);                                \
        (result) = call;                                  \
        READ_ESP(after_);                                 \
        stack_intact(#call, before_, after_, canary_);    \
    } while (0)

/* ESP's shift across one call of `fn(0)` made as a stdcall call: 0 when
 * `fn` pops its 4 bytes of arguments, -4 when it is cdecl and leaves them.
 * The variable-length array makes the compiler keep a frame pointer and
 * restore ESP from it on return, so a callee that pops the wrong amount
 * cannot derail this function. */
static volatile int frame_size = 16;

static __attribute__((noinline, noclone)) long esp_shift(misdeclared_t fn) {
    volatile char frame[frame_size];
    uintptr_t before, after;
    frame[0] = 0;
    READ_ESP(before);
    fn(0);
    READ_ESP(after);
    return (long)(after - before) + frame[0];
}

/* ------------------------------------------------------------------------ */

static char message[1024];

/* The last error message, through the twin. */
static const char *last_error(void) {
    size_t n;
    CALL(n, mesh_last_error_message_stdcall(message, sizeof message));
    (void)n;
    return message;
}

static const char *status_name(mesh_status status) {
    const char *name;
    CALL(name, mesh_status_name_stdcall((int32_t)status));
    return name;
}

/* Fails unless `status` is `want`. */
static void expect(const char *what, mesh_status status, mesh_status want) {
    if (status != want)
        fail("%s: %s, expected %s: %s", what, status_name(status), status_name(want),
             status == MESH_OK ? "" : last_error());
}

static void expect_ok(const char *what, mesh_status status) {
    expect(what, status, MESH_OK);
}

#define POINTS 5
#define HOUR_MS 3600000LL
/* 2030-01-01T00:00:00Z: clear of the demo data. */
#define START_MS 1893456000000LL
#define END_MS (START_MS + POINTS * HOUR_MS)
#define KEY 1
#define PATH "Resource/Demo/Readings"
/* No such series; its halves differ, so the message shows both arrived. */
#define UNKNOWN_KEY 4294967303LL

/* Reads back `expected_count` points and checks them against the arrays,
 * through the list's pointers and through mesh_point_list_copy (VBA's way,
 * as it cannot read through a pointer). */
static void check_points(const char *how, mesh_point_list *points, const int64_t *times,
                         const uint32_t *flags, const double *values, size_t expected_count) {
    size_t count = 0, i;
    const int64_t *t = NULL;
    const uint32_t *f = NULL;
    const double *v = NULL;
    int64_t copy_t[POINTS + 1];
    uint32_t copy_f[POINTS + 1];
    double copy_v[POINTS + 1];
    mesh_status status;

    CALL(status, mesh_point_list_count_stdcall(points, &count));
    expect_ok("mesh_point_list_count_stdcall", status);
    if (count != expected_count)
        fail("%s: %u points, expected %u", how, (unsigned)count, (unsigned)expected_count);
    CALL(status, mesh_point_list_timestamps_stdcall(points, &t));
    expect_ok("mesh_point_list_timestamps_stdcall", status);
    CALL(status, mesh_point_list_flags_stdcall(points, &f));
    expect_ok("mesh_point_list_flags_stdcall", status);
    CALL(status, mesh_point_list_values_stdcall(points, &v));
    expect_ok("mesh_point_list_values_stdcall", status);
    for (i = 0; i < count; i++) {
        if (t[i] != times[i]) fail("%s: timestamp %u is %lld", how, (unsigned)i, (long long)t[i]);
        if (f[i] != flags[i]) fail("%s: flags %u are 0x%x", how, (unsigned)i, (unsigned)f[i]);
        if (memcmp(&v[i], &values[i], sizeof(double)) != 0)
            fail("%s: value %u is %.17g", how, (unsigned)i, v[i]);
    }

    /* One item short: MESH_ERROR_BUFFER_TOO_SMALL, nothing copied. */
    memset(copy_v, 0xAB, sizeof copy_v);
    CALL(status, mesh_point_list_copy_stdcall(points, copy_t, copy_f, copy_v, count - 1));
    expect("mesh_point_list_copy_stdcall with cap count - 1", status,
           MESH_ERROR_BUFFER_TOO_SMALL);
    if (((unsigned char *)copy_v)[0] != 0xAB)
        fail("%s: mesh_point_list_copy_stdcall wrote with too small a cap", how);
    CALL(status, mesh_point_list_copy_stdcall(points, copy_t, copy_f, copy_v, POINTS + 1));
    expect_ok("mesh_point_list_copy_stdcall", status);
    if (memcmp(copy_t, times, count * sizeof *times) != 0 ||
        memcmp(copy_f, flags, count * sizeof *flags) != 0 ||
        memcmp(copy_v, values, count * sizeof *values) != 0)
        fail("%s: mesh_point_list_copy_stdcall gave other points", how);

    printf("%s: %u points match (values", how, (unsigned)count);
    for (i = 0; i < count; i++) printf(" %g", v[i]);
    printf("; flags");
    for (i = 0; i < count; i++) printf(" 0x%x", (unsigned)f[i]);
    printf(")\n");
}

int main(int argc, char **argv) {
    volatile uint32_t canary = CANARY;
    HMODULE dll;
    FARPROC cdecl_original;
    const char *text;
    char buf[64];
    size_t len, n, i, twins = 0;
    mesh_options *options = NULL;
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    mesh_point_list *points = NULL;
    mesh_status status;
    int64_t times[POINTS];
    uint32_t flags[POINTS];
    double values[POINTS];
    long shift_twin, shift_cdecl;
    mesh_connection *connection2 = NULL;
    mesh_session *session2 = NULL;
    mesh_operation *operation = NULL;
    int32_t done;
    unsigned polls;
    DWORD poll_start;

    if (argc < 2) {
        fprintf(stderr, "usage: stdcall_host ADDRESS\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);

    /* As VBA's Declare: the DLL by name, each function by its alias. */
    dll = LoadLibraryA("mesh_capi.dll");
    if (!dll) fail("LoadLibrary(mesh_capi.dll): error %lu", (unsigned long)GetLastError());
#define LOAD(ret, name, params)                                                       \
    name##_stdcall =                                                                  \
        (name##_stdcall_t)(void (*)(void))GetProcAddress(dll, #name "_stdcall");      \
    if (!name##_stdcall) fail("GetProcAddress(%s): not exported", #name "_stdcall"); \
    twins++;
    TWINS(LOAD)
    cdecl_original = GetProcAddress(dll, "mesh_status_name");
    if (!cdecl_original) fail("GetProcAddress(%s): not exported", "mesh_status_name");
    printf("loaded: mesh_capi.dll, %u stdcall twins found by their export names\n",
           (unsigned)twins);

    /* The stack check sees a wrong convention: the twin pops its argument;
     * the cdecl original, called as VBA calls, leaves it on the stack. */
    shift_twin = esp_shift(mesh_status_name_stdcall);
    shift_cdecl = esp_shift((misdeclared_t)(void (*)(void))cdecl_original);
    if (shift_twin != 0) fail("mesh_status_name_stdcall moved ESP by %ld", shift_twin);
    if (shift_cdecl != -4)
        fail("mesh_status_name called as stdcall moved ESP by %ld, not -4", shift_cdecl);
    printf("convention: mesh_status_name_stdcall pops its 4 argument bytes (ESP %+ld); "
           "cdecl mesh_status_name leaves them (ESP %+ld, VBA's error 49)\n",
           shift_twin, shift_cdecl);

    CALL(text, mesh_library_version_stdcall());
    if (strcmp(text, MESH_CAPI_VERSION_STRING) != 0)
        fail("library version %s, header %s", text, MESH_CAPI_VERSION_STRING);
    CALL(status, mesh_library_check_version_stdcall(MESH_CAPI_VERSION_NUMBER));
    expect_ok("mesh_library_check_version_stdcall", status);
    printf("version: %s (mesh_library_check_version_stdcall: %s)\n", text, status_name(status));

    CALL(status, mesh_options_new_stdcall(&options));
    expect_ok("mesh_options_new_stdcall", status);
    CALL(status, mesh_options_set_connect_timeout_ms_stdcall(options, 10000));
    expect_ok("mesh_options_set_connect_timeout_ms_stdcall", status);
    CALL(status, mesh_options_set_call_timeout_ms_stdcall(options, 60000));
    expect_ok("mesh_options_set_call_timeout_ms_stdcall", status);
    printf("options: new, connect timeout 10000 ms, call timeout 60000 ms\n");

    CALL(status, mesh_connection_open_stdcall(argv[1], options, &connection));
    expect_ok("mesh_connection_open_stdcall", status);
    printf("connection: open to %s\n", argv[1]);

    CALL(status, mesh_options_free_stdcall(options));
    expect_ok("mesh_options_free_stdcall", status);
    CALL(status, mesh_options_set_call_timeout_ms_stdcall(options, 1000));
    expect("mesh_options_set_call_timeout_ms_stdcall on freed options", status,
           MESH_ERROR_INVALID_HANDLE);
    printf("options: freed; used again: %s\n", status_name(status));

    /* (buf, cap, len_out): the length alone, one byte short (no room for
     * the NUL, buffer untouched), then the text. */
    len = 9999;
    CALL(status, mesh_connection_server_version_stdcall(connection, NULL, 0, &len));
    expect("mesh_connection_server_version_stdcall cap 0", status, MESH_ERROR_BUFFER_TOO_SMALL);
    n = len;
    if (n == 0 || n >= sizeof buf) fail("server version length %u", (unsigned)n);
    memset(buf, '#', sizeof buf);
    len = 9999;
    CALL(status, mesh_connection_server_version_stdcall(connection, buf, n, &len));
    expect("mesh_connection_server_version_stdcall cap len", status, MESH_ERROR_BUFFER_TOO_SMALL);
    for (i = 0; i < sizeof buf; i++)
        if (buf[i] != '#')
            fail("mesh_connection_server_version_stdcall wrote at %u with too small a buffer",
                 (unsigned)i);
    if (len != n)
        fail("len_out %u on the second BUFFER_TOO_SMALL, not %u", (unsigned)len, (unsigned)n);
    CALL(status, mesh_connection_server_version_stdcall(connection, buf, n + 1, &len));
    expect_ok("mesh_connection_server_version_stdcall", status);
    if (len != n || strlen(buf) != n) fail("server version %s, len %u", buf, (unsigned)len);
    printf("server version: %s (len %u; cap 0 and cap %u: %s, buffer untouched)\n", buf,
           (unsigned)n, (unsigned)n, status_name(MESH_ERROR_BUFFER_TOO_SMALL));

    CALL(status, mesh_session_open_stdcall(connection, &session));
    expect_ok("mesh_session_open_stdcall", status);
    CALL(status, mesh_session_id_stdcall(session, buf, 36, &len));
    expect("mesh_session_id_stdcall cap 36", status, MESH_ERROR_BUFFER_TOO_SMALL);
    CALL(status, mesh_session_id_stdcall(session, buf, sizeof buf, &len));
    expect_ok("mesh_session_id_stdcall", status);
    if (len != 36 || strlen(buf) != 36) fail("session id %s, len %u", buf, (unsigned)len);
    printf("session: open, id %s\n", buf);

    /* By key, read back by path. */
    for (i = 0; i < POINTS; i++) {
        times[i] = START_MS + (int64_t)i * HOUR_MS;
        flags[i] = i == 2 ? MESH_POINT_FLAG_SUSPECT : MESH_POINT_FLAG_OK;
        values[i] = 10.5 + (double)i * 0.25;
    }
    CALL(status, mesh_timeseries_write_by_key_stdcall(session, KEY, START_MS, END_MS, times, flags,
                                                      values, POINTS));
    expect_ok("mesh_timeseries_write_by_key_stdcall", status);
    printf("write by key %d: %d points\n", KEY, POINTS);
    CALL(status, mesh_timeseries_read_by_path_stdcall(session, PATH, START_MS, END_MS, &points));
    expect_ok("mesh_timeseries_read_by_path_stdcall", status);
    check_points("read by path " PATH, points, times, flags, values, POINTS);
    CALL(status, mesh_point_list_free_stdcall(points));
    expect_ok("mesh_point_list_free_stdcall", status);

    /* By path, one point fewer (the interval is replaced), read back by key. */
    for (i = 0; i < POINTS - 1; i++) {
        flags[i] = i == 0 ? MESH_POINT_FLAG_SUSPECT : MESH_POINT_FLAG_OK;
        values[i] = -1000.125 + (double)i * 0.5;
    }
    CALL(status, mesh_timeseries_write_by_path_stdcall(session, PATH, START_MS, END_MS, times,
                                                       flags, values, POINTS - 1));
    expect_ok("mesh_timeseries_write_by_path_stdcall", status);
    printf("write by path %s: %d points\n", PATH, POINTS - 1);
    points = NULL;
    CALL(status, mesh_timeseries_read_by_key_stdcall(session, KEY, START_MS, END_MS, &points));
    expect_ok("mesh_timeseries_read_by_key_stdcall", status);
    check_points("read by key 1", points, times, flags, values, POINTS - 1);
    CALL(status, mesh_point_list_free_stdcall(points));
    expect_ok("mesh_point_list_free_stdcall", status);
    CALL(status, mesh_point_list_free_stdcall(points));
    expect("mesh_point_list_free_stdcall twice", status, MESH_ERROR_INVALID_HANDLE);
    printf("points: freed; freed again: %s\n", status_name(status));

    CALL(status, mesh_session_commit_stdcall(session));
    expect_ok("mesh_session_commit_stdcall", status);
    printf("commit: %s\n", status_name(status));

    /* A failure: its status, its name and this thread's message, whole and
     * cut short. */
    points = NULL;
    CALL(status, mesh_timeseries_read_by_key_stdcall(session, UNKNOWN_KEY, START_MS, END_MS,
                                                     &points));
    expect("mesh_timeseries_read_by_key_stdcall of an unknown key", status,
           MESH_ERROR_NOT_FOUND);
    if (points != NULL) fail("read of an unknown key: out written on failure");
    CALL(n, mesh_last_error_message_stdcall(NULL, 0));
    if (n == 0) fail("read of an unknown key: no last error message");
    memset(message, 0, sizeof message);
    CALL(len, mesh_last_error_message_stdcall(message, sizeof message));
    if (len != n || strlen(message) != n)
        fail("last error message %s, length %u, not %u", message, (unsigned)len, (unsigned)n);
    memset(buf, '#', sizeof buf);
    CALL(len, mesh_last_error_message_stdcall(buf, 8));
    if (len != n || strlen(buf) != 7 || strncmp(buf, message, 7) != 0 || buf[8] != '#')
        fail("last error message cut to 8 bytes: %s, length %u", buf, (unsigned)len);
    printf("error: %s: %s\n", status_name(status), message);
    printf("error message: %u bytes; cap 0 gives the length, cap 8 the first 7 and a NUL\n",
           (unsigned)n);

    /* The asynchronous twins, as 32-bit VBA calls them. A connection of
     * its own (default options), opened by start and finish; finish waits. */
    CALL(status, mesh_connection_open_start_stdcall(argv[1], NULL, &operation));
    expect_ok("mesh_connection_open_start_stdcall", status);
    if (operation == NULL) fail("mesh_connection_open_start_stdcall: no operation");
    CALL(status, mesh_connection_open_finish_stdcall(operation, &connection2));
    expect_ok("mesh_connection_open_finish_stdcall", status);
    if (connection2 == NULL) fail("mesh_connection_open_finish_stdcall: no connection");
    printf("async connection: start, finish: %s\n", status_name(status));

    /* A session on it, waited for with a timeout, then finished; the
     * finished operation is gone. */
    operation = NULL;
    CALL(status, mesh_session_open_start_stdcall(connection2, &operation));
    expect_ok("mesh_session_open_start_stdcall", status);
    done = -1;
    CALL(status, mesh_operation_wait_stdcall(operation, 60000, &done));
    expect_ok("mesh_operation_wait_stdcall", status);
    if (done != 1) fail("mesh_operation_wait_stdcall 60000 ms: done %d", (int)done);
    CALL(status, mesh_session_open_finish_stdcall(operation, &session2));
    expect_ok("mesh_session_open_finish_stdcall", status);
    if (session2 == NULL) fail("mesh_session_open_finish_stdcall: no session");
    done = -1;
    CALL(status, mesh_operation_is_done_stdcall(operation, &done));
    expect("mesh_operation_is_done_stdcall on a finished operation", status,
           MESH_ERROR_INVALID_HANDLE);
    if (done != -1) fail("mesh_operation_is_done_stdcall wrote on failure");
    printf("async session: start, wait: done, finish: MESH_OK; the finished operation: %s\n",
           status_name(status));

    /* What VBA does: start the read, poll until done (VBA lets Excel run
     * between looks), finish. The other session sees what was committed:
     * the points of the blocking read by key. */
    operation = NULL;
    CALL(status, mesh_timeseries_read_by_key_start_stdcall(session2, KEY, START_MS, END_MS,
                                                           &operation));
    expect_ok("mesh_timeseries_read_by_key_start_stdcall", status);
    poll_start = GetTickCount();
    for (polls = 1;; polls++) {
        done = -1;
        CALL(status, mesh_operation_is_done_stdcall(operation, &done));
        expect_ok("mesh_operation_is_done_stdcall", status);
        if (done == 1) break;
        if (done != 0) fail("mesh_operation_is_done_stdcall: done %d", (int)done);
        if (GetTickCount() - poll_start > 60000)
            fail("read by key not done after %u polls in 60 s", polls);
        Sleep(1);
    }
    points = NULL;
    CALL(status, mesh_timeseries_read_by_key_finish_stdcall(operation, &points));
    expect_ok("mesh_timeseries_read_by_key_finish_stdcall", status);
    printf("async read by key %d: start, done after %u polls of mesh_operation_is_done_stdcall, "
           "finish: %s\n",
           KEY, polls, status_name(status));
    check_points("async read by key 1", points, times, flags, values, POINTS - 1);
    CALL(status, mesh_point_list_free_stdcall(points));
    expect_ok("mesh_point_list_free_stdcall", status);
    CALL(status, mesh_timeseries_read_by_key_finish_stdcall(operation, &points));
    expect("mesh_timeseries_read_by_key_finish_stdcall twice", status, MESH_ERROR_INVALID_HANDLE);
    printf("async read: finished again: %s\n", status_name(status));

    /* A failure arrives at finish, with this thread's message; a start
     * whose arguments are refused starts nothing. */
    operation = NULL;
    CALL(status, mesh_timeseries_read_by_key_start_stdcall(session2, UNKNOWN_KEY, START_MS,
                                                           END_MS, &operation));
    expect_ok("mesh_timeseries_read_by_key_start_stdcall of an unknown key", status);
    points = NULL;
    CALL(status, mesh_timeseries_read_by_key_finish_stdcall(operation, &points));
    expect("mesh_timeseries_read_by_key_finish_stdcall of an unknown key", status,
           MESH_ERROR_NOT_FOUND);
    if (points != NULL) fail("async read of an unknown key: out written on failure");
    printf("async error: %s: %s\n", status_name(status), last_error());
    operation = NULL;
    CALL(status, mesh_session_commit_start_stdcall(NULL, &operation));
    expect("mesh_session_commit_start_stdcall(NULL)", status, MESH_ERROR_INVALID_ARGUMENT);
    if (operation != NULL) fail("mesh_session_commit_start_stdcall(NULL) gave an operation");
    printf("async start refused: %s, no operation\n", status_name(status));

    /* Cancelled right after its start: done at once; finish says whether
     * the commit got through first. */
    CALL(status, mesh_session_commit_start_stdcall(session2, &operation));
    expect_ok("mesh_session_commit_start_stdcall", status);
    CALL(status, mesh_operation_cancel_stdcall(operation));
    expect_ok("mesh_operation_cancel_stdcall", status);
    done = -1;
    CALL(status, mesh_operation_is_done_stdcall(operation, &done));
    expect_ok("mesh_operation_is_done_stdcall after cancel", status);
    if (done != 1) fail("cancelled commit not done: %d", (int)done);
    CALL(status, mesh_session_commit_finish_stdcall(operation));
    if (status != MESH_OK && status != MESH_ERROR_CANCELLED)
        fail("mesh_session_commit_finish_stdcall after cancel: %s: %s", status_name(status),
             last_error());
    printf("async commit: start, cancel: done at once, finish: %s\n", status_name(status));

    /* Dropped unfinished: freed (the read cancelled), not again; NULL is
     * a no-op. */
    operation = NULL;
    CALL(status, mesh_timeseries_read_by_key_start_stdcall(session2, KEY, START_MS, END_MS,
                                                           &operation));
    expect_ok("mesh_timeseries_read_by_key_start_stdcall", status);
    CALL(status, mesh_operation_free_stdcall(operation));
    expect_ok("mesh_operation_free_stdcall", status);
    CALL(status, mesh_operation_free_stdcall(operation));
    expect("mesh_operation_free_stdcall twice", status, MESH_ERROR_INVALID_HANDLE);
    CALL(status, mesh_operation_free_stdcall(NULL));
    expect_ok("mesh_operation_free_stdcall(NULL)", status);
    printf("async free: a started read freed: MESH_OK; freed again: %s; NULL: MESH_OK\n",
           status_name(MESH_ERROR_INVALID_HANDLE));

    operation = NULL;
    CALL(status, mesh_session_close_start_stdcall(session2, &operation));
    expect_ok("mesh_session_close_start_stdcall", status);
    CALL(status, mesh_session_close_finish_stdcall(operation));
    expect_ok("mesh_session_close_finish_stdcall", status);
    CALL(status, mesh_connection_close_stdcall(connection2));
    expect_ok("mesh_connection_close_stdcall", status);
    printf("async session: closed by start, finish: %s; its connection closed\n",
           status_name(status));

    CALL(status, mesh_session_close_stdcall(session));
    expect_ok("mesh_session_close_stdcall", status);
    CALL(status, mesh_session_close_stdcall(session));
    expect("mesh_session_close_stdcall twice", status, MESH_ERROR_INVALID_HANDLE);
    printf("session: closed; closed again: %s\n", status_name(status));

    CALL(status, mesh_connection_close_stdcall(connection));
    expect_ok("mesh_connection_close_stdcall", status);
    printf("connection: closed\n");

    CALL(status, mesh_library_shutdown_stdcall());
    expect_ok("mesh_library_shutdown_stdcall", status);
    printf("shutdown: %s\n", status_name(status));

    if (canary != CANARY) fail("stack: main's canary is 0x%08lx", (unsigned long)canary);
    printf("stack: %u stdcall calls, ESP and canary intact across each\n", calls_checked);
    printf("stdcall host: ok\n");
    return 0;
}
