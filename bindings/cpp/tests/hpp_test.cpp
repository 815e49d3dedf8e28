/*
 * hpp_test.cpp: mesh_capi.hpp tested against running emulators. Built by
 * tests/bindings_cpp.rs as C++14, 17 and 20 with -Wall -Wextra -Werror
 * -pedantic, and run:
 *
 *   hpp_test ADDRESS TLS_ADDRESS ROOT_PEM SERVER_NAME TOKEN1 TOKEN2 DISPLAY_NAME SERVER_VERSION
 *
 * ADDRESS serves the emulator's demo catalog (Resource/Demo/Inflow is key
 * 101, with a week of hourly points from 2025-01-01; key 1 an empty
 * breakpoint series) and two series of the test's: 4242 (hourly, m3/s) and
 * 4243 (daily).
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
const std::int64_t daily_key = 4243;
const std::int64_t demo_key = 101;
const std::int64_t breakpoint_key = 1;
const std::string series_path = "Resource/Tilløp/Serie";
const std::int64_t hour = 3600000;
std::string address, tls_address, root_pem, server_name, token1, token2, display_name, server_version;
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
    same(server_version, c.server_version(), "server version");
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
    /* An hourly series reads as missing where nothing is committed. */
    mesh::points before = reader.read_timeseries_by_key(key, start, end);
    same(std::size_t(24), before.size(), "steps before commit");
    for (std::size_t i = 0; i < before.size(); i++)
        check(std::isnan(before[i].value) && (before[i].flags & MESH_FLAG_MISSING) != 0,
              "unseen before commit");
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

void replacing_a_handler_waits_for_the_old_one() {
    auto o = fast_keepalive();
    auto c = mesh::connection::connect(address, o);
    auto s = c.open_session();
    std::atomic<bool> entered(false), release(false), finished(false), finished_before(false), replaced(false);
    s.on_expired([&](const std::string &) {
        entered = true;
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        finished = true;
    });
    end_elsewhere(c, s.id());
    check(wait_until([&] { return entered.load(); }, 10000), "the handler started");
    std::thread replacer([&] {
        try {
            s.on_expired([](const std::string &) {});
            finished_before = finished.load();
        } catch (const mesh::error &) {
            /* finished_before stays false: the check below fails */
        }
        replaced = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    check(!replaced, "on_expired() waits while the old handler runs");
    release = true;
    replacer.join();
    check(finished_before, "the old handler had finished when on_expired() returned");
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

void resource_info_of_a_demo_series() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    mesh::timeseries_resource r = s.get_timeseries_resource(demo_key);
    same(demo_key, r.key(), "key");
    same(std::string("Resource/Demo/Inflow"), r.path(), "path");
    same(std::string("Inflow"), r.name(), "name");
    same(std::int32_t(MESH_CURVE_STAIRCASE), r.curve_type(), "curve");
    same(std::int32_t(MESH_RESOLUTION_HOUR), r.resolution(), "resolution");
    same(std::string("m3/s"), r.unit(), "unit");
    same(std::string(), r.time_zone(), "time zone");
    same(std::string(), r.virtual_expression(), "expression");
    check(!r.temporary(), "not temporary");
    s.close();
    same(std::string("Inflow"), r.name(), "a snapshot outlives its session");
    same(std::string("Resource/Tilløp/Serie"), c.open_session().get_timeseries_resource(key).path(),
         "UTF-8 out");
    auto other = c.open_session();
    throws(MESH_ERROR_NOT_FOUND, [&] { other.get_timeseries_resource(987654321); });
}

void units_by_index_and_name() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    mesh::units u = s.list_units();
    check(u.size() >= 3, "some units");
    std::size_t mw = u.find("MW");
    same(std::string("MW"), u.name(mw), "found by name");
    same(std::size_t(36), u.id(mw).size(), "canonical id");
    same(u.id(mw), u.id_of("MW"), "id_of");
    for (std::size_t i = 0; i < u.size(); i++) check(!u.name(i).empty(), "a name");
    throws(MESH_ERROR_NOT_FOUND, [&] { u.find("furlongs per fortnight"); });
    throws(MESH_ERROR_NOT_FOUND, [&] { u.find("mw"); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { u.id(u.size()); });
}

void create_write_update_commit() {
    const std::int64_t start = 1930003200000LL; /* 2031-03-01T00:00Z */
    auto c = mesh::connection::connect(address);
    auto writer = c.open_session();
    auto reader = c.open_session();
    const std::string mw = writer.list_units().id_of("MW");

    /* A new series has key 0 until commit: it is addressed by path. */
    mesh::timeseries_resource created = writer.create_physical_timeseries(
        "/Bindings/Cpp/", "Level", MESH_CURVE_STAIRCASE, MESH_RESOLUTION_HOUR, mw);
    same(std::int64_t(0), created.key(), "key before commit");
    same(std::string("Resource/Bindings/Cpp/Level"), created.path(), "path");
    same(std::string("MW"), created.unit(), "unit");
    same(std::int32_t(MESH_CURVE_STAIRCASE), created.curve_type(), "curve");
    std::vector<mesh::point> pts;
    for (int i = 0; i < 3; i++) pts.push_back(mesh::point{start + i * hour, MESH_FLAG_OK, 10.0 + i});
    writer.write_timeseries_by_path(created.path(), start, start + 3 * hour, pts);
    throws(MESH_ERROR_NOT_FOUND, [&] { reader.read_timeseries_by_path(created.path(), start, start + hour); });

    mesh::timeseries_resource zoned = writer.create_physical_timeseries(
        "/Bindings/Cpp/", "Daily", MESH_CURVE_STAIRCASE, MESH_RESOLUTION_DAY, mw, "Europe/Oslo");
    same(std::string("Europe/Oslo"), zoned.time_zone(), "time zone kept");
    auto refused = throws(MESH_ERROR_INVALID_ARGUMENT, [&] {
        writer.create_physical_timeseries("/Bindings/Cpp/", "Zoneless", MESH_CURVE_STAIRCASE,
                                          MESH_RESOLUTION_DAY, mw, "Invalid/TimeZone");
    });
    check(refused.library_message().find("Invalid/TimeZone") != std::string::npos, refused.what());

    /* Updates change only what is set. */
    writer.update_timeseries_resource(daily_key,
                                      mesh::resource_update().curve_type(MESH_CURVE_PIECEWISE_LINEAR).unit_id(mw));
    mesh::timeseries_resource updated = writer.get_timeseries_resource(daily_key);
    same(std::int32_t(MESH_CURVE_PIECEWISE_LINEAR), updated.curve_type(), "curve updated");
    same(std::string("MW"), updated.unit(), "unit updated");
    same(std::string(), updated.time_zone(), "time zone left");
    writer.update_timeseries_resource(daily_key, mesh::resource_update().time_zone("Europe/London"));
    same(std::string("MW"), writer.get_timeseries_resource(daily_key).unit(), "unit left");
    same(std::string("m3/s"), reader.get_timeseries_resource(daily_key).unit(), "unseen before commit");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { writer.update_timeseries_resource(key, mesh::resource_update()); });
    throws(MESH_ERROR_INVALID_ARGUMENT,
           [&] { writer.update_timeseries_resource(key, mesh::resource_update().time_zone("Europe/Oslo")); });
    throws(MESH_ERROR_NOT_FOUND,
           [&] { writer.update_timeseries_resource(987654321, mesh::resource_update().curve_type(MESH_CURVE_STAIRCASE)); });

    writer.commit();
    mesh::points got = reader.read_timeseries_by_path("Resource/Bindings/Cpp/Level", start, start + 3 * hour);
    same(std::size_t(3), got.size(), "points of the new series after commit");
    same(11.0, got[1].value, "a value");
    mesh::timeseries_resource seen = reader.get_timeseries_resource(daily_key);
    check(seen.curve_type() == MESH_CURVE_PIECEWISE_LINEAR, "update seen after commit");
    same(std::string("Europe/London"), seen.time_zone(), "time zone");
    writer.update_timeseries_resource(daily_key, mesh::resource_update().time_zone(""));
    same(std::string(), writer.get_timeseries_resource(daily_key).time_zone(), "time zone removed");
}

void delete_by_key_and_path() {
    const std::int64_t start = 1930003200000LL;
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    const std::string path = s.get_timeseries_resource(breakpoint_key).path();
    std::vector<mesh::point> pts;
    for (int i = 0; i < 10; i++) pts.push_back(mesh::point{start + i * hour, MESH_FLAG_OK, double(i)});
    s.write_timeseries_by_key(breakpoint_key, start, start + 10 * hour, pts);
    s.commit();
    s.delete_timeseries_by_key(breakpoint_key, start + 2 * hour, start + 4 * hour);
    s.delete_timeseries_by_path(path, start + 8 * hour, start + 10 * hour);
    mesh::points left = s.read_timeseries_by_key(breakpoint_key, start, start + 10 * hour);
    same(std::size_t(6), left.size(), "points left");
    const std::int64_t kept[] = {0, 1, 4, 5, 6, 7};
    for (std::size_t i = 0; i < left.size(); i++) same(start + kept[i] * hour, left[i].time_ms, "which are left");
    auto other = c.open_session();
    same(std::size_t(10), other.read_timeseries_by_key(breakpoint_key, start, start + 10 * hour).size(),
         "deletes unseen before commit");
    s.commit();
    same(std::size_t(6), other.read_timeseries_by_key(breakpoint_key, start, start + 10 * hour).size(),
         "deletes seen after commit");
    /* An hourly series reads as missing where points were deleted. */
    s.write_timeseries_by_key(key, start, start + 3 * hour, std::vector<mesh::point>(pts.begin(), pts.begin() + 3));
    s.delete_timeseries_by_key(key, start + hour, start + 2 * hour);
    mesh::points hourly = s.read_timeseries_by_key(key, start, start + 3 * hour);
    same(std::size_t(3), hourly.size(), "hourly steps");
    check(std::isnan(hourly[1].value) && (hourly[1].flags & MESH_FLAG_MISSING) != 0, "deleted step is missing");
    same(2.0, hourly[2].value, "after the deleted step");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { s.delete_timeseries_by_key(key, start + hour, start); });
    throws(MESH_ERROR_NOT_FOUND,
           [&] { s.delete_timeseries_by_id("6f1c7b2e-0d4c-4f5e-9a43-2b1d8c9e7f60", start, start + hour); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { s.delete_timeseries_by_id("not-an-id", start, start + hour); });
}

void dead_connection_timeout_is_an_option() {
    mesh::options o;
    o.dead_connection_timeout(std::chrono::seconds(5)).dead_connection_timeout(std::chrono::milliseconds(0));
    auto c = mesh::connection::connect(address, o);
    c.open_session().commit();
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
    if (argc < 9) {
        std::cerr << "usage: hpp_test ADDRESS TLS_ADDRESS ROOT_PEM SERVER_NAME TOKEN1 TOKEN2 DISPLAY_NAME "
                     "SERVER_VERSION\n";
        return 2;
    }
    address = argv[1];
    tls_address = argv[2];
    root_pem = argv[3];
    server_name = argv[4];
    token1 = argv[5];
    token2 = argv[6];
    display_name = argv[7];
    server_version = argv[8];

    test("versions and status names", versions);
    test("connect, server version, errors carry status and message", connect_and_errors);
    test("session lifecycle and moves", session_lifecycle_and_moves);
    test("attach by braced upper-case id; gone after close", attach_and_not_found);
    test("time series round trip, isolation until commit", timeseries_round_trip);
    test("UTF-8 std::string both ways", utf8_both_ways);
    test("the expired handler runs once, on a library thread", expired_handler_runs_once_on_a_library_thread);
    test("a throwing handler is contained and reported", a_throwing_handler_is_contained);
    test("close() waits for a running handler", close_waits_for_a_running_handler);
    test("replacing a handler waits for the old one", replacing_a_handler_waits_for_the_old_one);
    test("a handler may close its own session", a_handler_may_close_its_own_session);
    test("a token provider outlives its options", token_provider_outlives_its_options);
    test("a throwing token provider gives UNAUTHENTICATED", a_throwing_provider_gives_unauthenticated);
    test("catalog: a demo series' resource info", resource_info_of_a_demo_series);
    test("units by index and name", units_by_index_and_name);
    test("catalog: create, write by path, update, commit", create_write_update_commit);
    test("delete by key and path, seen after commit", delete_by_key_and_path);
    test("the dead connection timeout is an option", dead_connection_timeout_is_an_option);
    test("shutdown and restart", shutdown_and_restart);
    test("the README example runs", [] { readme_example(address); });

    std::cout << passed << " passed, " << failed << " failed" << std::endl;
    mesh_shutdown();
    return failed == 0 ? 0 : 1;
}
