/*
 * hpp_test.cpp: mesh_capi.hpp tested against running emulators. Built by
 * tests/bindings_cpp.rs as C++14, 17 and 20 with -Wall -Wextra -Werror
 * -pedantic, and run:
 *
 *   hpp_test ADDRESS TLS_ADDRESS ROOT_PEM SERVER_NAME TOKEN1 TOKEN2 DISPLAY_NAME
 *
 * Prints PASS/FAIL per test and ends with "N passed, M failed"; exits 0
 * only when nothing failed.
 */
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstring>
#include <iostream>
#include <sstream>

#include "mesh_capi.hpp"

void readme_example(const std::string &address);

namespace {

const std::int64_t key = 4242;
const std::string series_path = "Resource/Tilløp/Serie";
std::string address, tls_address, root_pem, server_name, token1, token2, display_name;
int passed = 0, failed = 0;

struct check_failed : std::runtime_error {
    explicit check_failed(const std::string &what) : std::runtime_error(what) {}
};

void check(bool condition, const std::string &what) {
    if (!condition) throw check_failed("check failed: " + what);
}

template <class T>
void same(const T &expected, const T &actual, const std::string &what) {
    if (!(expected == actual)) {
        std::ostringstream s;
        s << what << ": expected " << expected << ", got " << actual;
        throw check_failed(s.str());
    }
}

template <class F>
mesh::error throws(mesh_status status, F f) {
    try {
        f();
    } catch (const mesh::error &e) {
        same(mesh::status_name(status), mesh::status_name(e.status()), std::string("status: ") + e.what());
        check(std::string(e.what()).find(mesh::status_name(status) + ": mesh_") == 0, e.what());
        return e;
    }
    throw check_failed("expected a mesh::error with " + mesh::status_name(status));
}

template <class F>
void test(const char *name, F body) {
    try {
        body();
        passed++;
        std::cout << "PASS " << name << std::endl;
    } catch (const std::exception &e) {
        failed++;
        std::cout << "FAIL " << name << ": " << e.what() << std::endl;
    }
}

template <class F>
bool wait_until(F condition, int ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}

/* Ends a session on the server through a second handle, so that the first
 * one's keep-alive finds it gone. */
void end_elsewhere(mesh::connection &c, const std::string &id) { c.attach_session(id).close(); }

mesh::options fast_keepalive() {
    mesh::options o;
    o.keepalive_interval(std::chrono::milliseconds(100));
    return o;
}

void versions() {
    same(std::string(MESH_CAPI_VERSION_STRING), mesh::library_version(), "library vs header version");
    same(std::string("MESH_ERROR_TLS"), mesh::status_name(MESH_ERROR_TLS), "status name");
}

void connect_and_errors() {
    auto c = mesh::connection::connect(address);
    same(std::string("2.21.0"), c.server_version(), "server version");
    mesh::options o;
    o.connect_timeout(std::chrono::seconds(2));
    auto e = throws(MESH_ERROR_UNAVAILABLE, [&] { mesh::connection::connect("127.0.0.1:1", o); });
    check(e.library_message().find("mesh_connect:") == 0, e.library_message());
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { o.call_timeout(std::chrono::milliseconds(0)); });
}

void session_lifecycle_and_moves() {
    auto c = mesh::connection::connect(address);
    mesh::session s = c.open_session();
    same(std::size_t(36), s.id().size(), "id length");
    s.commit();
    s.rollback();
    check(s.extend().count() > 0, "the server's timeout");
    check(!s.is_expired(), "not expired");
    mesh::session moved = std::move(s);
    check(s.get() == nullptr && moved.get() != nullptr, "moved");
    moved.commit();
    std::vector<mesh::session> many;
    for (int i = 0; i < 5; i++) many.push_back(c.open_session());
    many.clear(); /* destructors close them */
    moved.close();
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { moved.commit(); });
}

void attach_and_not_found() {
    auto c = mesh::connection::connect(address);
    std::string id;
    {
        auto s = c.open_session();
        id = s.id();
        s.detach();
    }
    std::string braced = "{" + id + "}";
    for (auto &ch : braced) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    auto other = mesh::connection::connect(address);
    auto s = other.attach_session(braced);
    same(id, s.id(), "attached id");
    s.close();
    auto e = throws(MESH_ERROR_SESSION_NOT_FOUND, [&] { other.attach_session(id); });
    check(e.library_message().find("not found") != std::string::npos, e.library_message());
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { other.attach_session("not-an-id"); });
}

void timeseries_round_trip() {
    const std::int64_t start = 1930003200000LL; /* 2031-03-01T00:00Z */
    const std::int64_t end = start + 24 * 3600000LL;
    std::vector<mesh::point> pts;
    for (int i = 0; i < 24; i++)
        pts.push_back(mesh::point{start + i * 3600000LL, i == 5 ? 0x04000000u : 0u,
                                  i == 7 ? std::nan("") : 100.5 + i});
    auto c = mesh::connection::connect(address);
    auto writer = c.open_session();
    auto reader = c.open_session();
    writer.write_timeseries_by_key(key, start, end, pts);
    for (int how = 0; how < 2; how++) {
        mesh::points got = how == 0 ? writer.read_timeseries_by_key(key, start, end)
                                    : writer.read_timeseries_by_path(series_path, start, end);
        same(std::size_t(24), got.size(), "count");
        for (std::size_t i = 0; i < got.size(); i++) {
            same(pts[i].time_ms, got[i].time_ms, "time");
            same(pts[i].flags, got.flags()[i], "flags");
            std::uint64_t a, b;
            std::memcpy(&a, &pts[i].value, 8);
            std::memcpy(&b, &got.values()[i], 8);
            same(a, b, "value bits");
        }
        same(std::size_t(24), got.to_vector().size(), "to_vector");
    }
    check(reader.read_timeseries_by_key(key, start, end).empty(), "unseen before commit");
    writer.commit();
    same(std::size_t(24), reader.read_timeseries_by_key(key, start, end).size(), "seen after commit");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { writer.read_timeseries_by_key(key, end, start); });
    throws(MESH_ERROR_NOT_FOUND, [&] {
        writer.read_timeseries_by_id("6f1c7b2e-0d4c-4f5e-9a43-2b1d8c9e7f60", start, end);
    });
}

void utf8_both_ways() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    auto e = throws(MESH_ERROR_NOT_FOUND, [&] { s.read_timeseries_by_path("Resource/Tilløp/Mangler", 0, 1); });
    check(e.library_message().find("Tilløp/Mangler") != std::string::npos, e.library_message());
}

void expired_handler_runs_once_on_a_library_thread() {
    auto o = fast_keepalive();
    auto c = mesh::connection::connect(address, o);
    auto s = c.open_session();
    const std::string id = s.id();
    std::atomic<int> calls(0);
    std::string seen;
    std::thread::id thread;
    std::mutex m;
    s.on_expired([&](const std::string &expired_id) {
        std::lock_guard<std::mutex> lock(m);
        seen = expired_id;
        thread = std::this_thread::get_id();
        calls++;
    });
    end_elsewhere(c, id);
    check(wait_until([&] { return calls.load() > 0; }, 10000), "the handler ran");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    same(1, calls.load(), "once");
    std::lock_guard<std::mutex> lock(m);
    same(id, seen, "with the id");
    check(thread != std::this_thread::get_id(), "on a library thread");
    check(s.is_expired(), "is_expired");
    throws(MESH_ERROR_SESSION_EXPIRED, [&] { s.commit(); });
}

void a_throwing_handler_is_contained() {
    std::atomic<int> reported(0);
    mesh::set_callback_error_handler([&](std::exception_ptr e) {
        try {
            std::rethrow_exception(e);
        } catch (const std::logic_error &) {
            reported++;
        } catch (...) {
        }
    });
    auto o = fast_keepalive();
    auto c = mesh::connection::connect(address, o);
    auto s = c.open_session();
    s.on_expired([](const std::string &) { throw std::logic_error("handler failed"); });
    end_elsewhere(c, s.id());
    check(wait_until([&] { return reported.load() == 1; }, 10000), "reported");
    mesh::set_callback_error_handler(nullptr);
}

void close_waits_for_a_running_handler() {
    auto o = fast_keepalive();
    auto c = mesh::connection::connect(address, o);
    auto s = c.open_session();
    std::atomic<bool> entered(false), release(false), finished(false), finished_before_close(false);
    s.on_expired([&](const std::string &) {
        entered = true;
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        finished = true;
    });
    end_elsewhere(c, s.id());
    check(wait_until([&] { return entered.load(); }, 10000), "the handler started");
    std::atomic<bool> closed(false);
    std::thread closer([&] {
        try {
            s.close();
        } catch (const mesh::error &) {
            /* MESH_ERROR_SESSION_EXPIRED: the session is gone, as intended */
        }
        finished_before_close = finished.load();
        closed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    check(!closed, "close() waits while the handler runs");
    release = true;
    closer.join();
    check(finished_before_close, "the handler had finished when close() returned");
}

void a_handler_may_close_its_own_session() {
    auto o = fast_keepalive();
    auto c = mesh::connection::connect(address, o);
    auto s = c.open_session();
    std::atomic<bool> done(false);
    s.on_expired([&](const std::string &) {
        try {
            s.close();
        } catch (const mesh::error &) {
        }
        done = true;
    });
    end_elsewhere(c, s.id());
    check(wait_until([&] { return done.load(); }, 10000), "closed from its own handler, no deadlock");
    check(s.get() == nullptr, "handle released");
}

void token_provider_outlives_its_options() {
    std::atomic<int> asked(0);
    mesh::connection c = [&] {
        mesh::options o;
        o.tls_root_certificate_file(root_pem).tls_server_name(server_name).token_provider([&] {
            return ++asked == 1 ? token1 : token2;
        });
        return mesh::connection::connect(tls_address, o);
    }(); /* the options are gone; the connection keeps the provider */
    same(1, asked.load(), "asked when connecting");
    same(display_name, c.user_identity().display_name, "identity (UTF-8 out)");
    c.revoke_access_token(token1);
    auto s = c.open_session(); /* UNAUTHENTICATED, then the provider, then a retry */
    s.commit();
    same(2, asked.load(), "asked again after the token was revoked");
}

void a_throwing_provider_gives_unauthenticated() {
    mesh::options o;
    o.tls_root_certificate_file(root_pem).tls_server_name(server_name).token_provider(
        []() -> std::string { throw std::runtime_error("no token today"); });
    throws(MESH_ERROR_UNAUTHENTICATED, [&] { mesh::connection::connect(tls_address, o); });
}

void shutdown_and_restart() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    mesh::shutdown();
    throws(MESH_ERROR_INVALID_HANDLE, [&] { s.commit(); });
    auto again = mesh::connection::connect(address);
    again.open_session().commit();
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 8) {
        std::cerr << "usage: hpp_test ADDRESS TLS_ADDRESS ROOT_PEM SERVER_NAME TOKEN1 TOKEN2 DISPLAY_NAME\n";
        return 2;
    }
    address = argv[1];
    tls_address = argv[2];
    root_pem = argv[3];
    server_name = argv[4];
    token1 = argv[5];
    token2 = argv[6];
    display_name = argv[7];

    test("versions and status names", versions);
    test("connect, server version, errors carry status and message", connect_and_errors);
    test("session lifecycle and moves", session_lifecycle_and_moves);
    test("attach by braced upper-case id; gone after close", attach_and_not_found);
    test("time series round trip, isolation until commit", timeseries_round_trip);
    test("UTF-8 std::string both ways", utf8_both_ways);
    test("the expired handler runs once, on a library thread", expired_handler_runs_once_on_a_library_thread);
    test("a throwing handler is contained and reported", a_throwing_handler_is_contained);
    test("close() waits for a running handler", close_waits_for_a_running_handler);
    test("a handler may close its own session", a_handler_may_close_its_own_session);
    test("a token provider outlives its options", token_provider_outlives_its_options);
    test("a throwing token provider gives UNAUTHENTICATED", a_throwing_provider_gives_unauthenticated);
    test("shutdown and restart", shutdown_and_restart);
    test("the README example runs", [] { readme_example(address); });

    std::cout << passed << " passed, " << failed << " failed" << std::endl;
    mesh_shutdown();
    return failed == 0 ? 0 : 1;
}
