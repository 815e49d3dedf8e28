/* kerberos.c: sign in to a Mesh server with Kerberos, open and close a
 * session, revoke the Mesh token, and see the library sign in again by
 * itself on the next call.
 *
 *   kerberos https://HOST:PORT ROOT_CERT.pem|- SERVICE_PRINCIPAL [USER_PRINCIPAL|- [mutual]]
 *
 * ROOT_CERT.pem is the server's (self-signed) root certificate; "-" trusts
 * the operating system's roots. SERVICE_PRINCIPAL is the Mesh server's,
 * e.g. HOST/mesh.example.com (or HTTP@mesh.example.com, or DOMAIN\account
 * for a server running as a user account). USER_PRINCIPAL (user@REALM or
 * DOMAIN\user) picks whose credentials to use; without it, or with "-",
 * the default ones: the logged-in Windows user, or on Linux the credential
 * cache kinit filled (KRB5CCNAME). "mutual" asks the server to prove its
 * identity too (MESH_KERBEROS_MUTUAL). The exit code is the mesh_status. */
#include <stdio.h>
#include <string.h>

#include "mesh_capi.h"

static int fail(const char *what, mesh_status status) {
    char message[1024];
    mesh_last_error_message(message, sizeof message);
    fprintf(stderr, "%s failed: %s: %s\n", what, mesh_status_name(status), message);
    return (int)status;
}

/* Asks the server who the connection signed in as; on failure, names the
 * function that failed in *what. */
static mesh_status read_display_name(mesh_connection *connection, char *buf, size_t cap,
                                     const char **what) {
    mesh_identity *identity = NULL;
    mesh_status status = mesh_identity_read(connection, &identity);
    if (status != MESH_OK) {
        *what = "mesh_identity_read";
        return status;
    }
    status = mesh_identity_display_name(identity, buf, cap, NULL);
    mesh_identity_free(identity);
    if (status != MESH_OK) *what = "mesh_identity_display_name";
    return status;
}

int main(int argc, char **argv) {
    if (argc < 4 || argc > 6 || (argc == 6 && strcmp(argv[5], "mutual") != 0)) {
        fprintf(stderr,
                "usage: %s https://HOST:PORT ROOT_CERT.pem|- SERVICE_PRINCIPAL [USER_PRINCIPAL|- [mutual]]\n",
                argv[0]);
        return 1;
    }
    const char *user = argc > 4 && strcmp(argv[4], "-") != 0 ? argv[4] : NULL;
    uint32_t flags = argc > 5 ? MESH_KERBEROS_MUTUAL : 0;
    mesh_options *options = NULL;
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    const char *what = "";
    char text[256];
    mesh_status status;

    if (!mesh_library_has_kerberos()) {
        fprintf(stderr, "this build of the library has no Kerberos (on Linux, build it with "
                        "`cargo build --features kerberos`)\n");
        return (int)MESH_ERROR_INVALID_ARGUMENT;
    }

    status = mesh_options_new(&options);
    if (status != MESH_OK) return fail("mesh_options_new", status);
    if (strcmp(argv[2], "-") != 0) {
        status = mesh_options_set_tls_root_certificate_file(options, argv[2]);
        if (status != MESH_OK) return fail("mesh_options_set_tls_root_certificate_file", status);
    }
    status = mesh_options_set_kerberos(options, argv[3], user, flags);
    if (status != MESH_OK) return fail("mesh_options_set_kerberos", status);

    /* Gets a ticket for the service and trades it for a Mesh token. */
    status = mesh_connection_open(argv[1], options, &connection);
    mesh_options_free(options);
    if (status != MESH_OK) return fail("mesh_connection_open", status);

    status = read_display_name(connection, text, sizeof text, &what);
    if (status != MESH_OK) return fail(what, status);
    printf("signed in with Kerberos as %s\n", text);

    status = mesh_session_open(connection, &session);
    if (status != MESH_OK) return fail("mesh_session_open", status);
    status = mesh_session_id(session, text, sizeof text, NULL);
    if (status != MESH_OK) return fail("mesh_session_id", status);
    printf("opened session %s\n", text);
    status = mesh_session_close(session);
    if (status != MESH_OK) return fail("mesh_session_close", status);
    printf("closed\n");

    /* NULL: the connection's own token. The server refuses it from now on,
     * and the library stops sending it. */
    status = mesh_connection_revoke_access_token(connection, NULL);
    if (status != MESH_OK) return fail("mesh_connection_revoke_access_token", status);
    printf("revoked the Mesh token\n");

    /* The next call signs in with Kerberos again before it is sent. */
    status = read_display_name(connection, text, sizeof text, &what);
    if (status != MESH_OK) return fail(what, status);
    printf("signed in again as %s\n", text);

    mesh_connection_close(connection);
    mesh_library_shutdown();
    return 0;
}
