/* quiet.c: a host that misuses the library and talks to a hostile server;
 * the library must neither abort it nor write to its stderr. This program
 * itself writes only to stdout, so a test can check stderr stays empty.
 *
 *   quiet HTTPS_ADDRESS ROOT_PEM_FILE SERVER_NAME
 *
 * Token providers that ask for absurd buffers (1 TiB, SIZE_MAX) must give
 * MESH_ERROR_UNAUTHENTICATED; an echoed token must not reach a message; a
 * read of malformed Arrow data (one the decoder panics on) must give
 * MESH_ERROR_SERVER. Exits 0 when all of that holds. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mesh_capi.h"

static const char *const TOKEN = "tok-quiet-s3cret";

static mesh_status ask_for_a_tebibyte(void *user_data, char *buf, size_t cap, size_t *len_out) {
    (void)user_data; (void)buf; (void)cap;
    *len_out = (size_t)1 << 40;
    return MESH_ERROR_BUFFER_TOO_SMALL;
}

static mesh_status ask_for_size_max(void *user_data, char *buf, size_t cap, size_t *len_out) {
    (void)user_data; (void)buf; (void)cap;
    *len_out = SIZE_MAX;
    return MESH_ERROR_BUFFER_TOO_SMALL;
}

static mesh_status give_token(void *user_data, char *buf, size_t cap, size_t *len_out) {
    size_t len = strlen(TOKEN);
    (void)user_data;
    *len_out = len;
    if (len >= cap) return MESH_ERROR_BUFFER_TOO_SMALL;
    memcpy(buf, TOKEN, len + 1);
    return MESH_OK;
}

static mesh_status connect_with(const char *address, const char *root, const char *name,
                                mesh_token_provider provider, mesh_connection **out) {
    mesh_options *options = NULL;
    mesh_status status = mesh_options_new(&options);
    if (status != MESH_OK) return status;
    mesh_options_set_tls_root_certificate_file(options, root);
    mesh_options_set_tls_server_name(options, name);
    mesh_options_set_connect_timeout_ms(options, 5000);
    mesh_options_set_token_provider(options, provider, NULL);
    status = mesh_connection_open(address, options, out);
    mesh_options_free(options);
    return status;
}

int main(int argc, char **argv) {
    char message[1024];
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    mesh_point_list *points = NULL;
    mesh_status status;
    int failures = 0;

    if (argc < 4) {
        printf("usage: quiet HTTPS_ADDRESS ROOT_PEM_FILE SERVER_NAME\n");
        return 2;
    }

    status = connect_with(argv[1], argv[2], argv[3], ask_for_a_tebibyte, &connection);
    printf("provider asking for 1 TiB: %s\n", mesh_status_name(status));
    failures += status != MESH_ERROR_UNAUTHENTICATED;

    status = connect_with(argv[1], argv[2], argv[3], ask_for_size_max, &connection);
    printf("provider asking for SIZE_MAX: %s\n", mesh_status_name(status));
    failures += status != MESH_ERROR_UNAUTHENTICATED;

    status = connect_with(argv[1], argv[2], argv[3], give_token, &connection);
    printf("provider giving a token: %s\n", mesh_status_name(status));
    if (status != MESH_OK) {
        mesh_last_error_message(message, sizeof message);
        printf("  %s\n", message);
        return 1;
    }

    status = mesh_session_open(connection, &session);
    if (status != MESH_OK) {
        printf("open: %s\n", mesh_status_name(status));
        return 1;
    }

    status = mesh_session_commit(session);
    mesh_last_error_message(message, sizeof message);
    printf("commit refused: %s, token %s the message\n", mesh_status_name(status),
           strstr(message, TOKEN) ? "IN" : "not in");
    failures += status != MESH_ERROR_PERMISSION_DENIED || strstr(message, TOKEN) != NULL;

    status = mesh_timeseries_read_by_key(session, 1, 0, 1000, &points);
    mesh_last_error_message(message, sizeof message);
    printf("read of malformed data: %s (%s)\n", mesh_status_name(status), message);
    failures += status != MESH_ERROR_SERVER;
    if (status == MESH_OK) mesh_point_list_free(points);

    mesh_session_close(session);
    mesh_connection_close(connection);
    status = mesh_library_shutdown();
    failures += status != MESH_OK;
    printf("%d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
