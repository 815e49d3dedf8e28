/* mesh-check: a read-only self-check of a Volue Mesh server through
 * mesh-capi, for users to run against their own server and send the report.
 *
 *   mesh-check ADDRESS [options]        (mesh-check --help lists them)
 *
 * It connects as configured (plain, TLS, token, Kerberos), reports the
 * server's version and name and who the server takes the user for, opens a
 * session, lists the models, reads one series if asked to, closes the
 * session (never commits it) and times each step. It only reads: it makes
 * no write, create, update, delete or commit call.
 *
 * The report goes to stdout, and with --report FILE to that file too, the
 * same text. A token given on the command line or in a file never appears
 * in it. The exit code is 0 when every step passed, else the mesh_status
 * of the first step that failed (1, MESH_ERROR_INVALID_ARGUMENT, also for
 * a bad command line).
 *
 * C99 on the C API only; builds on Linux and Windows (see README.md). */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#ifdef _WIN32
#ifndef _CRT_SECURE_NO_WARNINGS
#define _CRT_SECURE_NO_WARNINGS
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mesh_capi.h"

#define DAY_MS ((int64_t)86400000)
/* Models listed one by one in the report; the rest are counted. */
#define MAX_MODELS_LISTED 100

/* ------------------------------------------------------------------------ */
/* The command line. */

typedef struct {
    const char *address;
    const char *tls_root;
    const char *server_name;
    const char *token;      /* from --token */
    const char *token_file; /* from --token-file */
    const char *kerberos;   /* service principal */
    const char *kerberos_user;
    int kerberos_mutual;
    const char *read_path;
    const char *from_text;
    const char *to_text;
    int64_t from_ms;
    int64_t to_ms;
    uint32_t connect_timeout_ms; /* 0: the library's default */
    uint32_t call_timeout_ms;    /* 0: the library's default */
    const char *report;
    int help;
} config;

static const char USAGE[] =
    "usage: mesh-check ADDRESS [options]\n"
    "\n"
    "A read-only self-check of a Volue Mesh server through mesh-capi: connects,\n"
    "reports the server's version and name and the user's identity, opens a\n"
    "session, lists the models, reads one series if asked to (--read), closes\n"
    "the session (nothing is written or committed) and times each step. The\n"
    "report goes to stdout (and to --report FILE); a token never appears in it.\n"
    "\n"
    "ADDRESS is host:port, http://host:port or https://host:port (TLS).\n"
    "\n"
    "options (--name VALUE or --name=VALUE):\n"
    "  --tls-root FILE          trust this PEM root certificate (a self-signed\n"
    "                           server's) instead of the system's; implies TLS\n"
    "  --server-name NAME       check the server's certificate for NAME instead\n"
    "                           of the host in ADDRESS; implies TLS\n"
    "  --token TOKEN            send this access token (TLS only)\n"
    "  --token-file FILE        read the access token from FILE (surrounding\n"
    "                           blanks and line ends are dropped)\n"
    "  --kerberos SERVICE_PRINCIPAL\n"
    "                           sign in with Kerberos for this service principal\n"
    "                           (HOST/host.domain, service@host or DOMAIN\\account)\n"
    "  --kerberos-user USER     whose Kerberos credentials (user@REALM or\n"
    "                           DOMAIN\\user); default: the logged-in user\n"
    "  --kerberos-mutual        require the server to prove its identity too\n"
    "  --read PATH              read the time series at PATH, e.g.\n"
    "                           Resource/Demo/Inflow (default: the last 7 days)\n"
    "  --from DATE, --to DATE   the interval to read, UTC: YYYY-MM-DD or\n"
    "                           YYYY-MM-DDTHH:MM[:SS][Z] (--to defaults to now,\n"
    "                           --from to 7 days before --to)\n"
    "  --connect-timeout-ms N   connect timeout (the library's default: 10000)\n"
    "  --call-timeout-ms N      timeout of each call (the library's default: 30000)\n"
    "  --report FILE            also write the report to FILE\n"
    "  --help                   show this and exit\n"
    "\n"
    "Exit code: 0 when every step passed, else the mesh_status number of the\n"
    "first step that failed (7 MESH_ERROR_UNAVAILABLE, 9 UNAUTHENTICATED,\n"
    "12 TLS...); 1 for a bad command line.\n";

/* ------------------------------------------------------------------------ */
/* Time: a monotonic clock for the steps, UTC dates for --from and --to. */

static double now_ms(void) {
#ifdef _WIN32
    static LARGE_INTEGER frequency;
    LARGE_INTEGER counter;
    if (frequency.QuadPart == 0) QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&counter);
    return (double)counter.QuadPart * 1000.0 / (double)frequency.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1000000.0;
#endif
}

/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d) {
    int64_t era, yoe, doy, doe;
    if (m <= 2) y -= 1;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

/* Writes `ms` (since the Unix epoch) as 2025-01-31T12:00:00Z, with
 * milliseconds only when there are some. */
static void format_utc(int64_t ms, char *buf, size_t cap) {
    int64_t days = ms / DAY_MS, rest = ms % DAY_MS, y;
    int m, d, h, mi, s, milli;
    if (rest < 0) {
        rest += DAY_MS;
        days -= 1;
    }
    civil_from_days(days, &y, &m, &d);
    h = (int)(rest / 3600000);
    mi = (int)(rest / 60000 % 60);
    s = (int)(rest / 1000 % 60);
    milli = (int)(rest % 1000);
    if (milli != 0)
        snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, m, d, h, mi, s, milli);
    else
        snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d, h, mi, s);
}

static int digits(const char **p, int count, int *out) {
    int value = 0, i;
    for (i = 0; i < count; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return 0;
        value = value * 10 + (c - '0');
    }
    *p += count;
    *out = value;
    return 1;
}

/* Parses YYYY-MM-DD, YYYY-MM-DDTHH:MM, YYYY-MM-DDTHH:MM:SS, each optionally
 * followed by Z (UTC in every case; a space may stand for the T). */
static int parse_utc(const char *text, int64_t *out) {
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = text;
    int y, m, d, h = 0, mi = 0, s = 0, leap;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &m) || *p++ != '-' ||
        !digits(&p, 2, &d))
        return 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi)) return 0;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &s)) return 0;
        }
    }
    if (*p == 'Z' || *p == 'z') p++;
    if (*p != '\0') return 0;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > month_days[m - 1] || (m == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || s > 59)
        return 0;
    *out = (days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s) * 1000;
    return 1;
}

/* ------------------------------------------------------------------------ */
/* The report: every line goes to stdout and to the --report file, with the
 * token, wherever it might turn up, replaced by <token>. */

static FILE *report_file;
static const char *secret; /* the token, once known */

static void write_raw(const char *text, size_t len) {
    if (len == 0) return;
    fwrite(text, 1, len, stdout);
    if (report_file) fwrite(text, 1, len, report_file);
}

static void put(const char *text) {
    size_t secret_len = secret ? strlen(secret) : 0;
    const char *found;
    while (secret_len > 0 && (found = strstr(text, secret)) != NULL) {
        write_raw(text, (size_t)(found - text));
        write_raw("<token>", 7);
        text = found + secret_len;
    }
    write_raw(text, strlen(text));
    fflush(stdout);
    if (report_file) fflush(report_file);
}

static void out(const char *format, ...) {
    char small[1024];
    char *text = small;
    va_list args, again;
    int len;
    va_start(args, format);
    va_copy(again, args);
    len = vsnprintf(small, sizeof small, format, args);
    if (len >= (int)sizeof small && (text = malloc((size_t)len + 1)) != NULL)
        vsnprintf(text, (size_t)len + 1, format, again);
    else if (len >= (int)sizeof small)
        text = small; /* cut short rather than nothing */
    va_end(again);
    va_end(args);
    if (len >= 0) put(text);
    if (text != small) free(text);
}

/* Writes `text` as detail lines under a step, each indented. */
static void out_indented(const char *indent, const char *text) {
    while (*text) {
        const char *end = strchr(text, '\n');
        size_t len = end ? (size_t)(end - text) : strlen(text);
        char *line = malloc(len + 1);
        if (!line) return;
        memcpy(line, text, len);
        line[len] = '\0';
        out("%s%s\n", indent, line);
        free(line);
        text += len;
        if (*text == '\n') text++;
    }
}

/* Writes a quoted command-line argument when it needs quotes. */
static void out_argument(const char *arg) {
    if (*arg == '\0' || strpbrk(arg, " \t\"'") != NULL)
        out(" \"%s\"", arg);
    else
        out(" %s", arg);
}

/* ------------------------------------------------------------------------ */
/* Steps: each is numbered, timed around the library call alone, and ends
 * OK, FAILED (status name, the library's last error message, a hint) or
 * SKIPPED (when a step it needs failed). */

static struct {
    int number, passed, failed, skipped;
    double start, elapsed;
    const char *name;
    const char *first_failed;
    mesh_status first_status;
} steps;

#define DETAIL "        "

static void step_begin(const char *name) {
    steps.number++;
    steps.name = name;
    out("%3d. %-24s ", steps.number, name);
    steps.start = now_ms();
}

static void step_end(void) { steps.elapsed = now_ms() - steps.start; }

static void step_ok(void) {
    steps.passed++;
    out("OK      %10.1f ms\n", steps.elapsed);
}

/* What to look at for `status`, or NULL. */
static const char *hint(mesh_status status, const char *step) {
    int connecting = strcmp(step, "connect") == 0;
    switch (status) {
    case MESH_ERROR_UNAVAILABLE:
        return connecting ? "nothing answered at this address: check the host and port, that the "
                            "server runs, and any firewall or proxy in between; a server with TLS "
                            "needs https:// (or --tls-root), one without it a plain address"
                          : "the connection to the server was lost";
    case MESH_ERROR_TIMEOUT:
        return connecting ? "no answer within the connect timeout (--connect-timeout-ms)"
                          : "no answer within the call timeout (--call-timeout-ms)";
    case MESH_ERROR_TLS:
        return "the TLS handshake failed: give the server's root certificate with --tls-root "
               "FILE, and --server-name NAME when the certificate names another host than "
               "the address; a server without TLS makes this a \"corrupt message\": use a "
               "plain address then";
    case MESH_ERROR_UNAUTHENTICATED:
        return "the server wants valid credentials: check the token (--token, --token-file) "
               "or, with --kerberos, the Kerberos ticket (klist) and the service principal";
    case MESH_ERROR_PERMISSION_DENIED:
        return "the server does not let this user do this";
    case MESH_ERROR_INCOMPATIBLE_SERVER:
        return "mesh-capi needs Mesh 2.21.0 or later";
    case MESH_ERROR_VERSION_MISMATCH:
        return "the mesh-capi library loaded is not the one mesh-check was built with: "
               "rebuild mesh-check against it, or check which library the system finds";
    case MESH_ERROR_NOT_FOUND:
        return strcmp(step, "read series") == 0
                   ? "no series at that path: check the path (e.g. Resource/Group/Name) and its case"
                   : NULL;
    case MESH_ERROR_INVALID_ARGUMENT:
        return connecting ? "check the address (host:port, http://host:port or https://host:port); "
                            "a token or Kerberos needs TLS (https://)"
                          : NULL;
    default:
        return NULL;
    }
}

/* Ends the step as failed with `status`: its name, `message` (the
 * library's last error message when NULL) and a hint. */
static void step_failed(mesh_status status, const char *message) {
    const char *why;
    char *library_message = NULL;
    steps.failed++;
    if (!steps.first_failed) {
        steps.first_failed = steps.name;
        steps.first_status = status;
    }
    out("FAILED  %10.1f ms\n", steps.elapsed);
    if (!message) {
        size_t len = mesh_last_error_message(NULL, 0);
        library_message = malloc(len + 1);
        if (library_message) mesh_last_error_message(library_message, len + 1);
        message = library_message && len > 0 ? library_message : "(no message)";
    }
    out(DETAIL "%s: ", mesh_status_name(status));
    /* The message's first line follows the status; any more are indented. */
    {
        const char *end = strchr(message, '\n');
        if (end) {
            size_t len = (size_t)(end - message);
            char *first = malloc(len + 1);
            if (first) {
                memcpy(first, message, len);
                first[len] = '\0';
                out("%s\n", first);
                free(first);
            }
            out_indented(DETAIL "  ", end + 1);
        } else {
            out("%s\n", message);
        }
    }
    why = hint(status, steps.name);
    if (why) out(DETAIL "hint: %s\n", why);
    free(library_message);
}

static void step_skip(const char *name, const char *reason) {
    steps.number++;
    steps.skipped++;
    out("%3d. %-24s SKIPPED    (%s)\n", steps.number, name, reason);
}

/* ------------------------------------------------------------------------ */
/* Text the library hands out, in buffers of the right size (free them). */

enum text_kind {
    SERVER_VERSION,
    SERVER_NAME,
    IDENTITY_DISPLAY_NAME,
    IDENTITY_SOURCE,
    IDENTITY_IDENTIFIER,
    SESSION_ID,
    OBJECT_PATH,
    OBJECT_NAME
};

static mesh_status text_call(enum text_kind kind, void *handle, char *buf, size_t cap,
                             size_t *len) {
    switch (kind) {
    case SERVER_VERSION: return mesh_connection_server_version(handle, buf, cap, len);
    case SERVER_NAME: return mesh_connection_server_name(handle, buf, cap, len);
    case IDENTITY_DISPLAY_NAME: return mesh_identity_display_name(handle, buf, cap, len);
    case IDENTITY_SOURCE: return mesh_identity_source(handle, buf, cap, len);
    case IDENTITY_IDENTIFIER: return mesh_identity_identifier(handle, buf, cap, len);
    case SESSION_ID: return mesh_session_id(handle, buf, cap, len);
    case OBJECT_PATH: return mesh_object_path(handle, buf, cap, len);
    case OBJECT_NAME: return mesh_object_name(handle, buf, cap, len);
    }
    return MESH_ERROR_INTERNAL;
}

/* The text `kind` of `handle` in a new string (free it), NULL on failure
 * with *status_out set. */
static char *text_of(enum text_kind kind, void *handle, mesh_status *status_out) {
    size_t len = 0;
    char *text;
    mesh_status status = text_call(kind, handle, NULL, 0, &len);
    if (status != MESH_OK && status != MESH_ERROR_BUFFER_TOO_SMALL) {
        *status_out = status;
        return NULL;
    }
    text = malloc(len + 1);
    if (!text) {
        *status_out = MESH_ERROR_INTERNAL;
        return NULL;
    }
    status = text_call(kind, handle, text, len + 1, NULL);
    *status_out = status;
    if (status != MESH_OK) {
        free(text);
        return NULL;
    }
    return text;
}

/* ------------------------------------------------------------------------ */
/* The command line. */

static int usage_error(const char *format, const char *what) {
    fprintf(stderr, "mesh-check: ");
    fprintf(stderr, format, what);
    fprintf(stderr, "\n(mesh-check --help shows the options)\n");
    return (int)MESH_ERROR_INVALID_ARGUMENT;
}

static int parse_ms_option(const char *text, uint32_t *out_ms) {
    char *end;
    unsigned long long value;
    if (*text < '0' || *text > '9') return 0;
    errno = 0;
    value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || value == 0 || value > 0xFFFFFFFFull) return 0;
    *out_ms = (uint32_t)value;
    return 1;
}

/* Fills `cfg` from the command line; 0 when fine, else the exit code. */
static int parse_arguments(int argc, char **argv, config *cfg) {
    int i;
    memset(cfg, 0, sizeof *cfg);
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        char name[32];
        const char *eq;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "-?") == 0 || strcmp(arg, "/?") == 0) {
            cfg->help = 1;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (arg[0] == '-') return usage_error("unknown option %s", arg);
            if (cfg->address) return usage_error("one address only (%s is another)", arg);
            cfg->address = arg;
            continue;
        }
        /* --name=value or --name value */
        eq = strchr(arg, '=');
        if (eq) {
            size_t len = (size_t)(eq - arg);
            if (len >= sizeof name) return usage_error("unknown option %s", arg);
            memcpy(name, arg, len);
            name[len] = '\0';
            value = eq + 1;
        } else {
            if (strlen(arg) >= sizeof name) return usage_error("unknown option %s", arg);
            strcpy(name, arg);
        }
        if (strcmp(name, "--help") == 0) {
            cfg->help = 1;
            continue;
        }
        if (strcmp(name, "--kerberos-mutual") == 0) {
            if (value) return usage_error("%s takes no value", name);
            cfg->kerberos_mutual = 1;
            continue;
        }
        if (!value) {
            if (i + 1 >= argc) return usage_error("%s needs a value", name);
            value = argv[++i];
        }
        if (strcmp(name, "--tls-root") == 0) cfg->tls_root = value;
        else if (strcmp(name, "--server-name") == 0) cfg->server_name = value;
        else if (strcmp(name, "--token") == 0) cfg->token = value;
        else if (strcmp(name, "--token-file") == 0) cfg->token_file = value;
        else if (strcmp(name, "--kerberos") == 0) cfg->kerberos = value;
        else if (strcmp(name, "--kerberos-user") == 0) cfg->kerberos_user = value;
        else if (strcmp(name, "--read") == 0) cfg->read_path = value;
        else if (strcmp(name, "--from") == 0) cfg->from_text = value;
        else if (strcmp(name, "--to") == 0) cfg->to_text = value;
        else if (strcmp(name, "--report") == 0) cfg->report = value;
        else if (strcmp(name, "--connect-timeout-ms") == 0) {
            if (!parse_ms_option(value, &cfg->connect_timeout_ms))
                return usage_error("--connect-timeout-ms takes milliseconds above 0, not %s", value);
        } else if (strcmp(name, "--call-timeout-ms") == 0) {
            if (!parse_ms_option(value, &cfg->call_timeout_ms))
                return usage_error("--call-timeout-ms takes milliseconds above 0, not %s", value);
        } else
            return usage_error("unknown option %s", name);
    }
    if (cfg->help) return 0;
    if (!cfg->address) return usage_error("%s", "no ADDRESS given");
    if (cfg->token && cfg->token_file)
        return usage_error("%s", "--token and --token-file: give one of them");
    if (cfg->kerberos && (cfg->token || cfg->token_file))
        return usage_error("%s", "--kerberos goes without a token");
    if (cfg->kerberos_user && !cfg->kerberos)
        return usage_error("%s", "--kerberos-user needs --kerberos");
    if (cfg->kerberos_mutual && !cfg->kerberos)
        return usage_error("%s", "--kerberos-mutual needs --kerberos");
    if ((cfg->from_text || cfg->to_text) && !cfg->read_path)
        return usage_error("%s", "--from and --to go with --read");
    cfg->to_ms = (int64_t)time(NULL) * 1000;
    if (cfg->to_text && !parse_utc(cfg->to_text, &cfg->to_ms))
        return usage_error("--to takes a UTC date, YYYY-MM-DD[THH:MM[:SS]][Z], not %s", cfg->to_text);
    cfg->from_ms = cfg->to_ms - 7 * DAY_MS;
    if (cfg->from_text && !parse_utc(cfg->from_text, &cfg->from_ms))
        return usage_error("--from takes a UTC date, YYYY-MM-DD[THH:MM[:SS]][Z], not %s",
                           cfg->from_text);
    if (cfg->from_ms > cfg->to_ms) return usage_error("%s", "--from is after --to");
    return 0;
}

/* Reads the token from `path` into a new string, blanks around it dropped;
 * NULL with `why` set when it cannot. */
static char *read_token_file(const char *path, const char **why) {
    FILE *file = fopen(path, "rb");
    char *token;
    size_t len, start = 0;
    if (!file) {
        *why = strerror(errno);
        return NULL;
    }
    token = malloc(MESH_ACCESS_TOKEN_MAX_BYTES + 2);
    if (!token) {
        fclose(file);
        *why = "out of memory";
        return NULL;
    }
    len = fread(token, 1, MESH_ACCESS_TOKEN_MAX_BYTES + 1, file);
    fclose(file);
    if (len > MESH_ACCESS_TOKEN_MAX_BYTES) {
        free(token);
        *why = "longer than any token";
        return NULL;
    }
    token[len] = '\0';
    while (len > 0 && strchr(" \t\r\n", token[len - 1])) token[--len] = '\0';
    while (token[start] != '\0' && strchr(" \t\r\n", token[start])) start++;
    if (token[start] == '\0') {
        free(token);
        *why = "empty";
        return NULL;
    }
    memmove(token, token + start, len - start + 1);
    return token;
}

static int starts_with(const char *text, const char *prefix) {
    size_t i;
    for (i = 0; prefix[i]; i++) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != prefix[i]) return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* The check. */

static void list_models(struct mesh_object_list *models) {
    size_t count = 0, i;
    mesh_status status = mesh_object_list_count(models, &count);
    if (status != MESH_OK) {
        out(DETAIL "(cannot count the models: %s)\n", mesh_status_name(status));
        return;
    }
    out(DETAIL "%lu model%s%s\n", (unsigned long)count, count == 1 ? "" : "s", count ? ":" : "");
    for (i = 0; i < count && i < MAX_MODELS_LISTED; i++) {
        struct mesh_object *model = NULL;
        char *path;
        if (mesh_object_list_at(models, i, &model) != MESH_OK) continue;
        path = text_of(OBJECT_PATH, model, &status);
        if (!path) path = text_of(OBJECT_NAME, model, &status);
        out(DETAIL "  %s\n", path ? path : "(no path)");
        free(path);
    }
    if (count > MAX_MODELS_LISTED)
        out(DETAIL "  ... and %lu more\n", (unsigned long)(count - MAX_MODELS_LISTED));
}

static void describe_points(const config *cfg, struct mesh_point_list *points) {
    size_t count = 0, missing = 0, i;
    const int64_t *times = NULL;
    const uint32_t *flags = NULL;
    const double *values = NULL;
    char from[40], to[40], first[40], last[40];
    format_utc(cfg->from_ms, from, sizeof from);
    format_utc(cfg->to_ms, to, sizeof to);
    out(DETAIL "%s from %s to %s\n", cfg->read_path, from, to);
    if (mesh_point_list_count(points, &count) != MESH_OK) return;
    if (count > 0 && mesh_point_list_timestamps(points, &times) == MESH_OK &&
        mesh_point_list_flags(points, &flags) == MESH_OK &&
        mesh_point_list_values(points, &values) == MESH_OK) {
        for (i = 0; i < count; i++)
            if ((flags[i] & MESH_POINT_FLAG_MISSING) != 0 || values[i] != values[i]) missing++;
        format_utc(times[0], first, sizeof first);
        format_utc(times[count - 1], last, sizeof last);
        out(DETAIL "%lu point%s (%lu missing or NaN), first at %s, last at %s\n",
            (unsigned long)count, count == 1 ? "" : "s", (unsigned long)missing, first, last);
    } else {
        out(DETAIL "0 points in that interval\n");
    }
}

int main(int argc, char **argv) {
    config cfg;
    int code, i, tls;
    char *file_token = NULL;
    const char *token = NULL;
    mesh_options *options = NULL;
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    mesh_status status;
    double started;
    char started_text[40];
    int have_options = 1;

    code = parse_arguments(argc, argv, &cfg);
    if (code != 0) return code;
    if (cfg.help) {
        fputs(USAGE, stdout);
        return 0;
    }
    secret = cfg.token;
    if (cfg.report) {
        report_file = fopen(cfg.report, "w");
        if (!report_file) {
            fprintf(stderr, "mesh-check: cannot write the report to %s: %s\n", cfg.report,
                    strerror(errno));
            return (int)MESH_ERROR_INVALID_ARGUMENT;
        }
    }
    tls = starts_with(cfg.address, "https://") || cfg.tls_root || cfg.server_name;
    started = now_ms();
    format_utc((int64_t)time(NULL) * 1000, started_text, sizeof started_text);

    /* The heading. */
    out("mesh-check report\n");
    out("  library:  mesh-capi %s (mesh-check built with header %s; Kerberos %s)\n",
        mesh_library_version(), MESH_CAPI_VERSION_STRING,
        mesh_library_has_kerberos() ? "built in" : "not built in");
    out("  command:  mesh-check");
    for (i = 1; i < argc; i++) {
        if (cfg.token && (strcmp(argv[i], "--token") == 0) && i + 1 < argc) {
            out(" --token <token>");
            i++;
        } else if (strncmp(argv[i], "--token=", 8) == 0) {
            out(" --token=<token>");
        } else {
            out_argument(argv[i]);
        }
    }
    out("\n");
    out("  started:  %s\n", started_text);
#if defined(_WIN32)
    out("  platform: Windows, %d-bit\n", (int)(sizeof(void *) * 8));
#elif defined(__linux__)
    out("  platform: Linux, %d-bit\n", (int)(sizeof(void *) * 8));
#elif defined(__APPLE__)
    out("  platform: macOS, %d-bit\n", (int)(sizeof(void *) * 8));
#else
    out("  platform: %d-bit\n", (int)(sizeof(void *) * 8));
#endif
    out("\n");

    /* 1. The library loaded serves the header this was built with. */
    step_begin("library version");
    status = MESH_LIBRARY_CHECK_VERSION();
    step_end();
    if (status == MESH_OK) {
        step_ok();
        out(DETAIL "mesh-capi %s serves mesh-check (header %s)\n", mesh_library_version(),
            MESH_CAPI_VERSION_STRING);
    } else {
        /* Before 1.0 a library of another minor version may have changed
         * what this program calls: nothing more is tried with it. */
        step_failed(status, NULL);
        have_options = 0;
    }

    /* 2. Options, the token read from its file. */
    if (!have_options) step_skip("options", "the library does not fit");
    else step_begin("options");
    if (have_options && cfg.token_file) {
        const char *why = NULL;
        file_token = read_token_file(cfg.token_file, &why);
        if (!file_token) {
            char message[1024];
            step_end();
            snprintf(message, sizeof message, "cannot read the token from %s: %s", cfg.token_file,
                     why);
            step_failed(MESH_ERROR_INVALID_ARGUMENT, message);
            have_options = 0;
        }
        secret = file_token;
    }
    token = cfg.token ? cfg.token : file_token;
    if (have_options) {
        const char *what = "mesh_options_new";
        status = mesh_options_new(&options);
        if (status == MESH_OK && cfg.connect_timeout_ms) {
            what = "--connect-timeout-ms";
            status = mesh_options_set_connect_timeout_ms(options, cfg.connect_timeout_ms);
        }
        if (status == MESH_OK && cfg.call_timeout_ms) {
            what = "--call-timeout-ms";
            status = mesh_options_set_call_timeout_ms(options, cfg.call_timeout_ms);
        }
        if (status == MESH_OK && cfg.tls_root) {
            what = "--tls-root";
            status = mesh_options_set_tls_root_certificate_file(options, cfg.tls_root);
        }
        if (status == MESH_OK && cfg.server_name) {
            what = "--server-name";
            status = mesh_options_set_tls_server_name(options, cfg.server_name);
        }
        if (status == MESH_OK && token) {
            what = cfg.token ? "--token" : "--token-file";
            status = mesh_options_set_access_token(options, token);
        }
        step_end();
        if (status == MESH_OK) {
            step_ok();
            out(DETAIL "address %s, %s\n", cfg.address, tls ? "TLS" : "plain HTTP/2 (no TLS)");
            if (cfg.tls_root) out(DETAIL "trusting the root certificate in %s\n", cfg.tls_root);
            else if (tls) out(DETAIL "trusting the system's root certificates\n");
            if (cfg.server_name) out(DETAIL "certificate checked for %s\n", cfg.server_name);
            if (cfg.token) out(DETAIL "sign-in: the access token given (<token>)\n");
            else if (file_token) out(DETAIL "sign-in: the access token in %s\n", cfg.token_file);
            else if (cfg.kerberos)
                out(DETAIL "sign-in: Kerberos for %s as %s%s\n", cfg.kerberos,
                    cfg.kerberos_user ? cfg.kerberos_user : "the logged-in user",
                    cfg.kerberos_mutual ? ", mutual" : "");
            else out(DETAIL "sign-in: none\n");
            out(DETAIL "connect timeout %lu ms%s, call timeout %lu ms%s\n",
                (unsigned long)(cfg.connect_timeout_ms ? cfg.connect_timeout_ms : 10000),
                cfg.connect_timeout_ms ? "" : " (default)",
                (unsigned long)(cfg.call_timeout_ms ? cfg.call_timeout_ms : 30000),
                cfg.call_timeout_ms ? "" : " (default)");
        } else {
            char message[2048];
            size_t len = mesh_last_error_message(NULL, 0);
            char *library_message = malloc(len + 1);
            if (library_message) mesh_last_error_message(library_message, len + 1);
            snprintf(message, sizeof message, "%s: %s", what,
                     library_message && len ? library_message : "(no message)");
            free(library_message);
            step_failed(status, message);
            have_options = 0;
        }
    }

    /* 3. Kerberos, when asked for: the library may be built without it. */
    if (cfg.kerberos && have_options) {
        step_begin("kerberos");
        status = mesh_options_set_kerberos(options, cfg.kerberos, cfg.kerberos_user,
                                           cfg.kerberos_mutual ? MESH_KERBEROS_MUTUAL : 0);
        step_end();
        if (status == MESH_OK) {
            step_ok();
            out(DETAIL "Kerberos sign-in built in; the ticket is asked for when connecting\n");
        } else {
            step_failed(status, NULL);
            if (!mesh_library_has_kerberos())
                out(DETAIL "hint: this build of mesh-capi has no Kerberos "
                           "(mesh_library_has_kerberos() is 0): use one that has it (on Linux "
                           "built with the `kerberos` feature, as the packages are; on Windows "
                           "always)\n");
            have_options = 0;
        }
    } else if (cfg.kerberos) {
        step_skip("kerberos", "options failed");
    }

    /* 4. Connect: the server answers its version check. */
    if (have_options) {
        step_begin("connect");
        status = mesh_connection_open(cfg.address, options, &connection);
        step_end();
        if (status == MESH_OK) {
            step_ok();
            out(DETAIL "connected to %s\n", cfg.address);
        } else {
            step_failed(status, NULL);
            connection = NULL;
        }
    } else {
        step_skip("connect", "no usable options");
    }
    mesh_options_free(options);

    /* 5. The server's version and name (read when connecting). */
    if (connection) {
        char *version, *name;
        mesh_status name_status;
        step_begin("server version and name");
        version = text_of(SERVER_VERSION, connection, &status);
        name = text_of(SERVER_NAME, connection, &name_status);
        step_end();
        if (status == MESH_OK && name_status != MESH_OK) status = name_status;
        if (status == MESH_OK) {
            step_ok();
            out(DETAIL "Mesh %s, \"%s\"\n", version, name);
        } else {
            step_failed(status, NULL);
        }
        free(version);
        free(name);
    } else {
        step_skip("server version and name", "not connected");
    }

    /* 6. Who the server takes the user for. */
    if (connection) {
        mesh_identity *identity = NULL;
        step_begin("identity");
        status = mesh_identity_read(connection, &identity);
        step_end();
        if (status == MESH_OK) {
            mesh_status s1, s2, s3;
            char *display = text_of(IDENTITY_DISPLAY_NAME, identity, &s1);
            char *source = text_of(IDENTITY_SOURCE, identity, &s2);
            char *identifier = text_of(IDENTITY_IDENTIFIER, identity, &s3);
            step_ok();
            out(DETAIL "display name: %s\n", display ? display : "(unreadable)");
            out(DETAIL "source:       %s\n", source ? source : "(unreadable)");
            out(DETAIL "identifier:   %s\n", identifier ? identifier : "(unreadable)");
            free(display);
            free(source);
            free(identifier);
            mesh_identity_free(identity);
        } else {
            step_failed(status, NULL);
        }
    } else {
        step_skip("identity", "not connected");
    }

    /* 7. A session. */
    if (connection) {
        step_begin("open session");
        status = mesh_session_open(connection, &session);
        step_end();
        if (status == MESH_OK) {
            char *id = text_of(SESSION_ID, session, &status);
            step_ok();
            out(DETAIL "session %s\n", id ? id : "(id unreadable)");
            free(id);
        } else {
            step_failed(status, NULL);
            session = NULL;
        }
    } else {
        step_skip("open session", "not connected");
    }

    /* 8. The models. */
    if (session) {
        struct mesh_object_list *models = NULL;
        step_begin("list models");
        status = mesh_model_list_read(session, &models);
        step_end();
        if (status == MESH_OK) {
            step_ok();
            list_models(models);
            mesh_object_list_free(models);
        } else {
            step_failed(status, NULL);
        }
    } else {
        step_skip("list models", "no session");
    }

    /* 9. One series, when asked for. */
    if (cfg.read_path && session) {
        struct mesh_point_list *points = NULL;
        step_begin("read series");
        status = mesh_timeseries_read_by_path(session, cfg.read_path, cfg.from_ms, cfg.to_ms,
                                              &points);
        step_end();
        if (status == MESH_OK) {
            step_ok();
            describe_points(&cfg, points);
            mesh_point_list_free(points);
        } else {
            step_failed(status, NULL);
        }
    } else if (cfg.read_path) {
        step_skip("read series", "no session");
    }

    /* 10. Close the session: ended, nothing committed. */
    if (session) {
        step_begin("close session");
        status = mesh_session_close(session);
        step_end();
        if (status == MESH_OK) {
            step_ok();
            out(DETAIL "closed without committing\n");
        } else {
            step_failed(status, NULL);
        }
    } else {
        step_skip("close session", "no session");
    }

    mesh_connection_close(connection);
    mesh_library_shutdown();

    /* The summary. */
    out("\n");
    if (steps.failed == 0) {
        out("RESULT: OK, all %d steps passed in %.1f ms\n", steps.passed, now_ms() - started);
        code = 0;
    } else {
        code = (int)steps.first_status;
        out("RESULT: FAILED at %s: %s; %d passed, %d failed, %d skipped, %.1f ms; exit code %d\n",
            steps.first_failed, mesh_status_name(steps.first_status), steps.passed, steps.failed,
            steps.skipped, now_ms() - started, code);
    }
    if (report_file && fclose(report_file) != 0) {
        fprintf(stderr, "mesh-check: the report to %s was not written completely\n", cfg.report);
        if (code == 0) code = (int)MESH_ERROR_INVALID_ARGUMENT;
    }
    free(file_token);
    return code;
}
