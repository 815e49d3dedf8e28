/* tls_token.c: connect to a Mesh server over TLS with an access token, ask
 * who we are, and open and close a session.
 *
 *   tls_token https://HOST:PORT ROOT_CERT.pem TOKEN [SERVER_NAME]
 *
 * ROOT_CERT.pem is the server's (self-signed) root certificate; pass "-" to
 * trust the operating system's roots instead. SERVER_NAME overrides the name
 * checked in the certificate (useful when connecting by IP address). In a
 * real host the token comes from Kerberos or an identity provider: see
 * mesh_options_set_token_provider to have the library ask for a fresh one
 * when the server rejects the old. The exit code is the mesh_status. */
#include <stdio.h>
#include <string.h>

#include "mesh_capi.h"

static int fail(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    fprintf(stderr, "%s failed: %s: %s\n", what, mesh_status_name(status), message);
    return (int)status;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s https://HOST:PORT ROOT_CERT.pem|- TOKEN [SERVER_NAME]\n", argv[0]);
        return 1;
    }
    mesh_options *options = NULL;
    mesh_connection *connection = NULL;
    mesh_identity *identity = NULL;
    mesh_session *session = NULL;
    char text[256];
    mesh_status status;

    status = mesh_options_new(&options);
    if (status != MESH_OK) return fail("mesh_options_new", status);
    if (strcmp(argv[2], "-") != 0) {
        status = mesh_options_set_tls_root_certificate_file(options, argv[2]);
        if (status != MESH_OK) return fail("mesh_options_set_tls_root_certificate_file", status);
    }
    if (argc > 4) {
        status = mesh_options_set_tls_server_name(options, argv[4]);
        if (status != MESH_OK) return fail("mesh_options_set_tls_server_name", status);
    }
    status = mesh_options_set_access_token(options, argv[3]);
    if (status != MESH_OK) return fail("mesh_options_set_access_token", status);

    status = mesh_connection_open(argv[1], options, &connection);
    mesh_options_free(options);
    if (status != MESH_OK) return fail("mesh_connection_open", status);

    status = mesh_identity_read(connection, &identity);
    if (status != MESH_OK) return fail("mesh_identity_read", status);
    status = mesh_identity_display_name(identity, text, sizeof text, NULL);
    if (status != MESH_OK) return fail("mesh_identity_display_name", status);
    printf("connected over TLS as %s\n", text);
    mesh_identity_free(identity);

    status = mesh_session_open(connection, &session);
    if (status != MESH_OK) return fail("mesh_session_open", status);
    status = mesh_session_id(session, text, sizeof text, NULL);
    if (status != MESH_OK) return fail("mesh_session_id", status);
    printf("opened session %s\n", text);
    status = mesh_session_close(session);
    if (status != MESH_OK) return fail("mesh_session_close", status);
    printf("closed\n");

    mesh_connection_close(connection);
    mesh_library_shutdown();
    return 0;
}
