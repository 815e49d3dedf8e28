/*
 * hpp_test.cpp: mesh_capi.hpp tested against running emulators. Built by
 * tests/it/bindings_cpp.rs as C++14, 17 and 20 with -Wall -Wextra -Werror
 * -pedantic, and run:
 *
 *   hpp_test ADDRESS TLS_ADDRESS ROOT_PEM SERVER_NAME TOKEN1 TOKEN2 DISPLAY_NAME SERVER_VERSION
 *
 * ADDRESS serves the emulator's demo catalog (Resource/Demo/Inflow is key
 * 101, with a week of hourly points from 2025-01-01; key 1 an empty
 * breakpoint series) and two series of the test's: 4242 (hourly, m3/s) and
 * 4243 (daily), besides the emulator's model (the official tests'
 * SimpleThermalTestModel, with its 2016-01-01 series) for the model and
 * calculation tests.
 *
 * Prints PASS/FAIL per test and ends with "N passed, M failed"; exits 0
 * only when nothing failed.
 */
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstring>
#include <future>
#include <iostream>
#include <limits>
#include <sstream>
#include <thread>

#include "mesh_capi.hpp"

void readme_example(const std::string &address);
void readme_model_example(const std::string &address);
std::size_t readme_async_example(mesh::session &session);

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

/* A failure whose message says why (the status is the server's, or the wrapper's own). */
template <class F>
void fails_with(const std::string &why, F f) {
    try {
        f();
    } catch (const mesh::error &e) {
        check(e.library_message().find(why) != std::string::npos, e.what());
        return;
    }
    throw check_failed("expected a refusal: " + why);
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
    mesh::check_library_version();
    same(std::string("MESH_ERROR_TLS"), mesh::status_name(MESH_ERROR_TLS), "status name");
}

void connect_and_errors() {
    auto c = mesh::connection::connect(address);
    same(server_version, c.server_version(), "server version");
    same(std::string("Volue Mesh Server"), c.server_name(), "the server's name");
    same(std::uint64_t(1), c.statistic(MESH_STATISTIC_CALLS) - c.failures_by_status(MESH_ERROR_NOT_FOUND), "statistics: GetVersion, no failure");
    mesh::options o;
    o.connect_timeout(std::chrono::seconds(2));
    auto e = throws(MESH_ERROR_UNAVAILABLE, [&] { mesh::connection::connect("127.0.0.1:1", o); });
    check(e.library_message().find("mesh_connection_open:") == 0, e.library_message());
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { o.call_timeout(std::chrono::milliseconds(0)); });
}

// An emulator that holds every commit for seconds (the 9th argument).
const char *slow_address = nullptr;

void interrupt_cancels_a_call_in_flight() {
    auto c = mesh::connection::connect(slow_address);
    mesh::session s = c.open_session();
    mesh_status seen = MESH_OK;
    std::thread worker([&] {
        try {
            s.commit();
        } catch (const mesh::error &e) {
            seen = e.status();
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto interrupted = std::chrono::steady_clock::now();
    s.interrupt();
    worker.join();
    same(MESH_ERROR_CANCELLED, seen, "the commit was cancelled");
    check(std::chrono::steady_clock::now() - interrupted < std::chrono::seconds(2), "promptly");
    check(!s.is_expired(), "the session goes on");
    c.interrupt();
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
        check(std::isnan(before[i].value) && (before[i].flags & MESH_POINT_FLAG_MISSING) != 0,
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

/* Sets a callback error handler that counts the std::logic_errors thrown
 * (other exceptions are ignored); `reported` must outlive it. */
static void count_logic_errors(std::atomic<int> &reported) {
    mesh::set_callback_error_handler([&reported](std::exception_ptr e) {
        try {
            std::rethrow_exception(e);
        } catch (const std::logic_error &) {
            reported++;
        } catch (...) {
        }
    });
}

void a_throwing_handler_is_contained() {
    std::atomic<int> reported(0);
    count_logic_errors(reported);
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

/* What a mesh::set_log handler receives, as "LEVEL target: message". */
struct log_recorder {
    std::mutex m;
    std::vector<std::string> lines;
    std::thread::id caller = std::this_thread::get_id();
    bool on_caller = false;

    mesh::log_handler handler() {
        return [this](int level, const std::string &target, const std::string &message) {
            std::lock_guard<std::mutex> lock(m);
            lines.push_back(std::to_string(level) + " " + target + ": " + message);
            if (std::this_thread::get_id() == caller) on_caller = true;
        };
    }
    bool has(const std::string &text) {
        std::lock_guard<std::mutex> lock(m);
        for (const auto &l : lines)
            if (l.find(text) != std::string::npos) return true;
        return false;
    }
    bool has_level(int level) {
        std::lock_guard<std::mutex> lock(m);
        const std::string prefix = std::to_string(level) + " ";
        for (const auto &l : lines)
            if (l.compare(0, prefix.size(), prefix) == 0) return true;
        return false;
    }
    std::size_t count() {
        std::lock_guard<std::mutex> lock(m);
        return lines.size();
    }
    std::string all() {
        std::lock_guard<std::mutex> lock(m);
        std::string text;
        for (const auto &l : lines) text += l + "\n";
        return text;
    }
};

/* Stops the log however a test ends: its handler refers to the test's locals. */
struct clear_log_at_exit {
    ~clear_log_at_exit() {
        try {
            mesh::clear_log();
        } catch (...) {
        }
    }
};

void connect_and_call() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    s.extend();
}

void the_log_reaches_its_handler() {
    log_recorder log;
    {
        clear_log_at_exit stop;
        mesh::set_log(MESH_LOG_LEVEL_DEBUG, log.handler());
        connect_and_call();
        check(wait_until(
                  [&] {
                      return log.has("3 mesh_capi::client::connection: connected to " + address) &&
                             log.has("4 mesh_capi::client::connection: StartSession: answered in ");
                  },
                  10000),
              "a connect at INFO and a call at DEBUG:\n" + log.all());
        check(!log.has_level(5), "nothing at TRACE:\n" + log.all());
        check(!log.on_caller, "delivered on the library's thread, not the caller's");
    }
    /* Once clear_log() has returned the handler is not running and will not run. */
    std::size_t seen = log.count();
    connect_and_call();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    same(seen, log.count(), "messages after clear_log()");
}

void log_levels_throws_and_replacement() {
    clear_log_at_exit stop;
    log_recorder info;
    mesh::set_log(MESH_LOG_LEVEL_INFO, info.handler());
    connect_and_call();
    check(wait_until([&] { return info.has("connected to " + address); }, 10000), "connected:\n" + info.all());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    check(!info.has("answered in"), "no DEBUG message at INFO:\n" + info.all());

    /* A bad level is the library's refusal and changes nothing. */
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { mesh::set_log(0, info.handler()); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { mesh::set_log(6, info.handler()); });
    std::size_t before = info.count();
    mesh::connection::connect(address);
    check(wait_until([&] { return info.count() > before; }, 10000), "still logging after a bad level");

    /* What a handler throws goes to the callback error handler; the log goes on. */
    std::atomic<int> reported(0), calls(0);
    count_logic_errors(reported);
    mesh::set_log(MESH_LOG_LEVEL_INFO, [&](int, const std::string &, const std::string &) {
        calls++;
        throw std::logic_error("log handler failed");
    });
    mesh::connection::connect(address);
    mesh::connection::connect(address);
    bool contained = wait_until([&] { return calls.load() >= 2 && reported.load() >= 2; }, 10000);
    mesh::set_callback_error_handler(nullptr);
    check(contained, "the handler ran again after it threw, and each throw was reported");

    /* Replacing a handler waits for a running one. */
    std::atomic<bool> entered(false), release(false), finished(false);
    mesh::set_log(MESH_LOG_LEVEL_INFO, [&](int, const std::string &, const std::string &) {
        if (entered.exchange(true)) return;
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        finished = true;
    });
    mesh::connection::connect(address);
    check(wait_until([&] { return entered.load(); }, 10000), "the blocking handler started");
    std::thread releaser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        release = true;
    });
    log_recorder after;
    mesh::set_log(MESH_LOG_LEVEL_INFO, after.handler());
    bool waited = finished.load();
    releaser.join();
    check(waited, "set_log returned only once the running handler had finished");

    /* A handler may replace itself (the library does not wait for the call it is made from). */
    log_recorder replacement;
    std::atomic<int> replaced(0);
    mesh::set_log(MESH_LOG_LEVEL_INFO, [&](int, const std::string &, const std::string &) {
        if (replaced.exchange(1) == 0) mesh::set_log(MESH_LOG_LEVEL_INFO, replacement.handler());
    });
    mesh::connection::connect(address);
    check(wait_until([&] { return replaced.load() == 1; }, 10000), "the first handler ran");
    mesh::connection::connect(address);
    check(wait_until([&] { return replacement.has("connected to " + address); }, 10000),
          "the replacement receives the log:\n" + replacement.all());
}

/* Kerberos checks that need no KDC: they hold whether or not this build of
 * the library has Kerberos. */
void kerberos_without_a_kdc() {
    const bool has = mesh::library_has_kerberos();
    same(mesh_library_has_kerberos() != 0, has, "library_has_kerberos");
    mesh::options o;
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { o.kerberos(""); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { o.kerberos("a\\b\\c"); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { o.kerberos("HTTP/localhost", "a\\b\\c"); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { o.kerberos("HTTP/localhost", ""); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { o.kerberos("HTTP/localhost", 2u); });
    o.clear_kerberos();

    /* Nothing to revoke on a connection that sends no token. */
    auto plain = mesh::connection::connect(address);
    fails_with("no access token", [&] { plain.revoke_own_access_token(); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { plain.revoke_own_access_token(); });

    if (!has) {
        fails_with("kerberos", [&] { o.kerberos("HTTP/localhost"); });
        return;
    }
    o.kerberos("HTTP@localhost").kerberos("HTTP/localhost", MESH_KERBEROS_MUTUAL);
    o.kerberos("HTTP/localhost", "MESH\\alice").kerberos("EXAMPLE\\meshsvc", "alice@mesh.test");
    /* Tickets travel only over TLS. */
    fails_with("https://", [&] { mesh::connection::connect(address, o); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { mesh::connection::connect("http://" + address, o); });
    /* One way to sign in at a time. */
    mesh::options both;
    both.tls_root_certificate_file(root_pem).tls_server_name(server_name).access_token(token2).kerberos(
        "HTTP/localhost");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { mesh::connection::connect(tls_address, both); });
}

void resource_info_of_a_demo_series() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    mesh::timeseries_resource r = s.get_timeseries_resource(demo_key);
    same(demo_key, r.key(), "key");
    same(std::string("Resource/Demo/Inflow"), r.path(), "path");
    same(std::string("Inflow"), r.name(), "name");
    same(std::int32_t(MESH_CURVE_TYPE_STAIRCASE), r.curve_type(), "curve");
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
        "/Bindings/Cpp/", "Level", MESH_CURVE_TYPE_STAIRCASE, MESH_RESOLUTION_HOUR, mw);
    same(std::int64_t(0), created.key(), "key before commit");
    same(std::string("Resource/Bindings/Cpp/Level"), created.path(), "path");
    same(std::string("MW"), created.unit(), "unit");
    same(std::int32_t(MESH_CURVE_TYPE_STAIRCASE), created.curve_type(), "curve");
    std::vector<mesh::point> pts;
    for (int i = 0; i < 3; i++) pts.push_back(mesh::point{start + i * hour, MESH_POINT_FLAG_OK, 10.0 + i});
    writer.write_timeseries_by_path(created.path(), start, start + 3 * hour, pts);
    throws(MESH_ERROR_NOT_FOUND, [&] { reader.read_timeseries_by_path(created.path(), start, start + hour); });

    mesh::timeseries_resource zoned = writer.create_physical_timeseries(
        "/Bindings/Cpp/", "Daily", MESH_CURVE_TYPE_STAIRCASE, MESH_RESOLUTION_DAY, mw, "Europe/Oslo");
    same(std::string("Europe/Oslo"), zoned.time_zone(), "time zone kept");
    auto refused = throws(MESH_ERROR_INVALID_ARGUMENT, [&] {
        writer.create_physical_timeseries("/Bindings/Cpp/", "Zoneless", MESH_CURVE_TYPE_STAIRCASE,
                                          MESH_RESOLUTION_DAY, mw, "Invalid/TimeZone");
    });
    check(refused.library_message().find("Invalid/TimeZone") != std::string::npos, refused.what());

    /* Updates change only what is set. */
    writer.update_timeseries_resource(daily_key,
                                      mesh::resource_update().curve_type(MESH_CURVE_TYPE_PIECEWISE_LINEAR).unit_id(mw));
    mesh::timeseries_resource updated = writer.get_timeseries_resource(daily_key);
    same(std::int32_t(MESH_CURVE_TYPE_PIECEWISE_LINEAR), updated.curve_type(), "curve updated");
    same(std::string("MW"), updated.unit(), "unit updated");
    same(std::string(), updated.time_zone(), "time zone left");
    writer.update_timeseries_resource(daily_key, mesh::resource_update().time_zone("Europe/London"));
    same(std::string("MW"), writer.get_timeseries_resource(daily_key).unit(), "unit left");
    same(std::string("m3/s"), reader.get_timeseries_resource(daily_key).unit(), "unseen before commit");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { writer.update_timeseries_resource(key, mesh::resource_update()); });
    throws(MESH_ERROR_INVALID_ARGUMENT,
           [&] { writer.update_timeseries_resource(key, mesh::resource_update().time_zone("Europe/Oslo")); });
    throws(MESH_ERROR_NOT_FOUND,
           [&] { writer.update_timeseries_resource(987654321, mesh::resource_update().curve_type(MESH_CURVE_TYPE_STAIRCASE)); });

    writer.commit();
    mesh::points got = reader.read_timeseries_by_path("Resource/Bindings/Cpp/Level", start, start + 3 * hour);
    same(std::size_t(3), got.size(), "points of the new series after commit");
    same(11.0, got[1].value, "a value");
    mesh::timeseries_resource seen = reader.get_timeseries_resource(daily_key);
    check(seen.curve_type() == MESH_CURVE_TYPE_PIECEWISE_LINEAR, "update seen after commit");
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
    for (int i = 0; i < 10; i++) pts.push_back(mesh::point{start + i * hour, MESH_POINT_FLAG_OK, double(i)});
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
    check(std::isnan(hourly[1].value) && (hourly[1].flags & MESH_POINT_FLAG_MISSING) != 0, "deleted step is missing");
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

/* ------------------------------------------------- the model and calculations
 * The emulator's default model: the official tests' SimpleThermalTestModel. */

const std::string model_path = "Model/SimpleThermalTestModel";
const std::string component_id = "0000000b-0001-0000-0000-000000000000";
const std::string plant = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1";
const std::string plant_full = "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1";
const std::string plant_id = "0000000a-0001-0000-0000-000000000000";
const std::string chimney1_id = "0000000a-0004-0000-0000-000000000000";
const std::string chimney2_id = "0000000a-0005-0000-0000-000000000000";
const std::int64_t day_2016 = 1451606400000LL; /* 2016-01-01T00:00Z: the model's series have data then */
const std::int64_t start_2016 = day_2016 + hour, end_2016 = day_2016 + 9 * hour;

std::string plant_attr(const std::string &name) { return plant_full + "." + name; }

bool same_bits(double a, double b) {
    std::uint64_t x, y;
    std::memcpy(&x, &a, 8);
    std::memcpy(&y, &b, 8);
    return x == y;
}

/* The same times, flags and value bits (NaN included). */
bool same_points(const mesh::points &a, const mesh::points &b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); i++)
        if (a[i].time_ms != b[i].time_ms || a[i].flags != b[i].flags || !same_bits(a[i].value, b[i].value))
            return false;
    return true;
}

/* "a, b, c", sorted: a list compared in one check. */
std::string sorted_joined(std::vector<std::string> texts) {
    std::sort(texts.begin(), texts.end());
    std::string out;
    for (const auto &t : texts) out += (out.empty() ? "" : ", ") + t;
    return out;
}

/* The names of objects or attributes, sorted and joined. */
template <class T>
std::string names_of(const T &items) {
    std::vector<std::string> names;
    for (const auto &item : items) names.push_back(item.name());
    return sorted_joined(names);
}

void model_objects_get_and_search() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    mesh::object_list models = s.list_models();
    same(std::size_t(2), models.size(), "models");
    same(std::string("SimpleThermalTestModel, Utility"), names_of(models), "model names");
    same(std::string(""), models[0].owner_id(), "a model has no owner");

    for (const std::string &target : {plant, plant_full, plant_id, "{" + plant_id + "}"}) {
        mesh::object o = s.get_object(target, MESH_MODEL_VIEW_NO_DEFINITIONS);
        same(std::string("SomePowerPlant1"), o.name(), "name by " + target);
        same(plant_full, o.path(), "path");
        same(plant_id, o.id(), "id");
        same(std::string("PlantElementType"), o.type_name(), "type");
        same(std::string("Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef"), o.owner_path(),
             "owner path");
        same(std::size_t(36), o.owner_id().size(), "owner id");
        check(o.attribute_count() >= 32, "the plant's attributes");
        for (const mesh::attribute &a : o.attributes()) same(plant_attr(a.name()), a.path(), "attribute path");
        same(1000.0, o.attribute_named("DblAtt").as_double(), "DblAtt");
    }
    mesh::object filtered = s.get_object(plant, MESH_MODEL_VIEW_NO_DEFINITIONS, "StringAtt,BoolArrayAtt");
    same(std::string("BoolArrayAtt, StringAtt"), names_of(filtered.attributes()), "name filter");
    same(std::size_t(0), s.get_object(plant, MESH_MODEL_VIEW_NO_ATTRIBUTES).attribute_count(), "no attributes");
    throws(MESH_ERROR_NOT_FOUND, [&] { filtered.attribute_named("DblAtt"); });
    same(std::string("DblAtt"), names_of(s.get_object(plant, MESH_MODEL_VIEW_FULL, "", "Tag3,NoSuchTag").attributes()),
         "tag mask");
    same(std::size_t(0), s.get_object(plant, MESH_MODEL_VIEW_FULL, "", "", "NON_EXISTING").attribute_count(),
         "namespace mask matching nothing");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { s.get_object(plant, MESH_MODEL_VIEW_FULL, "DblAtt", "Tag1"); });

    mesh::object_list chimneys = s.search_objects(plant, "*[.Type=ChimneyElementType]");
    same(std::size_t(2), chimneys.size(), "chimneys");
    same(std::string("SomePowerPlantChimney1, SomePowerPlantChimney2"), names_of(chimneys), "chimney names");
    same(std::size_t(7), chimneys[0].attribute_count(), "a chimney's attributes");
    std::vector<std::string> iterated;
    for (const mesh::object &chimney : chimneys) iterated.push_back(chimney.id());
    same(std::size_t(2), iterated.size(), "iterated");
    same(chimneys[0].id() + chimneys[1].id(), iterated[0] + iterated[1], "in list order");
    same(std::size_t(0), s.search_objects(plant, "*[.Type=NoSuchType]").size(), "finding nothing");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { chimneys[2]; });
    mesh::object_list by_definition = s.search_objects_by_definition(
        "Repository/SimpleThermalTestRepository/ChimneyElementType", MESH_MODEL_VIEW_NO_ATTRIBUTES);
    same(names_of(chimneys), names_of(by_definition), "by definition");

    mesh::attribute_list raws = s.search_attributes(component_id, "{*}.TsRawAtt", MESH_MODEL_VIEW_NO_DEFINITIONS);
    same(std::size_t(3), raws.size(), "the plant's and both chimneys' TsRawAtt");
    bool plants = false;
    for (const mesh::attribute &a : raws) {
        same(std::string("TsRawAtt"), a.name(), "attribute name");
        plants = plants || a.path() == plant_attr("TsRawAtt");
    }
    check(plants, "the plant's TsRawAtt among them");

    const std::string reference_id = s.get_attribute(plant_attr("SimpleReference")).id();
    bool linked = false;
    for (const auto &r : s.linked_from(chimney2_id)) linked = linked || (r.id == reference_id && !r.path.empty());
    check(linked, "SimpleReference links to chimney 2");

    auto e = throws(MESH_ERROR_NOT_FOUND, [&] { s.get_object(model_path + "/NoSuchComponent"); });
    check(!e.library_message().empty(), "a message");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { s.get_object("neither id nor path"); });
}

void model_views_keep_their_owner_alive() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    std::vector<mesh::attribute> kept;
    std::string kept_path;
    mesh::object chimney = [&] {
        mesh::object_list chimneys = s.search_objects(plant, "*[.Type=ChimneyElementType]");
        kept.push_back(chimneys[0].attribute_named("DblAtt"));
        kept_path = chimneys[0].path() + ".DblAtt";
        return chimneys[1];
    }(); /* the list variable is gone: the views hold it */
    check(chimney.name().find("SomePowerPlantChimney") == 0, "an object of a dropped list");
    same(std::int32_t(MESH_ATTRIBUTE_VALUE_TYPE_DOUBLE), kept[0].value_type(), "an attribute of a dropped list");
    mesh::attribute dbl = s.get_object(plant).attribute_named("DblAtt"); /* of an object dropped */
    same(1000.0, dbl.as_double(), "an attribute of a dropped object");
    mesh::attribute_definition def = dbl.definition();
    dbl = s.get_attribute(plant_attr("Int64Att"));
    same(std::string("DoubleAttributeDefinition"), def.type_name(), "a definition of a dropped attribute");
    s.close();
    same(std::int64_t(64), dbl.as_int(), "valid after its session is closed");
    same(kept_path, kept[0].path(), "still readable");
    auto again = c.open_session();
    same(again.get_attribute(kept_path).as_double(), kept[0].as_double(), "the value it was read with");
}

void model_values_by_type_and_definitions() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    mesh::object p = s.get_object(plant);
    mesh::attribute dbl = p.attribute_named("DblAtt");
    same(std::int32_t(MESH_ATTRIBUTE_VALUE_TYPE_DOUBLE), dbl.value_type(), "double type");
    check(!dbl.is_collection(), "single");
    same(std::size_t(1), dbl.value_count(), "one value");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { dbl.as_int(); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { dbl.as_double(1); });
    same(std::int64_t(64), p.attribute_named("Int64Att").as_int(), "Int64Att");
    same(std::int32_t(MESH_ATTRIBUTE_VALUE_TYPE_INT), p.attribute_named("Int64Att").value_type(), "int type");
    check(p.attribute_named("BoolAtt").as_bool(), "BoolAtt");
    same(std::string("Default string value"), p.attribute_named("StringAtt").as_string(), "StringAtt");
    same(std::int64_t(1652167455000LL), p.attribute_named("UtcDateTimeAtt").as_utc_time(), "2022-05-10T07:24:15Z");
    mesh::attribute bools = p.attribute_named("BoolArrayAtt");
    check(bools.is_collection(), "a collection");
    std::vector<bool> expected_bools = {false, true, false, true, false};
    check(bools.bools() == expected_bools, "BoolArrayAtt");

    same(chimney1_id + ", " + chimney2_id, sorted_joined(p.attribute_named("PlantToChimneyRef").target_ids()),
         "owned chimneys");
    same(chimney2_id, p.attribute_named("SimpleReference").target_id(), "link");
    std::vector<mesh::link_version> versions = p.attribute_named("ReferenceSeriesAtt").versions();
    same(std::size_t(3), versions.size(), "versions");
    same(std::int64_t(1109721600000LL), versions[0].valid_from_ms, "2005-03-02");
    same(chimney2_id, versions[0].target_id, "to chimney 2");
    same(chimney1_id, versions[1].target_id, "then chimney 1");

    mesh::attribute raw = p.attribute_named("TsRawAtt");
    same(std::int32_t(MESH_ATTRIBUTE_VALUE_TYPE_TIMESERIES), raw.value_type(), "series type");
    std::unique_ptr<mesh::timeseries_resource> resource = raw.connected_resource();
    check(resource != nullptr, "a connected series");
    same(raw.timeseries_key(), resource->key(), "its key");
    same(std::int32_t(MESH_RESOLUTION_HOUR), resource->resolution(), "hourly");
    mesh::attribute calc = p.attribute_named("TsCalcAtt");
    check(calc.has_local_expression(), "a local expression");
    check(calc.timeseries_expression().find("DblAtt") != std::string::npos, calc.timeseries_expression());
    check(calc.connected_resource() == nullptr, "a calculated attribute has no series");

    check(dbl.has_definition(), "read with definitions");
    mesh::attribute_definition def = dbl.definition();
    same(std::string("Repository/SimpleThermalTestRepository/PlantElementType/DblAtt"), def.path(), "definition path");
    same(std::string("SimpleThermalTestRepository"), def.name_space(), "namespace");
    same(std::size_t(36), def.id().size(), "definition id");
    same(std::string(""), def.unit(), "no unit");
    same(std::string(""), def.description(), "no description");
    same(std::string("Tag1, Tag3"), sorted_joined(def.tags()), "tags");
    same(1000.0, def.default_double(), "default");
    same(-1.7976931348623157e308, def.minimum_double(), "minimum");
    same(1.7976931348623157e308, def.maximum_double(), "maximum");
    same(std::int64_t(1), def.minimum_cardinality(), "cardinality");
    same(std::int64_t(1), def.maximum_cardinality(), "cardinality");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { def.default_int(); });
    mesh::attribute_definition int_def = p.attribute_named("Int64Att").definition();
    same(std::int64_t(64), int_def.default_int(), "int default");
    same(std::numeric_limits<std::int64_t>::min(), int_def.minimum_int(), "int minimum");
    same(std::numeric_limits<std::int64_t>::max(), int_def.maximum_int(), "int maximum");
    same(std::int64_t(10), bools.definition().maximum_cardinality(), "BoolArrayAtt up to 10");
    check(p.attribute_named("BoolAtt").definition().default_bool(), "bool default");
    same(std::string("BooleanArrayAttributeDefinition"), bools.definition().type_name(), "bools definition");
    same(std::string("Array of bools"), bools.definition().description(), "description");
    same(std::string("Default string value"), p.attribute_named("StringAtt").definition().default_string(),
         "string default");
    mesh::attribute_definition time_def = p.attribute_named("UtcDateTimeAtt").definition();
    same(std::string("UTC20220510072415"), time_def.default_string(), "time default, as Mesh sends it");
    same(std::string(""), time_def.minimum_string(), "no minimum");
    same(std::string(""), time_def.maximum_string(), "no maximum");
    same(std::string("ChimneyElementType"), p.attribute_named("SimpleReference").definition().target_type_name(),
         "relation target type");
    check(!p.attribute_named("TsCalcAtt2").definition().template_expression().empty(), "a template");

    mesh::attribute bare = s.get_attribute(plant_attr("DblAtt"), MESH_MODEL_VIEW_NO_DEFINITIONS);
    check(!bare.has_definition(), "read without definitions");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { bare.definition().path(); });

    mesh::rating_curve curve = s.get_rating_curve(plant_attr("RatingCurveAtt"), 631152000000LL /* 1990 */,
                                                  1893456000000LL /* 2030 */);
    same(std::size_t(2), curve.size(), "rating curve versions");
    same(std::int64_t(946684800000LL), curve.valid_from(0), "from 2000-01-01");
    same(2.0, curve.x_range_from(0), "x range from");
    same(4.0, curve.x_range_from(1), "x range from");
    std::vector<mesh::rating_segment> segments = curve.segments(0);
    check(!segments.empty(), "segments");
    for (std::size_t i = 0; i < segments.size(); i++) {
        same((i + 1.0) * 10.0, segments[i].x_range_until, "bound");
        same(3.0 * i + 1, segments[i].factor_a, "a");
        same(3.0 * i + 3, segments[i].factor_c, "c");
    }
    mesh::xy_sets sets = s.get_xy_sets(plant_attr("XYSetAtt"));
    same(std::size_t(1), sets.size(), "one unversioned set");
    same(std::int64_t(MESH_TIME_NONE), sets.valid_from(0), "no time");
    same(std::size_t(0), sets.curves(0).size(), "empty");
}

void model_updates_seen_after_commit() {
    auto c = mesh::connection::connect(address);
    auto writer = c.open_session();
    auto reader = c.open_session();
    const std::string dbl = plant_attr("DblAtt");
    const double before = reader.get_attribute(dbl).as_double();
    writer.set_double(dbl, 1234.5);
    writer.set_int(plant_attr("Int64Att"), 65);
    writer.set_bool(plant_attr("BoolAtt"), false);
    writer.set_string(plant_attr("StringAtt"), "Tilløp ÆØÅ");
    writer.set_utc_time(plant_attr("UtcDateTimeAtt"), 1930003200000LL);
    writer.set_bools(plant_attr("BoolArrayAtt"), {true, true});
    same(1234.5, writer.get_attribute(dbl).as_double(), "seen in its session");
    same(before, reader.get_attribute(dbl).as_double(), "unseen elsewhere before commit");
    writer.commit();
    mesh::object p = reader.get_object(plant, MESH_MODEL_VIEW_NO_DEFINITIONS);
    same(1234.5, p.attribute_named("DblAtt").as_double(), "double after commit");
    same(std::int64_t(65), p.attribute_named("Int64Att").as_int(), "int");
    check(!p.attribute_named("BoolAtt").as_bool(), "bool");
    same(std::string("Tilløp ÆØÅ"), p.attribute_named("StringAtt").as_string(), "string, UTF-8 both ways");
    same(std::int64_t(1930003200000LL), p.attribute_named("UtcDateTimeAtt").as_utc_time(), "time");
    same(std::size_t(2), p.attribute_named("BoolArrayAtt").value_count(), "bools");
    writer.set_bools(plant_attr("BoolArrayAtt"), {});
    same(std::size_t(0), writer.get_attribute(plant_attr("BoolArrayAtt")).value_count(), "emptied");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { writer.set_string(dbl, "not a number"); });
    writer.set_double(dbl, before); /* leave the model as the other tests expect */
    writer.commit();

    /* Links, a new object, renamed, moved and deleted: all rolled back. */
    writer.set_links(plant_attr("SimpleReference"), {chimney1_id});
    same(chimney1_id, writer.get_attribute(plant_attr("SimpleReference")).target_id(), "link replaced");
    const std::string many = plant_attr("PlantToChimneyRefCollection");
    writer.set_links(many, {});
    same(std::size_t(0), writer.get_attribute(many).value_count(), "links cleared");
    writer.set_links(many, {chimney2_id}, true);
    writer.set_links(many, {chimney1_id}, true);
    same(chimney1_id + ", " + chimney2_id, sorted_joined(writer.get_attribute(many).target_ids()), "links appended");
    writer.set_link_versions(plant_attr("ReferenceSeriesAtt"), MESH_TIME_NONE, MESH_TIME_NONE,
                             {{1109721600000LL, chimney1_id}});
    same(std::size_t(1), writer.get_attribute(plant_attr("ReferenceSeriesAtt")).versions().size(), "one version");
    writer.set_link_version_entries(plant_attr("ReferenceSeriesCollectionAtt"),
                                    {{{946684800000LL, chimney1_id}}, {{946771200000LL, chimney2_id}}});
    same(std::size_t(2), writer.get_attribute(plant_attr("ReferenceSeriesCollectionAtt")).value_count(), "entries");
    mesh::object created = writer.create_object(plant_attr("PlantToChimneyRef"), "CppChimney");
    same(std::string("ChimneyElementType"), created.type_name(), "created type");
    same(plant_attr("PlantToChimneyRef") + "/CppChimney", created.path(), "created path");
    same(std::size_t(3), writer.search_objects(plant, "*[.Type=ChimneyElementType]").size(), "three chimneys");
    same(std::size_t(2), reader.search_objects(plant, "*[.Type=ChimneyElementType]").size(), "two elsewhere");
    writer.rename_object(created.id(), "Renamed");
    const std::string new_owner = plant_attr("PlantToChimneyRef") + "/SomePowerPlantChimney1.ChimneyToChimneyRef";
    writer.move_object(created.id(), new_owner);
    same(created.id(), writer.get_object(new_owner + "/Renamed").id(), "renamed and moved");
    writer.delete_object(created.id());
    throws(MESH_ERROR_NOT_FOUND, [&] { writer.get_object(created.id()); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { writer.delete_object(plant); });
    writer.set_expression(plant_attr("TsCalcAtt2"), "## = 1\n");
    check(writer.get_attribute(plant_attr("TsCalcAtt2")).has_local_expression(), "a local expression");
    const std::string raw_definition = writer.get_attribute(plant_attr("TsRawAtt")).definition().path();
    writer.update_attribute_definition(raw_definition, mesh::definition_update().template_expression("## = 2\n"));
    writer.update_attribute_definition(raw_definition, mesh::definition_update().description("Cpp"));
    mesh::attribute_definition changed = writer.get_attribute(plant_attr("TsRawAtt")).definition();
    same(std::string("## = 2\n"), changed.template_expression(), "definition's new template");
    same(std::string("Cpp"), changed.description(), "definition's new description");
    throws(MESH_ERROR_INVALID_ARGUMENT,
           [&] { writer.update_attribute_definition(raw_definition, mesh::definition_update()); });
    writer.set_timeseries_key(plant_attr("TsRawAtt"), 0);
    same(std::int64_t(0), writer.get_attribute(plant_attr("TsRawAtt")).timeseries_key(), "disconnected");
    writer.set_ints(plant_attr("Int64ArrayAtt"), {1, -2, 3});
    writer.set_doubles(plant_attr("DblArrayAtt"), {1.5, -0.25});
    writer.set_utc_times(plant_attr("UtcDateTimeArrayAtt"), {1930003200000LL, 1930003200123LL});
    writer.set_strings(plant_attr("StringArrayAtt"), {"a", "Ærø", ""});
    mesh::object arrays = writer.get_object(plant, MESH_MODEL_VIEW_NO_DEFINITIONS,
                                            "Int64ArrayAtt,DblArrayAtt,UtcDateTimeArrayAtt,StringArrayAtt");
    check(arrays.attribute_named("Int64ArrayAtt").ints() == std::vector<std::int64_t>({1, -2, 3}), "ints");
    check(arrays.attribute_named("DblArrayAtt").doubles() == std::vector<double>({1.5, -0.25}), "doubles");
    check(arrays.attribute_named("UtcDateTimeArrayAtt").utc_times() ==
              std::vector<std::int64_t>({1930003200000LL, 1930003200123LL}),
          "times");
    check(arrays.attribute_named("StringArrayAtt").strings() == std::vector<std::string>({"a", "Ærø", ""}),
          "strings");
    fails_with("singular value/collection", [&] { writer.set_ints(plant_attr("Int64Att"), {1, 2}); });
    writer.rollback();
    same(chimney2_id, writer.get_attribute(plant_attr("SimpleReference")).target_id(), "rolled back");

    /* XY sets and rating curves, built here and read back. */
    mesh::xy_sets sets;
    sets.add_set(MESH_TIME_NONE).add_curve(5.0, {1, 2, 3}, {10, 20, 30}).add_curve(6.0, {}, {});
    fails_with("x and y differ in length", [&] { sets.add_curve(1.0, {1}, {}); });
    writer.update_xy_sets(plant_attr("XYSetAtt"), MESH_TIME_NONE, MESH_TIME_NONE, sets);
    mesh::xy_sets got = writer.get_xy_sets(plant_attr("XYSetAtt"));
    std::vector<mesh::xy_curve> curves = got.curves(0);
    same(std::size_t(2), curves.size(), "curves");
    same(5.0, curves[0].reference_value, "z");
    same(3.0, curves[0].x.at(2), "x");
    same(30.0, curves[0].y.at(2), "y");
    same(std::size_t(0), curves[1].x.size(), "an empty curve");
    const std::int64_t y2001 = 978307200000LL, y2002 = 1009843200000LL;
    mesh::rating_curve rc;
    rc.add_version(y2001, 1.5, {{10, 1, 2, 3}, {20, 4, 5, 6}});
    writer.update_rating_curve(plant_attr("RatingCurveAtt"), y2001, y2002, rc);
    mesh::rating_curve rc_got = writer.get_rating_curve(plant_attr("RatingCurveAtt"), y2001, y2002);
    same(std::size_t(1), rc_got.size(), "one version");
    same(1.5, rc_got.x_range_from(0), "x range from");
    same(6.0, rc_got.segments(0).at(1).factor_c, "factor c");
    writer.rollback();
    same(std::size_t(0), writer.get_xy_sets(plant_attr("XYSetAtt")).curves(0).size(), "rolled back");
}

/* Two days of hourly values, all different, exact in binary so any order of addition gives the same sums. */
std::vector<mesh::point> two_days(std::int64_t start) {
    std::vector<mesh::point> pts;
    for (int i = 0; i < 48; i++)
        pts.push_back(mesh::point{start + i * hour, MESH_POINT_FLAG_OK, 10.0 + (i % 24) * 0.5 - (i / 24) * 3.25 + (i * 7) % 5});
    return pts;
}

void transform_to_day_sum() {
    const std::int64_t start = 1956528000000LL; /* 2032-01-01T00:00Z */
    const std::int64_t end = start + 48 * hour;
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    std::vector<mesh::point> pts = two_days(start);
    s.write_timeseries_by_key(key, start, end, pts); /* uncommitted: calculations see the session's own */
    double sums[2] = {0, 0};
    for (std::size_t i = 0; i < pts.size(); i++) sums[i / 24] += pts[i].value;
    auto days = [&](const mesh::points &got, const std::string &what) {
        same(std::size_t(2), got.size(), what + ": days");
        for (std::size_t d = 0; d < 2; d++) {
            same(start + std::int64_t(d) * 24 * hour, got[d].time_ms, what + ": day start");
            same(sums[d], got[d].value, what + ": sum");
            same(std::uint32_t(0), got[d].flags, what + ": flags");
        }
    };
    days(s.calc_transform(series_path, "", start, end, MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_SUM, MESH_TRANSFORM_ZONE_UTC),
         "@TRANSFORM");
    days(s.read_transformed_timeseries_by_key(key, start, end, MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_SUM, MESH_TRANSFORM_ZONE_UTC),
         "transformed read by key");
    days(s.read_transformed_timeseries_by_path(series_path, start, end, MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_SUM,
                                               MESH_TRANSFORM_ZONE_UTC),
         "transformed read by path");
    mesh::calc_result by_key = s.run_calculation_by_key(
        key, mesh::calc::transform_expression("", MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_SUM, MESH_TRANSFORM_ZONE_UTC), start, end);
    same(std::int32_t(MESH_CALC_RESULT_KIND_SERIES), by_key.kind(), "a series");
    same(std::size_t(1), by_key.size(), "one");
    same(std::int32_t(MESH_RESOLUTION_DAY), by_key.resolution(0), "daily");
    days(by_key.series(0), "the library's expression, by key");
    double total = s.calc_sum(series_path, "", start, end);
    same(sums[0] + sums[1], total, "sum of the series");

    /* Another session does not see the points. */
    auto other = c.open_session();
    mesh::points unseen =
        other.calc_transform(series_path, "", start, end, MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_SUM, MESH_TRANSFORM_ZONE_UTC);
    same(std::size_t(2), unseen.size(), "days elsewhere");
    check(std::isnan(unseen[0].value) && std::isnan(unseen[1].value), "no values elsewhere");

    throws(MESH_ERROR_INVALID_ARGUMENT, [&] {
        s.calc_transform(series_path, "", start, end, MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_IMPLICIT, MESH_TRANSFORM_ZONE_UTC);
    });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] {
        s.read_transformed_timeseries_by_key(key, end, start, MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_SUM);
    });
    throws(MESH_ERROR_NOT_FOUND, [&] {
        s.read_transformed_timeseries_by_id("6f1c7b2e-0d4c-4f5e-9a43-2b1d8c9e7f60", start, end, MESH_RESOLUTION_DAY,
                                            MESH_TRANSFORM_METHOD_SUM);
    });
}

void a_calculated_attribute_and_each_kind_of_result() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    const std::string raw_path = plant_attr("TsRawAtt");
    mesh::points raw = s.read_timeseries_by_path(raw_path, start_2016, end_2016);
    mesh::points calc = s.read_timeseries_by_path(plant + ".TsCalcAtt", start_2016, end_2016);
    const double dbl = s.get_attribute(plant_attr("DblAtt")).as_double();
    same(raw.size(), calc.size(), "as many points");
    int with_values = 0;
    double raw_sum = 0;
    for (std::size_t i = 0; i < raw.size(); i++) {
        same(raw[i].time_ms, calc[i].time_ms, "time");
        /* TsCalcAtt adds DblAtt (and nothing for no linked plants) to TsRawAtt; a missing raw value is left out. */
        same(std::isnan(raw[i].value) ? dbl : raw[i].value + dbl, calc[i].value, "calculated value");
        if (!std::isnan(raw[i].value)) {
            with_values++;
            raw_sum += raw[i].value;
        }
    }
    check(with_values >= 8, "raw values");

    /* A time series attribute read transformed by its id and by its path. */
    const std::string raw_id = s.get_attribute(raw_path, MESH_MODEL_VIEW_NO_DEFINITIONS).id();
    mesh::points by_id = s.read_transformed_timeseries_by_id(raw_id, day_2016, day_2016 + 24 * hour,
                                                             MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_MAX, MESH_TRANSFORM_ZONE_UTC);
    mesh::points by_path = s.read_transformed_timeseries_by_path(raw_path, day_2016, day_2016 + 24 * hour,
                                                                 MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_MAX, MESH_TRANSFORM_ZONE_UTC);
    same(std::size_t(1), by_id.size(), "one day");
    mesh::points day = s.read_timeseries_by_path(raw_path, day_2016, day_2016 + 24 * hour);
    double max = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < day.size(); i++)
        if (!std::isnan(day[i].value) && day[i].value > max) max = day[i].value;
    same(max, by_id[0].value, "the day's maximum, by id");
    same(max, by_path[0].value, "the day's maximum, by path");

    mesh::calc_result run = s.run_calculation(plant, "## = @t('.TsCalcAtt')\n", start_2016, end_2016);
    same(std::int32_t(MESH_CALC_RESULT_KIND_SERIES), run.kind(), "series");
    mesh::points ran = run.series(0);
    run = s.run_calculation(plant_id, "## = 1 + 2\n", start_2016, end_2016); /* the points outlive their result */
    same(calc.size(), ran.size(), "the expression run directly");
    check(same_points(calc, ran), "the same points");

    same(std::int32_t(MESH_CALC_RESULT_KIND_NUMBERS), run.kind(), "numbers");
    same(3.0, run.numbers().at(0), "1 + 2");
    same(raw_sum, s.calc_sum(raw_path, "", start_2016, end_2016), "sum of the raw series");
    mesh::calc_result summed = s.run_calculation(plant, mesh::calc::sum_expression(".TsRawAtt"), start_2016, end_2016);
    same(raw_sum, summed.number(0), "sum through the library's expression");

    const std::string text = "O'Neil's \"plant\" ; ## Ærø";
    mesh::calc_result strings =
        s.run_calculation(plant, "## = " + mesh::calc::quote(text) + "\n", start_2016, end_2016);
    same(std::int32_t(MESH_CALC_RESULT_KIND_STRINGS), strings.kind(), "strings");
    same(text, strings.strings().at(0), "quoted text read back whole");
    same(text, strings.string(0), "string");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { mesh::calc::quote("two\nlines"); });
    same(std::string("UTC20160101010000000"), mesh::calc::time_literal(start_2016), "time literal");

    /* The chimneys' series summed point by point. */
    mesh::points c1 = s.read_timeseries_by_path(plant + "/SomePowerPlantChimney1.TsRawAtt", start_2016, end_2016);
    mesh::points c2 = s.read_timeseries_by_path(plant + "/SomePowerPlantChimney2.TsRawAtt", start_2016, end_2016);
    mesh::points sum = s.calc_sum_list(plant, "PlantToChimneyRef/*.TsRawAtt", start_2016, end_2016);
    int compared = 0;
    for (std::size_t i = 0; i < sum.size(); i++) {
        double expected = 0;
        bool any = false;
        for (const mesh::points *r : {&c1, &c2})
            for (std::size_t j = 0; j < r->size(); j++)
                if ((*r)[j].time_ms == sum[i].time_ms && !std::isnan((*r)[j].value)) {
                    expected += (*r)[j].value;
                    any = true;
                }
        if (any) {
            same(expected, sum[i].value, "point-wise sum");
            compared++;
        }
    }
    check(compared >= 8, "sums compared");
    mesh::points listed =
        s.run_calculation(plant, mesh::calc::sum_list_expression("PlantToChimneyRef/*.TsRawAtt"), start_2016, end_2016)
            .series(0);
    check(same_points(sum, listed), "the same sum through the library's expression");

    /* No forecasts and no history in this model: empty lists, and the series as it is. */
    same(std::size_t(0), s.calc_all_forecasts(raw_path, "", start_2016, end_2016).size(), "no forecasts");
    same(std::size_t(0), s.calc_historical_versions(raw_path, "", start_2016, end_2016, 2).size(), "no history");
    /* A forecast through the call and through the library's expression, without and with a window. */
    const std::int64_t t0_min = day_2016 + 24 * hour, t0_max = day_2016 + 48 * hour, at = day_2016 + 5 * hour;
    mesh::points forecasts[2] = {s.calc_forecast(raw_path, "", start_2016, end_2016),
                                 s.calc_forecast(raw_path, "", start_2016, end_2016, t0_min, t0_max, at)};
    mesh::calc_result forecast_runs[2] = {
        s.run_calculation(plant, mesh::calc::forecast_expression(".TsRawAtt"), start_2016, end_2016),
        s.run_calculation(plant, mesh::calc::forecast_expression(".TsRawAtt", t0_min, t0_max, at), start_2016,
                          end_2016)};
    for (int i = 0; i < 2; i++)
        check(same_points(forecasts[i], forecast_runs[i].series(0)), "the same forecast through the expression");
    mesh::points as_of = s.calc_as_of_time(raw_path, "", start_2016, end_2016, at);
    check(same_points(raw, as_of), "as of a time: as it is");
    for (const std::string &e :
         {mesh::calc::all_forecasts_expression(".TsRawAtt"), mesh::calc::historical_versions_expression(".TsRawAtt", 2)}) {
        same(std::size_t(0), s.run_calculation(plant, e, start_2016, end_2016).size(), e);
    }
    mesh::points run_as_of =
        s.run_calculation(plant, mesh::calc::as_of_time_expression(".TsRawAtt", at), start_2016, end_2016).series(0);
    check(same_points(raw, run_as_of), "as of a time, through the library's expression");

    auto refused =
        throws(MESH_ERROR_INVALID_ARGUMENT, [&] { s.run_calculation(plant, "## = (1 +\n", start_2016, end_2016); });
    check(refused.library_message().find("line 1") != std::string::npos, refused.library_message());
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { s.run_calculation(plant, "## = 1\n", end_2016, start_2016); });
}

/* ------------------------------------------------------------ availability
 * Events on the second chimney of the default model (the other tests leave
 * its events alone). */

const std::int64_t day = 24 * hour;
const std::int64_t jan_2023 = 1672531200000LL; /* 2023-01-01T00:00Z, a Sunday */

void availability_revisions() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    auto other = c.open_session();
    const std::string target = chimney2_id;

    mesh::availability_event created = s.create_revision(
        target, "cpp-revision", "local", "Tilløp ÆØÅ",
        mesh::event_record().created_author("Bjørn").created_ms(jan_2023).last_changed_author(""));
    check(created.is_revision(), "a revision");
    same(std::int32_t(MESH_AVAILABILITY_EVENT_TYPE_REVISION), created.type(), "type");
    same(chimney2_id, created.owner_id(), "owner");
    same(std::string("cpp-revision"), created.event_id(), "event id");
    same(std::string("local"), created.local_id(), "local id");
    same(std::string("Tilløp ÆØÅ"), created.reason(), "UTF-8 reason");
    same(std::string("Bjørn"), created.created_author(), "created author");
    same(jan_2023, created.created_ms(), "created at");
    same(std::string(""), created.last_changed_author(), "an empty author is taken as given");
    same(std::size_t(0), created.recurrence_count(), "no recurrences yet");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { created.category(); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { created.value(); });

    /* Daily, every 2 days, the first 8 hours of 1 January. */
    mesh::recurrence daily;
    daily.status = "Planned";
    daily.description = "every other morning";
    daily.type = MESH_RECURRENCE_TYPE_DAILY;
    daily.every = 2;
    daily.until_ms = jan_2023 + 9 * day;
    std::uint32_t first = s.add_revision_recurrence(target, "cpp-revision", daily, jan_2023, jan_2023 + 8 * hour);
    mesh::recurrence once;
    once.status = "Confirmed";
    std::uint32_t second =
        s.add_revision_recurrence(target, "cpp-revision", once, jan_2023 + 20 * day, jan_2023 + 21 * day, "Ola");
    check(first != second, "recurrence ids differ");
    same(std::size_t(0), created.recurrence_count(), "a snapshot: read again to see them");

    mesh::availability_event read = s.get_availability_event(target, "cpp-revision");
    same(std::size_t(2), read.recurrence_count(), "two recurrences");
    same(first, read.recurrence_id(0), "first id");
    mesh::recurrence r = read.recurrence_at(0);
    same(std::string("Planned"), r.status, "status");
    same(std::string("every other morning"), r.description, "description");
    same(std::int32_t(MESH_RECURRENCE_TYPE_DAILY), r.type, "type");
    same(std::uint32_t(2), r.every, "every");
    same(jan_2023 + 9 * day, r.until_ms, "until");
    same(jan_2023, read.first_period(0).start_ms, "first period start");
    same(jan_2023 + 8 * hour, read.first_period(0).end_ms, "first period end");
    same(std::int32_t(MESH_RECURRENCE_TYPE_NONE), read.recurrence_at(1).type, "once");
    same(std::uint32_t(0), read.recurrence_at(1).every, "every not set");
    same(std::int64_t(MESH_TIME_NONE), read.recurrence_at(1).until_ms, "until not set");
    same(std::string("Ola"), read.last_changed_author(), "the change's author");
    /* Both ended before now: no instance in force or to come. */
    same(std::int64_t(MESH_TIME_NONE), read.active_period(0).start_ms, "no active instance");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { read.recurrence_at(2); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { read.is_complex(); });

    /* Instances in January: days 1, 3, 5, 7, 9 in the morning, and day 21. */
    std::vector<mesh::availability_instance> instances =
        s.search_instances(target, "cpp-revision", jan_2023, jan_2023 + 31 * day);
    same(std::size_t(6), instances.size(), "instances");
    for (std::size_t i = 0; i < 5; i++) {
        same(jan_2023 + std::int64_t(2 * i) * day, instances[i].start_ms, "start");
        same(instances[i].start_ms + 8 * hour, instances[i].end_ms, "end");
        check(!instances[i].has_value, "a revision's instance has no value");
    }
    same(jan_2023 + 20 * day, instances[5].start_ms, "the single one");
    same(std::size_t(0), s.search_instances(target, "cpp-revision", jan_2023 + 22 * day, jan_2023 + 31 * day).size(),
         "none after");

    /* Isolation until commit; searches of several objects. */
    same(std::size_t(0), other.search_availability_events(MESH_AVAILABILITY_EVENT_TYPE_ALL, {target}).size(),
         "unseen before commit");
    s.commit();
    mesh::availability_event_list found =
        other.search_availability_events(MESH_AVAILABILITY_EVENT_TYPE_REVISION, {chimney1_id, target});
    same(std::size_t(1), found.size(), "seen after commit");
    same(std::string("cpp-revision"), found[0].event_id(), "the revision");
    mesh::availability_event kept = found[0];
    same(std::size_t(0), other.search_availability_events(MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION, {target}).size(),
         "no restrictions");

    s.update_revision(target, "cpp-revision", mesh::revision_update().reason("moved").author("Kari"));
    s.delete_revision_recurrence(target, "cpp-revision", second);
    mesh::availability_event updated = s.get_availability_event(target, "cpp-revision");
    same(std::string("moved"), updated.reason(), "new reason");
    same(std::string("local"), updated.local_id(), "local id left");
    same(std::size_t(1), updated.recurrence_count(), "one recurrence left");
    same(first, updated.recurrence_id(0), "the first");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { s.update_revision(target, "cpp-revision", mesh::revision_update()); });
    throws(MESH_ERROR_NOT_FOUND, [&] { s.delete_revision_recurrence(target, "cpp-revision", 99); });

    s.delete_availability_events_by_id(target, {"cpp-revision"});
    throws(MESH_ERROR_NOT_FOUND, [&] { s.get_availability_event(target, "cpp-revision"); });
    throws(MESH_ERROR_NOT_FOUND, [&] { s.delete_availability_events_by_id(target, {"cpp-revision"}); });
    s.commit();
    same(std::size_t(0), other.search_availability_events(MESH_AVAILABILITY_EVENT_TYPE_ALL, {target}).size(),
         "gone after commit");
    found = other.search_availability_events(MESH_AVAILABILITY_EVENT_TYPE_ALL, {target});
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { found[0]; });
    /* A view outlives its list (replaced above) and its session. */
    other.close();
    same(std::string("Tilløp ÆØÅ"), kept.reason(), "a snapshot of when it was read");
    throws(MESH_ERROR_INVALID_ARGUMENT,
           [&] { s.search_availability_events(MESH_AVAILABILITY_EVENT_TYPE_ALL, std::vector<std::string>()); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { s.search_availability_events(7, {target}); });
}

void availability_restrictions() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    const std::string target = chimney2_id;

    mesh::recurrence weekly;
    weekly.status = "SelfImposed";
    weekly.description = "weekly";
    weekly.type = MESH_RECURRENCE_TYPE_WEEKLY;
    weekly.every = 1;
    weekly.until_ms = jan_2023 + 28 * day;
    mesh::availability_event basic = s.create_restriction(
        target, "cpp-basic", "DischargeMin[m3/s]",
        mesh::restriction_recurrence::basic(weekly, jan_2023 + day, jan_2023 + 2 * day, 75.5), "b", "why");
    check(!basic.is_revision(), "a restriction");
    same(std::string("DischargeMin[m3/s]"), basic.category(), "category");
    check(!basic.is_complex(), "basic");
    same(75.5, basic.value(), "value");
    same(std::size_t(1), basic.recurrence_count(), "a restriction has one recurrence");
    same(jan_2023 + day, basic.first_period().start_ms, "period start");
    same(std::string("weekly"), basic.recurrence_at(0).description, "description");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { basic.recurrence_id(0); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { basic.points(); });

    mesh::recurrence once;
    once.status = "SelfImposed";
    std::vector<mesh::time_point> curve = {
        {jan_2023 + 8 * hour, 80.0}, {jan_2023 + 12 * hour, 60.0}, {jan_2023 + 16 * hour, 0.0}};
    mesh::availability_event complex =
        s.create_restriction(target, "cpp-complex", "DischargeMax[m3/s]",
                             mesh::restriction_recurrence::complex_curve(once, curve));
    check(complex.is_complex(), "complex");
    std::vector<mesh::time_point> points = complex.points();
    same(std::size_t(3), points.size(), "points");
    same(jan_2023 + 12 * hour, points[1].time_ms, "a point's time");
    same(60.0, points[1].value, "a point's value");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { complex.value(); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { complex.first_period(); });

    std::vector<mesh::availability_instance> weeks =
        s.search_instances(target, "cpp-basic", jan_2023, jan_2023 + 31 * day);
    same(std::size_t(4), weeks.size(), "four Mondays");
    same(jan_2023 + 22 * day, weeks[3].start_ms, "the fourth");
    check(weeks[3].has_value && weeks[3].value == 75.5, "a restriction's instance has its value");
    std::vector<mesh::availability_instance> steps =
        s.search_instances(target, "cpp-complex", jan_2023, jan_2023 + day);
    same(std::size_t(2), steps.size(), "two steps");
    check(steps[1].has_value && steps[1].value == 60.0, "the second step's value");
    same(jan_2023 + 16 * hour, steps[1].end_ms, "the last point ends the curve");

    s.update_restriction(target, "cpp-basic",
                         mesh::restriction_update()
                             .category("DischargeMax[m3/s]")
                             .recurrence(mesh::restriction_recurrence::basic(once, jan_2023, jan_2023 + day, 50.0))
                             .author("Kari"));
    mesh::availability_event changed = s.get_availability_event(target, "cpp-basic");
    same(std::string("DischargeMax[m3/s]"), changed.category(), "new category");
    same(50.0, changed.value(), "new value");
    same(std::string("b"), changed.local_id(), "local id left");
    same(std::string("Kari"), changed.last_changed_author(), "author");
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { s.update_restriction(target, "cpp-basic", mesh::restriction_update()); });

    same(std::size_t(2), s.search_availability_events(MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION, {target}).size(),
         "two restrictions");
    s.delete_availability_events(target, MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION);
    same(std::size_t(0), s.search_availability_events(MESH_AVAILABILITY_EVENT_TYPE_ALL, {target}).size(),
         "deleted by type");

    /* Checked when made, before any request. */
    throws(MESH_ERROR_INVALID_ARGUMENT,
           [&] { mesh::restriction_recurrence::basic(once, jan_2023 + day, jan_2023, 1.0); });
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] {
        mesh::restriction_recurrence::complex_curve(once, std::vector<mesh::time_point>{{jan_2023, 1.0}});
    });
    mesh::recurrence unknown;
    unknown.type = 9;
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { s.add_revision_recurrence(target, "x", unknown, jan_2023, jan_2023 + day); });
}

/* ------------------------------------------------------ asynchronous calls */

/* A mesh::pending used when empty: the wrapper's own refusal. */
template <class F>
void refused_as_empty(F f) {
    try {
        f();
    } catch (const mesh::error &e) {
        same(mesh::status_name(MESH_ERROR_INVALID_HANDLE), mesh::status_name(e.status()), e.what());
        return;
    }
    throw check_failed("expected MESH_ERROR_INVALID_HANDLE from an empty mesh::pending");
}

void same_points(const mesh::points &expected, const mesh::points &got, const std::string &what) {
    same(expected.size(), got.size(), what + ": count");
    for (std::size_t i = 0; i < got.size(); i++) {
        same(expected[i].time_ms, got[i].time_ms, what + ": time");
        same(expected[i].flags, got[i].flags, what + ": flags");
        check(same_bits(expected[i].value, got[i].value), what + ": value");
    }
}

const std::int64_t demo_start = 1735689600000LL; /* 2025-01-01T00:00Z */
const std::int64_t demo_end = demo_start + 7 * 24 * hour;

void async_calls_give_what_blocking_ones_do() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    mesh::points blocking = s.read_timeseries_by_key(demo_key, demo_start, demo_end);
    check(blocking.size() > 100, "the demo week has points");
    mesh::pending<mesh::points> p = s.read_timeseries_by_key_async(demo_key, demo_start, demo_end);
    check(p.valid(), "valid while pending");
    check(p.wait_for(std::chrono::seconds(10)) == std::future_status::ready, "ready in time");
    check(p.ready(), "ready() once waited for");
    same_points(blocking, p.get(), "by key");
    check(!p.valid(), "empty after get()");
    refused_as_empty([&] { p.get(); });
    refused_as_empty([&] { p.ready(); });
    refused_as_empty([&] { p.cancel(); });

    same_points(s.read_timeseries_by_path("Resource/Demo/Inflow", demo_start, demo_end),
                s.read_timeseries_by_path_async("Resource/Demo/Inflow", demo_start, demo_end).get(), "by path");
    same_points(s.read_transformed_timeseries_by_key(demo_key, demo_start, demo_end, MESH_RESOLUTION_DAY,
                                                     MESH_TRANSFORM_METHOD_AVG),
                s.read_transformed_timeseries_by_key_async(demo_key, demo_start, demo_end, MESH_RESOLUTION_DAY,
                                                           MESH_TRANSFORM_METHOD_AVG)
                    .get(),
                "transformed");

    /* Writes in the session, seen by its own reads, gone after rollback. */
    const std::int64_t start = 1961625600000LL; /* 2032-03-01T00:00Z */
    std::vector<mesh::point> pts;
    for (int i = 0; i < 6; i++) pts.push_back(mesh::point{start + i * hour, 0u, 7.25 * i});
    {
        /* The points may go once the call has started: it has its own copy. */
        std::vector<mesh::point> copy = pts;
        mesh::pending<void> written = s.write_timeseries_by_key_async(key, start, start + 6 * hour, copy);
        copy.assign(copy.size(), mesh::point{0, 0u, -1.0});
        written.get();
    }
    mesh::points seen = s.read_timeseries_by_key_async(key, start, start + 6 * hour).get();
    same(std::size_t(6), seen.size(), "written points");
    same(7.25 * 5, seen[5].value, "a written value");
    s.rollback_async().get();
    check(std::isnan(s.read_timeseries_by_key_async(key, start, start + 6 * hour).get()[5].value),
          "rolled back");
    check(s.extend_async().get().count() > 0, "extend: the server's timeout");
    same(s.get_timeseries_resource(demo_key).path(), s.get_timeseries_resource_async(demo_key).get().path(),
         "a resource");
    same(s.list_units().size(), s.list_units_async().get().size(), "units");
    same(s.get_object(plant).id(), s.get_object_async(plant).get().id(), "an object");
    check(same_bits(s.calc_sum(plant_attr("TsRawAtt"), "", start_2016, end_2016),
                    s.calc_sum_async(plant_attr("TsRawAtt"), "", start_2016, end_2016).get()),
          "a sum");

    /* What the library checks before a call starts is refused at once... */
    throws(MESH_ERROR_INVALID_ARGUMENT, [&] { c.attach_session_async("not-an-id"); });
    /* ...the rest when the result is taken; either way as the blocking call refuses it. */
    throws(MESH_ERROR_INVALID_ARGUMENT,
           [&] { s.read_timeseries_by_key_async(demo_key, demo_end, demo_start).get(); });
    /* The server's refusal comes with get(). */
    auto missing = s.read_timeseries_by_path_async("Resource/Tilløp/Mangler", 0, 1);
    auto e = throws(MESH_ERROR_NOT_FOUND, [&] { missing.get(); });
    check(e.library_message().find("Tilløp/Mangler") != std::string::npos, e.library_message());
    check(!missing.valid(), "empty after a failed get()");

    /* A connection and its sessions, opened without blocking. */
    mesh::connection other = mesh::connection::connect_async(address).get();
    same(server_version, other.server_version(), "server version");
    mesh::session opened = other.open_session_async().get();
    same(std::size_t(36), opened.id().size(), "an opened session's id");
    std::string id = opened.id();
    opened.detach();
    mesh::session attached = other.attach_session_async(id).get();
    same(id, attached.id(), "attached");
    attached.commit_async().get();
    attached.close_async().get();
    check(attached.get() == nullptr, "handle released by close_async()");
    throws(MESH_ERROR_SESSION_NOT_FOUND, [&] { other.attach_session_async(id).get(); });
}

void many_calls_at_once() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    const std::size_t expected = s.read_timeseries_by_key(demo_key, demo_start, demo_end).size();
    std::vector<mesh::pending<mesh::points>> calls;
    for (int i = 0; i < 200; i++)
        calls.push_back(s.read_timeseries_by_key_async(demo_key, demo_start, demo_end - (i % 24) * hour));
    for (std::size_t i = 0; i < calls.size(); i++) {
        mesh::points got = calls[i].get();
        same(expected - i % 24, got.size(), "read " + std::to_string(i));
    }
}

void futures_are_fulfilled_on_the_callback_thread() {
    auto c = mesh::connection::connect(address);
    auto s = c.open_session();
    const std::size_t expected = s.read_timeseries_by_key(demo_key, demo_start, demo_end).size();

    std::vector<std::future<mesh::points>> futures;
    for (int i = 0; i < 20; i++) futures.push_back(s.read_timeseries_by_key_async(demo_key, demo_start, demo_end).to_future());
    for (auto &f : futures) {
        check(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready, "fulfilled");
        same(expected, f.get().size(), "a future's points");
    }
    /* Failures arrive as the exception get() throws. */
    std::future<mesh::points> missing = s.read_timeseries_by_path_async("Resource/Tilløp/Mangler", 0, 1).to_future();
    throws(MESH_ERROR_NOT_FOUND, [&] { missing.get(); });
    std::future<void> committed = s.commit_async().to_future();
    committed.get();

    /* then(): once, on a library thread, with a ready pending. */
    std::mutex m;
    std::condition_variable cv;
    std::thread::id thread;
    bool was_ready = false, called = false;
    std::size_t got = 0;
    int calls = 0;
    mesh::pending<mesh::points> p = s.read_timeseries_by_key_async(demo_key, demo_start, demo_end);
    std::move(p).then([&](mesh::pending<mesh::points> done) {
        bool ready = done.ready();
        std::size_t n = done.get().size();
        std::lock_guard<std::mutex> lock(m);
        thread = std::this_thread::get_id();
        was_ready = ready;
        got = n;
        calls++;
        called = true;
        cv.notify_all();
    });
    check(!p.valid(), "then() takes the operation");
    refused_as_empty([&] { std::move(p).to_future(); });
    {
        std::unique_lock<std::mutex> lock(m);
        check(cv.wait_for(lock, std::chrono::seconds(10), [&] { return called; }), "called back");
        check(thread != std::this_thread::get_id(), "on a library thread");
        check(was_ready, "with a ready pending");
        same(expected, got, "the handler's points");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    {
        std::lock_guard<std::mutex> lock(m);
        same(1, calls, "once");
    }

    /* A handler that does not take the result leaves nothing behind; one that throws is contained. */
    std::atomic<int> reported(0), dropped(0);
    mesh::set_callback_error_handler([&](std::exception_ptr) { reported++; });
    s.read_timeseries_by_key_async(demo_key, demo_start, demo_end).then([&](mesh::pending<mesh::points>) { dropped++; });
    s.extend_async().then([](mesh::pending<std::chrono::milliseconds>) { throw std::logic_error("handler failed"); });
    check(wait_until([&] { return dropped.load() == 1 && reported.load() == 1; }, 10000), "both ran");
    mesh::set_callback_error_handler(nullptr);

    /* A future of a session closed meanwhile is cancelled. */
    auto slow = mesh::connection::connect(slow_address);
    auto held = slow.open_session();
    std::future<void> commit = held.commit_async().to_future();
    check(commit.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout, "held by the server");
    held.close();
    check(commit.wait_for(std::chrono::seconds(2)) == std::future_status::ready, "completed by close()");
    try {
        commit.get();
        throw check_failed("expected mesh::cancelled");
    } catch (const mesh::cancelled &e) {
        same(MESH_ERROR_CANCELLED, e.status(), "status");
    }
}

void cancel_completes_a_call_at_once() {
    auto c = mesh::connection::connect(slow_address);
    mesh::session s = c.open_session();
    mesh::pending<void> commit = s.commit_async();
    check(commit.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout, "held by the server");
    check(!commit.ready(), "not ready while held");
    auto cancelled_at = std::chrono::steady_clock::now();
    commit.cancel();
    check(commit.ready(), "ready at once");
    commit.cancel(); /* a completed call stays as it is */
    try {
        commit.get();
        throw check_failed("expected mesh::cancelled");
    } catch (const mesh::cancelled &e) {
        same(MESH_ERROR_CANCELLED, e.status(), "status");
        check(std::string(e.what()).find("MESH_ERROR_CANCELLED: mesh_") == 0, e.what());
    }
    check(std::chrono::steady_clock::now() - cancelled_at < std::chrono::seconds(2), "promptly");
    check(!s.is_expired(), "the session goes on");
    check(s.extend().count() > 0, "and answers");
    same(std::size_t(24), s.read_timeseries_by_key(demo_key, demo_start, demo_start + 24 * hour).size(),
         "a read after the cancelled commit");

    /* Blocking calls interrupted throw mesh::cancelled too. */
    std::atomic<bool> caught(false);
    std::thread worker([&] {
        try {
            s.commit();
        } catch (const mesh::cancelled &) {
            caught = true;
        } catch (const mesh::error &) {
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    s.interrupt();
    worker.join();
    check(caught.load(), "mesh::cancelled from an interrupted blocking call");
}

void an_unfinished_pending_is_dropped() {
    auto c = mesh::connection::connect(slow_address);
    mesh::session s = c.open_session();
    auto dropped_at = std::chrono::steady_clock::now();
    {
        mesh::pending<void> commit = s.commit_async();
        check(commit.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout, "held");
    } /* cancelled and freed */
    check(std::chrono::steady_clock::now() - dropped_at < std::chrono::seconds(2), "dropped promptly");
    {
        /* Completed, never taken: the points are freed with it. */
        mesh::pending<mesh::points> read = s.read_timeseries_by_key_async(demo_key, demo_start, demo_end);
        read.wait();
    }
    {
        /* Moved over: the old call is dropped, the new one kept. */
        mesh::pending<void> a = s.commit_async();
        mesh::pending<mesh::points> b = s.read_timeseries_by_key_async(demo_key, demo_start, demo_end);
        mesh::pending<mesh::points> moved = std::move(b);
        check(!b.valid() && moved.valid(), "moved");
        refused_as_empty([&] { b.wait(); });
        moved = s.read_timeseries_by_key_async(demo_key, demo_start, demo_start + hour);
        same(std::size_t(1), moved.get().size(), "the second read");
        a = mesh::pending<void>();
        check(!a.valid(), "emptied");
    }
    {
        /* A call whose session was closed under it is cancelled. */
        mesh::session other = c.open_session();
        mesh::pending<void> commit = other.commit_async();
        other.close();
        throws(MESH_ERROR_CANCELLED, [&] { commit.get(); });
    }
    {
        /* Kept past its session's destructor. */
        mesh::pending<void> commit;
        {
            mesh::session other = c.open_session();
            commit = other.commit_async();
        }
        check(commit.wait_for(std::chrono::seconds(2)) == std::future_status::ready, "completed by the destructor");
        throws(MESH_ERROR_CANCELLED, [&] { commit.get(); });
    }
    check(!s.is_expired(), "the session goes on");
    check(s.extend_async().get().count() > 0, "and answers");
}

void async_connect_keeps_its_token_provider() {
    std::atomic<int> asked(0);
    mesh::pending<mesh::connection> connecting = [&] {
        mesh::options o;
        o.tls_root_certificate_file(root_pem).tls_server_name(server_name).token_provider([&] {
            ++asked;
            return token2;
        });
        return mesh::connection::connect_async(tls_address, o);
    }(); /* the options are gone; the call keeps the provider */
    mesh::connection c = connecting.get();
    check(asked.load() >= 1, "asked when connecting");
    same(display_name, c.user_identity_async().get().display_name, "identity");
    mesh::session s = c.open_session_async().get();
    s.commit_async().get();
    s.close_async().get();
}

void shutdown_cancels_pending_calls() {
    auto c = mesh::connection::connect(slow_address);
    auto s = c.open_session();
    auto other = c.open_session();
    std::future<void> commit = s.commit_async().to_future();
    mesh::pending<void> held = other.commit_async();
    check(commit.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout, "held by the server");
    mesh::shutdown();
    check(commit.wait_for(std::chrono::seconds(0)) == std::future_status::ready, "fulfilled before shutdown returned");
    throws(MESH_ERROR_CANCELLED, [&] { commit.get(); });
    /* Its operation is gone with the library's state, or cancelled: never a crash. */
    try {
        held.get();
        throw check_failed("expected a failure after shutdown");
    } catch (const mesh::error &e) {
        check(e.status() == MESH_ERROR_CANCELLED || e.status() == MESH_ERROR_INVALID_HANDLE, e.what());
    }
    /* And the library serves again. */
    auto again = mesh::connection::connect_async(address).get();
    auto fresh = again.open_session_async().get();
    fresh.commit_async().get();
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 10) {
        std::cerr << "usage: hpp_test ADDRESS TLS_ADDRESS ROOT_PEM SERVER_NAME TOKEN1 TOKEN2 DISPLAY_NAME "
                     "SERVER_VERSION SLOW_ADDRESS\n";
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
    slow_address = argv[9];

    test("versions and status names", versions);
    test("connect, server version, errors carry status and message", connect_and_errors);
    test("session lifecycle and moves", session_lifecycle_and_moves);
    test("interrupt cancels a call waiting on another thread", interrupt_cancels_a_call_in_flight);
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
    test("log: INFO and DEBUG messages reach set_log's handler on a library thread; clear_log stops it",
         the_log_reaches_its_handler);
    test("log: levels filter, bad levels throw, throws are reported, replacing waits, a handler replaces itself",
         log_levels_throws_and_replacement);
    test("Kerberos without a KDC: names, plain HTTP/2, one way to sign in", kerberos_without_a_kdc);
    test("catalog: a demo series' resource info", resource_info_of_a_demo_series);
    test("units by index and name", units_by_index_and_name);
    test("catalog: create, write by path, update, commit", create_write_update_commit);
    test("delete by key and path, seen after commit", delete_by_key_and_path);
    test("the dead connection timeout is an option", dead_connection_timeout_is_an_option);
    test("model: objects by path and id, searches, attribute searches, links", model_objects_get_and_search);
    test("model: views keep their list, object or attribute alive", model_views_keep_their_owner_alive);
    test("model: values by type, relations, series, definitions, curves", model_values_by_type_and_definitions);
    test("model: updates seen after commit; objects, links, XY sets, curves", model_updates_seen_after_commit);
    test("calculations: a transform to DAY/SUM matches sums of the hours", transform_to_day_sum);
    test("calculations: a calculated attribute, numbers, strings, helpers", a_calculated_attribute_and_each_kind_of_result);
    test("availability: revisions, recurrences, instances, isolation, updates", availability_revisions);
    test("availability: basic and complex restrictions, values, updates", availability_restrictions);
    test("async: each call gives what the blocking one does", async_calls_give_what_blocking_ones_do);
    test("async: 200 calls started at once, then taken", many_calls_at_once);
    test("async: futures and then() on the callback thread", futures_are_fulfilled_on_the_callback_thread);
    test("async: cancel() completes a held commit at once; the session goes on", cancel_completes_a_call_at_once);
    test("async: an unfinished pending is dropped, cancelled, moved over", an_unfinished_pending_is_dropped);
    test("async: connect keeps its token provider until taken", async_connect_keeps_its_token_provider);
    test("async: mesh::shutdown cancels what is pending", shutdown_cancels_pending_calls);
    test("shutdown and restart", shutdown_and_restart);
    test("the README example runs", [] { readme_example(address); });
    test("the README model and calculation example runs", [] { readme_model_example(address); });
    test("the README asynchronous example runs", [] {
        mesh::connection connection = mesh::connection::connect(address);
        mesh::session session = connection.open_session();
        check(readme_async_example(session) > 0, "the asynchronous README example read points");
    });

    std::cout << passed << " passed, " << failed << " failed" << std::endl;
    mesh_library_shutdown();
    return failed == 0 ? 0 : 1;
}
