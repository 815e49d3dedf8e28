/*
 * mesh_capi.hpp: a header-only C++ wrapper of mesh_capi.h (C++14 or later).
 *
 * - RAII: mesh::options, mesh::connection, mesh::session, mesh::points,
 *   mesh::timeseries_resource and mesh::units own their handles and free
 *   them in their destructors; they move, never copy.
 * - Errors: every failure throws mesh::error, carrying the mesh_status and
 *   the library's message.
 * - Text: std::string in and out, UTF-8.
 * - Callbacks (expiry handlers, token providers) are std::functions whose
 *   lifetime the wrapper manages: the library holds only a number, never a
 *   pointer to them. session::close(), detach(), on_expired() and the
 *   destructor return only once a running handler has finished (unless
 *   called from inside it): the library promises that for the calls they
 *   make. A token provider lives as long as any options, connection or
 *   session that may call it, and the last of them to go waits for a call
 *   of it that is running. Exceptions thrown by callbacks never cross into
 *   the library: they go to the handler set with
 *   mesh::set_callback_error_handler, or are dropped.
 * - Numbers the C API defines as macros (MESH_CURVE_*, MESH_RESOLUTION_*,
 *   MESH_FLAG_*) are used as they are: a server may send values newer than
 *   this header.
 *
 * Every class is as thread-safe as the C API: any thread may use any object,
 * except that moving or destroying one must not race with its use.
 */
#ifndef MESH_CAPI_HPP
#define MESH_CAPI_HPP

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mesh_capi.h"

namespace mesh {

/* ------------------------------------------------------------------ errors */

/** A failed call: what() is "STATUS_NAME: message". */
class error : public std::runtime_error {
public:
    error(mesh_status status, const std::string &message)
        : std::runtime_error(std::string(mesh_status_name(status)) + ": " + message),
          status_(status), message_(message) {}

    mesh_status status() const noexcept { return status_; }
    /** The library's own message (mesh_last_error_message). */
    const std::string &library_message() const noexcept { return message_; }

private:
    mesh_status status_;
    std::string message_;
};

inline std::string status_name(mesh_status status) { return mesh_status_name(status); }

/** The library's version, e.g. "0.1.0" (MESH_CAPI_VERSION_STRING is the header's). */
inline std::string library_version() { return mesh_library_version(); }

namespace detail {

inline std::string last_error_message() {
    std::size_t n = mesh_last_error_message(nullptr, 0);
    std::string text(n + 1, '\0');
    mesh_last_error_message(&text[0], text.size());
    text.resize(n);
    return text;
}

inline void check(mesh_status status) {
    if (status != MESH_OK) throw error(status, last_error_message());
}

/** Calls f(buf, cap, &len) by the buffer convention, growing the buffer once. */
template <class F>
std::string read_text(F f) {
    std::string text(64, '\0');
    std::size_t len = 0;
    mesh_status status = f(&text[0], text.size(), &len);
    if (status == MESH_ERROR_BUFFER_TOO_SMALL) {
        text.assign(len + 1, '\0');
        status = f(&text[0], text.size(), &len);
    }
    check(status);
    text.resize(len);
    return text;
}

/* Where exceptions thrown by callbacks go. */
inline std::mutex &callback_error_mutex() {
    static std::mutex m;
    return m;
}
inline std::function<void(std::exception_ptr)> &callback_error_handler() {
    static std::function<void(std::exception_ptr)> handler;
    return handler;
}
inline void report(std::exception_ptr e) noexcept {
    try {
        std::function<void(std::exception_ptr)> handler;
        {
            std::lock_guard<std::mutex> lock(callback_error_mutex());
            handler = callback_error_handler();
        }
        if (handler) handler(e);
    } catch (...) {
        /* a failing error handler has nowhere left to report to */
    }
}

/*
 * Callbacks are found through a number the library passes back as
 * user_data, never a pointer: a call that comes late finds nothing instead
 * of freed memory, and a call that is running holds a shared_ptr to its
 * state, so a handler that closes its own session (the library does not
 * wait for a callback from inside it), or one still running after a
 * mesh_shutdown that timed out, keeps its std::function alive until it
 * returns.
 *
 * Expiry handlers need no waiting of their own: once
 * mesh_session_set_expired_callback, mesh_session_close or
 * mesh_session_detach has returned, the library guarantees that the
 * callback set before is neither running nor will run. Token providers
 * have no such promise (a call on another thread may be asking for a token
 * as the last owner goes), so their state tracks which threads run them
 * and its last owner waits for the others.
 */
struct waiting_slot {
    std::mutex m;
    std::condition_variable idle;
    std::vector<std::thread::id> running;
    bool active = true;

    bool enter() {
        std::lock_guard<std::mutex> lock(m);
        if (!active) return false;
        running.push_back(std::this_thread::get_id());
        return true;
    }
    void leave() {
        std::lock_guard<std::mutex> lock(m);
        for (auto it = running.begin(); it != running.end(); ++it) {
            if (*it == std::this_thread::get_id()) {
                running.erase(it);
                break;
            }
        }
        idle.notify_all();
    }
    /** No new calls; waits for running ones on other threads. */
    void retire() {
        std::unique_lock<std::mutex> lock(m);
        active = false;
        idle.wait(lock, [this] {
            for (const auto &id : running)
                if (id != std::this_thread::get_id()) return false;
            return true;
        });
    }
};

struct expired_slot {
    std::function<void(const std::string &)> handler;
    void retire() noexcept { /* the library has waited (see above) */ }
};

struct token_slot : waiting_slot {
    std::function<std::string()> provider;
    std::string pending; /* the token given while the library's buffer was too small */
    bool has_pending = false;
};

/** Number -> slot; the library holds numbers, never pointers to slots. */
class registry {
public:
    std::uintptr_t add(std::shared_ptr<void> s) {
        std::lock_guard<std::mutex> lock(m_);
        std::uintptr_t id = ++next_;
        slots_[id] = s;
        return id;
    }
    template <class T>
    std::shared_ptr<T> find(void *user_data) {
        std::lock_guard<std::mutex> lock(m_);
        auto it = slots_.find(reinterpret_cast<std::uintptr_t>(user_data));
        return it == slots_.end() ? nullptr : std::static_pointer_cast<T>(it->second.lock());
    }
    void remove(std::uintptr_t id) {
        std::lock_guard<std::mutex> lock(m_);
        slots_.erase(id);
    }

private:
    std::mutex m_;
    std::uintptr_t next_ = 0;
    std::map<std::uintptr_t, std::weak_ptr<void>> slots_;
};

inline registry &callbacks() {
    static registry r;
    return r;
}

inline void on_expired(const char *session_id, void *user_data) noexcept {
    try {
        auto s = callbacks().find<expired_slot>(user_data);
        if (s && s->handler) s->handler(session_id);
    } catch (...) {
        report(std::current_exception());
    }
}

inline mesh_status provide_token(void *user_data, char *buf, std::size_t cap,
                                 std::size_t *len_out) noexcept {
    try {
        auto s = callbacks().find<token_slot>(user_data);
        if (!s || !s->enter()) return MESH_ERROR_UNAUTHENTICATED;
        struct leave_on_exit {
            token_slot &s;
            ~leave_on_exit() { s.leave(); }
        } guard{*s};
        std::string token;
        bool had_pending = false;
        {
            std::lock_guard<std::mutex> lock(s->m);
            if (s->has_pending) {
                token.swap(s->pending);
                s->has_pending = false;
                had_pending = true;
            }
        }
        if (!had_pending) token = s->provider();
        if (token.empty()) return MESH_ERROR_UNAUTHENTICATED;
        *len_out = token.size();
        if (token.size() >= cap) {
            /* Called again with room: give the same token, not a new one. */
            std::lock_guard<std::mutex> lock(s->m);
            s->pending = token;
            s->has_pending = true;
            return MESH_ERROR_BUFFER_TOO_SMALL;
        }
        std::memcpy(buf, token.c_str(), token.size() + 1);
        return MESH_OK;
    } catch (...) {
        report(std::current_exception());
        return MESH_ERROR_UNAUTHENTICATED;
    }
}

/* The functions handed to the library: C language linkage, as a C function
 * pointer requires, and internal linkage, so no symbol leaks. */
extern "C" {
static inline void mesh_hpp_expired_trampoline(const char *session_id, void *user_data) {
    on_expired(session_id, user_data);
}
static inline mesh_status mesh_hpp_token_trampoline(void *user_data, char *buf, std::size_t cap,
                                                    std::size_t *len_out) {
    return provide_token(user_data, buf, cap, len_out);
}
}

/** Registers a slot; the shared_ptr's last owner retires and unregisters it. */
template <class T>
std::shared_ptr<T> make_slot(std::uintptr_t *id_out) {
    auto id = std::make_shared<std::uintptr_t>(0);
    std::shared_ptr<T> s(new T(), [id](T *p) {
        p->retire();
        callbacks().remove(*id);
        delete p;
    });
    *id = callbacks().add(s);
    *id_out = *id;
    return s;
}

inline void *as_user_data(std::uintptr_t id) { return reinterpret_cast<void *>(id); }

} // namespace detail

/** Where exceptions thrown by callbacks go (called on the library's thread). */
inline void set_callback_error_handler(std::function<void(std::exception_ptr)> handler) {
    std::lock_guard<std::mutex> lock(detail::callback_error_mutex());
    detail::callback_error_handler() = std::move(handler);
}

/**
 * Ends every open session, stops keep-alive and joins the library's threads
 * (mesh_shutdown). Objects from before then fail with
 * MESH_ERROR_INVALID_HANDLE; their destructors are harmless.
 */
inline void shutdown() { detail::check(mesh_shutdown()); }

/* ----------------------------------------------------------------- options */

class connection;

/** Connection settings. */
class options {
public:
    options() {
        mesh_options *o = nullptr;
        detail::check(mesh_options_new(&o));
        handle_.reset(o);
    }

    options &connect_timeout(std::chrono::milliseconds t) {
        detail::check(mesh_options_set_connect_timeout_ms(handle_.get(), ms(t)));
        return *this;
    }
    options &call_timeout(std::chrono::milliseconds t) {
        detail::check(mesh_options_set_call_timeout_ms(handle_.get(), ms(t)));
        return *this;
    }
    /** 0: half the server's inactivity timeout (the default). */
    options &keepalive_interval(std::chrono::milliseconds t) {
        detail::check(mesh_options_set_keepalive_interval_ms(handle_.get(), ms(t)));
        return *this;
    }
    /** Gives a silent connection up after this (HTTP/2 ping); 0: never. */
    options &dead_connection_timeout(std::chrono::milliseconds t) {
        detail::check(mesh_options_set_dead_connection_timeout_ms(handle_.get(), ms(t)));
        return *this;
    }
    options &tls_root_certificate_pem(const std::string &pem) {
        detail::check(mesh_options_set_tls_root_certificate_pem(handle_.get(), pem.c_str()));
        return *this;
    }
    options &tls_root_certificate_file(const std::string &path) {
        detail::check(mesh_options_set_tls_root_certificate_file(handle_.get(), path.c_str()));
        return *this;
    }
    options &tls_server_name(const std::string &name) {
        detail::check(mesh_options_set_tls_server_name(handle_.get(), name.c_str()));
        return *this;
    }
    options &access_token(const std::string &token) {
        detail::check(mesh_options_set_access_token(handle_.get(), token.c_str()));
        return *this;
    }
    options &max_receive_message_bytes(std::uint32_t bytes) {
        detail::check(mesh_options_set_max_receive_message_bytes(handle_.get(), bytes));
        return *this;
    }
    /**
     * Called on a library thread (which may block) for a token when
     * connecting without one and after the server answers UNAUTHENTICATED;
     * throw or return "" for no token. An empty function clears it.
     */
    options &token_provider(std::function<std::string()> provider) {
        if (!provider) {
            detail::check(mesh_options_set_token_provider(handle_.get(), nullptr, nullptr));
            tokens_.reset();
            return *this;
        }
        std::uintptr_t id = 0;
        auto slot = detail::make_slot<detail::token_slot>(&id);
        slot->provider = std::move(provider);
        detail::check(mesh_options_set_token_provider(
            handle_.get(), detail::mesh_hpp_token_trampoline, detail::as_user_data(id)));
        tokens_ = slot;
        return *this;
    }

    const mesh_options *get() const noexcept { return handle_.get(); }

private:
    friend class connection;
    static std::uint32_t ms(std::chrono::milliseconds t) {
        if (t.count() < 0 || t.count() > 0xFFFFFFFFLL)
            throw error(MESH_ERROR_INVALID_ARGUMENT, "mesh::options: milliseconds out of range");
        return static_cast<std::uint32_t>(t.count());
    }
    struct free_options {
        void operator()(mesh_options *o) const noexcept { mesh_options_free(o); }
    };
    std::unique_ptr<mesh_options, free_options> handle_;
    std::shared_ptr<detail::token_slot> tokens_;
};

/* ------------------------------------------------------------------ points */

struct point {
    std::int64_t time_ms; /* since the Unix epoch, UTC */
    std::uint32_t flags;  /* MESH_FLAG_*: OK, NOT_OK, MISSING, SUSPECT */
    double value;
};

/** Points as read, without copying: the arrays live as long as this object. */
class points {
public:
    explicit points(mesh_points *p) : handle_(p) {
        detail::check(mesh_points_count(p, &size_));
        detail::check(mesh_points_timestamps(p, &times_));
        detail::check(mesh_points_flags(p, &flags_));
        detail::check(mesh_points_values(p, &values_));
    }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const std::int64_t *timestamps() const noexcept { return times_; }
    const std::uint32_t *flags() const noexcept { return flags_; }
    const double *values() const noexcept { return values_; }
    point operator[](std::size_t i) const noexcept { return point{times_[i], flags_[i], values_[i]}; }
    point at(std::size_t i) const {
        if (i >= size_) throw std::out_of_range("mesh::points::at");
        return (*this)[i];
    }
    std::vector<point> to_vector() const {
        std::vector<point> v;
        v.reserve(size_);
        for (std::size_t i = 0; i < size_; i++) v.push_back((*this)[i]);
        return v;
    }
    /** Through the Arrow C Data Interface; see mesh_points_export_arrow. */
    void export_arrow(struct ArrowSchema *schema, struct ArrowArray *array) const {
        detail::check(mesh_points_export_arrow(handle_.get(), schema, array));
    }
    const mesh_points *get() const noexcept { return handle_.get(); }

private:
    struct free_points {
        void operator()(mesh_points *p) const noexcept { mesh_points_free(p); }
    };
    std::unique_ptr<mesh_points, free_points> handle_;
    std::size_t size_ = 0;
    const std::int64_t *times_ = nullptr;
    const std::uint32_t *flags_ = nullptr;
    const double *values_ = nullptr;
};

/* ----------------------------------------------------------------- catalog */

/**
 * A time series' catalog entry: a snapshot, valid after its session is
 * closed and after mesh::shutdown().
 */
class timeseries_resource {
public:
    explicit timeseries_resource(mesh_timeseries_resource *r) : handle_(r) {}

    /** 0 for a series created in a session that has not committed yet. */
    std::int64_t key() const {
        std::int64_t out = 0;
        detail::check(mesh_timeseries_resource_key(handle_.get(), &out));
        return out;
    }
    /** E.g. "Resource/Demo/Inflow". */
    std::string path() const {
        return detail::read_text([this](char *b, std::size_t c, std::size_t *l) {
            return mesh_timeseries_resource_path(handle_.get(), b, c, l);
        });
    }
    std::string name() const {
        return detail::read_text([this](char *b, std::size_t c, std::size_t *l) {
            return mesh_timeseries_resource_name(handle_.get(), b, c, l);
        });
    }
    /** A MESH_CURVE_* number. */
    std::int32_t curve_type() const {
        std::int32_t out = 0;
        detail::check(mesh_timeseries_resource_curve_type(handle_.get(), &out));
        return out;
    }
    /** A MESH_RESOLUTION_* number. */
    std::int32_t resolution() const {
        std::int32_t out = 0;
        detail::check(mesh_timeseries_resource_resolution(handle_.get(), &out));
        return out;
    }
    /** The unit's name, e.g. "MW"; empty when there is none. */
    std::string unit() const {
        return detail::read_text([this](char *b, std::size_t c, std::size_t *l) {
            return mesh_timeseries_resource_unit(handle_.get(), b, c, l);
        });
    }
    /** An IANA name; empty when there is none. */
    std::string time_zone() const {
        return detail::read_text([this](char *b, std::size_t c, std::size_t *l) {
            return mesh_timeseries_resource_time_zone(handle_.get(), b, c, l);
        });
    }
    /** Empty for a physical series. */
    std::string virtual_expression() const {
        return detail::read_text([this](char *b, std::size_t c, std::size_t *l) {
            return mesh_timeseries_resource_virtual_expression(handle_.get(), b, c, l);
        });
    }
    bool temporary() const {
        std::int32_t out = 0;
        detail::check(mesh_timeseries_resource_temporary(handle_.get(), &out));
        return out != 0;
    }
    const mesh_timeseries_resource *get() const noexcept { return handle_.get(); }

private:
    struct free_resource {
        void operator()(mesh_timeseries_resource *r) const noexcept { mesh_timeseries_resource_free(r); }
    };
    std::unique_ptr<mesh_timeseries_resource, free_resource> handle_;
};

/** The units of measurement a server knows: ids (for create and update) and names. */
class units {
public:
    explicit units(mesh_units *u) : handle_(u) { detail::check(mesh_units_count(u, &size_)); }

    std::size_t size() const noexcept { return size_; }
    /** Canonical lower-case id of unit i. */
    std::string id(std::size_t i) const {
        return detail::read_text([this, i](char *b, std::size_t c, std::size_t *l) {
            return mesh_units_id(handle_.get(), i, b, c, l);
        });
    }
    std::string name(std::size_t i) const {
        return detail::read_text([this, i](char *b, std::size_t c, std::size_t *l) {
            return mesh_units_name(handle_.get(), i, b, c, l);
        });
    }
    /** The index of the unit named exactly this; throws MESH_ERROR_NOT_FOUND. */
    std::size_t find(const std::string &unit_name) const {
        std::size_t index = 0;
        detail::check(mesh_units_find(handle_.get(), unit_name.c_str(), &index));
        return index;
    }
    /** The id of the unit named exactly this; throws MESH_ERROR_NOT_FOUND. */
    std::string id_of(const std::string &unit_name) const { return id(find(unit_name)); }
    const mesh_units *get() const noexcept { return handle_.get(); }

private:
    struct free_units {
        void operator()(mesh_units *u) const noexcept { mesh_units_free(u); }
    };
    std::unique_ptr<mesh_units, free_units> handle_;
    std::size_t size_ = 0;
};

/** What session::update_timeseries_resource changes: only what is set here. */
class resource_update {
public:
    /** A MESH_CURVE_* number. */
    resource_update &curve_type(std::int32_t curve) {
        curve_ = curve;
        return *this;
    }
    /** A unit id, e.g. from units::id_of. */
    resource_update &unit_id(std::string id) {
        unit_id_ = std::move(id);
        set_unit_ = true;
        return *this;
    }
    /** An IANA name, for DAY or coarser resolution; "" removes the time zone. */
    resource_update &time_zone(std::string zone) {
        time_zone_ = std::move(zone);
        set_time_zone_ = true;
        return *this;
    }

private:
    friend class session;
    std::int32_t curve_ = MESH_CURVE_UNCHANGED;
    std::string unit_id_, time_zone_;
    bool set_unit_ = false, set_time_zone_ = false;
};

/* ----------------------------------------------------------------- session */

/**
 * An open session, kept alive by the library. The destructor closes it
 * (uncommitted changes are lost; errors are ignored there: call close() to
 * see them); detach() leaves it open for another process.
 */
class session {
public:
    session(session &&other) noexcept { *this = std::move(other); }
    session &operator=(session &&other) noexcept {
        if (this != &other) {
            end_quietly();
            handle_ = other.handle_;
            other.handle_ = nullptr;
            tokens_ = std::move(other.tokens_);
            expired_ = std::move(other.expired_);
        }
        return *this;
    }
    session(const session &) = delete;
    session &operator=(const session &) = delete;
    ~session() { end_quietly(); }

    /** Canonical lower-case id, 36 characters. */
    std::string id() const {
        return detail::read_text([this](char *b, std::size_t c, std::size_t *l) {
            return mesh_session_id(handle_, b, c, l);
        });
    }
    void commit() { detail::check(mesh_session_commit(handle_)); }
    void rollback() { detail::check(mesh_session_rollback(handle_)); }
    /** Extends now; returns the server's inactivity timeout. */
    std::chrono::milliseconds extend() {
        std::int64_t ms = 0;
        detail::check(mesh_session_extend(handle_, &ms));
        return std::chrono::milliseconds(ms);
    }
    /** True once the server has said the session is gone; asks nothing. */
    bool is_expired() const {
        std::int32_t out = 0;
        detail::check(mesh_session_is_expired(handle_, &out));
        return out != 0;
    }

    /**
     * Runs handler(session_id) once when the session is found expired, on a
     * library thread (it may call any function, close() of this session
     * included). Replaces an earlier handler, waiting for it if running; an
     * empty function clears it.
     */
    void on_expired(std::function<void(const std::string &)> handler) {
        if (!handler) {
            detail::check(mesh_session_set_expired_callback(handle_, nullptr, nullptr));
            expired_.reset();
            return;
        }
        std::uintptr_t id = 0;
        auto slot = detail::make_slot<detail::expired_slot>(&id);
        slot->handler = std::move(handler);
        /* Once this returns the handler before is neither running nor will run. */
        detail::check(mesh_session_set_expired_callback(handle_, detail::mesh_hpp_expired_trampoline,
                                                        detail::as_user_data(id)));
        expired_ = slot;
    }

    /** Stops keep-alive and frees the handle; the session stays open on the server. */
    void detach() {
        mesh_session *h = handle_;
        handle_ = nullptr;
        mesh_status status = mesh_session_detach(h);
        expired_.reset(); /* the library no longer runs it */
        detail::check(status);
    }
    /** Ends the session on the server; the handle is freed whatever the outcome. */
    void close() {
        mesh_session *h = handle_;
        handle_ = nullptr;
        mesh_status status = mesh_session_close(h);
        expired_.reset(); /* the library no longer runs it */
        detail::check(status);
    }

    points read_timeseries_by_key(std::int64_t key, std::int64_t start_ms, std::int64_t end_ms) {
        mesh_points *p = nullptr;
        detail::check(mesh_read_timeseries_by_key(handle_, key, start_ms, end_ms, &p));
        return points(p);
    }
    points read_timeseries_by_path(const std::string &path, std::int64_t start_ms,
                                   std::int64_t end_ms) {
        mesh_points *p = nullptr;
        detail::check(mesh_read_timeseries_by_path(handle_, path.c_str(), start_ms, end_ms, &p));
        return points(p);
    }
    points read_timeseries_by_id(const std::string &id, std::int64_t start_ms, std::int64_t end_ms) {
        mesh_points *p = nullptr;
        detail::check(mesh_read_timeseries_by_id(handle_, id.c_str(), start_ms, end_ms, &p));
        return points(p);
    }

    /** Replaces [start_ms, end_ms) with the points, in this session. */
    void write_timeseries_by_key(std::int64_t key, std::int64_t start_ms, std::int64_t end_ms,
                                 const std::vector<point> &pts) {
        columns c(pts);
        detail::check(mesh_write_timeseries_by_key(handle_, key, start_ms, end_ms, c.t.data(),
                                                   c.f.data(), c.v.data(), pts.size()));
    }
    void write_timeseries_by_path(const std::string &path, std::int64_t start_ms,
                                  std::int64_t end_ms, const std::vector<point> &pts) {
        columns c(pts);
        detail::check(mesh_write_timeseries_by_path(handle_, path.c_str(), start_ms, end_ms,
                                                    c.t.data(), c.f.data(), c.v.data(), pts.size()));
    }
    void write_timeseries_by_id(const std::string &id, std::int64_t start_ms, std::int64_t end_ms,
                                const std::vector<point> &pts) {
        columns c(pts);
        detail::check(mesh_write_timeseries_by_id(handle_, id.c_str(), start_ms, end_ms, c.t.data(),
                                                  c.f.data(), c.v.data(), pts.size()));
    }

    /** Deletes the points in [start_ms, end_ms), in this session. */
    void delete_timeseries_by_key(std::int64_t key, std::int64_t start_ms, std::int64_t end_ms) {
        detail::check(mesh_delete_timeseries_by_key(handle_, key, start_ms, end_ms));
    }
    void delete_timeseries_by_path(const std::string &path, std::int64_t start_ms, std::int64_t end_ms) {
        detail::check(mesh_delete_timeseries_by_path(handle_, path.c_str(), start_ms, end_ms));
    }
    void delete_timeseries_by_id(const std::string &id, std::int64_t start_ms, std::int64_t end_ms) {
        detail::check(mesh_delete_timeseries_by_id(handle_, id.c_str(), start_ms, end_ms));
    }

    /** The catalog entry of the series with this key; MESH_ERROR_NOT_FOUND if none. */
    timeseries_resource get_timeseries_resource(std::int64_t key) {
        mesh_timeseries_resource *r = nullptr;
        detail::check(mesh_timeseries_resource_get(handle_, key, &r));
        return timeseries_resource(r);
    }
    /**
     * A new physical series at "Resource" + path + name (path begins and ends
     * with '/'), seen by other sessions after commit. Its key is 0 until
     * then (Mesh assigns keys at commit): address it by path. time_zone ""
     * is none.
     */
    timeseries_resource create_physical_timeseries(const std::string &path, const std::string &name,
                                                   std::int32_t curve_type, std::int32_t resolution,
                                                   const std::string &unit_id,
                                                   const std::string &time_zone = std::string()) {
        mesh_timeseries_resource *r = nullptr;
        detail::check(mesh_timeseries_resource_create_physical(
            handle_, path.c_str(), name.c_str(), curve_type, resolution, unit_id.c_str(),
            time_zone.empty() ? nullptr : time_zone.c_str(), &r));
        return timeseries_resource(r);
    }
    /** Changes what the update sets, in this session. */
    void update_timeseries_resource(std::int64_t key, const resource_update &update) {
        detail::check(mesh_timeseries_resource_update(
            handle_, key, update.curve_, update.set_unit_ ? update.unit_id_.c_str() : nullptr,
            update.set_time_zone_ ? update.time_zone_.c_str() : nullptr));
    }
    units list_units() {
        mesh_units *u = nullptr;
        detail::check(mesh_units_list(handle_, &u));
        return units(u);
    }

    mesh_session *get() const noexcept { return handle_; }

private:
    friend class connection;
    session(mesh_session *h, std::shared_ptr<detail::token_slot> tokens)
        : handle_(h), tokens_(std::move(tokens)) {}

    struct columns {
        std::vector<std::int64_t> t;
        std::vector<std::uint32_t> f;
        std::vector<double> v;
        explicit columns(const std::vector<point> &pts) {
            t.reserve(pts.size());
            f.reserve(pts.size());
            v.reserve(pts.size());
            for (const auto &p : pts) {
                t.push_back(p.time_ms);
                f.push_back(p.flags);
                v.push_back(p.value);
            }
        }
    };

    /* NULL (moved from, closed, detached) is a no-op of mesh_session_close. */
    void end_quietly() noexcept {
        mesh_session_close(handle_);
        handle_ = nullptr;
        expired_.reset();
        tokens_.reset();
    }

    mesh_session *handle_ = nullptr;
    /* Keeps the token provider alive while this session may need tokens. */
    std::shared_ptr<detail::token_slot> tokens_;
    std::shared_ptr<detail::expired_slot> expired_;
};

/* -------------------------------------------------------------- connection */

struct identity {
    std::string display_name;
    std::string source;
    std::string identifier;
};

/** A connection to one Mesh server; one serves any number of sessions and threads. */
class connection {
public:
    /** "host:port", "http://host:port" or "https://host:port"; checks the server's version. */
    static connection connect(const std::string &address) {
        mesh_connection *c = nullptr;
        detail::check(mesh_connect(address.c_str(), nullptr, &c));
        return connection(c, nullptr);
    }
    static connection connect(const std::string &address, const options &o) {
        mesh_connection *c = nullptr;
        detail::check(mesh_connect(address.c_str(), o.get(), &c));
        return connection(c, o.tokens_);
    }

    connection(connection &&other) noexcept { *this = std::move(other); }
    connection &operator=(connection &&other) noexcept {
        if (this != &other) {
            mesh_connection_close(handle_); /* NULL is a no-op */
            handle_ = other.handle_;
            other.handle_ = nullptr;
            tokens_ = std::move(other.tokens_);
        }
        return *this;
    }
    connection(const connection &) = delete;
    connection &operator=(const connection &) = delete;
    /** Frees the connection; sessions opened through it keep working. */
    ~connection() { mesh_connection_close(handle_); /* NULL is a no-op */ }

    std::string server_version() const {
        return detail::read_text([this](char *b, std::size_t c, std::size_t *l) {
            return mesh_connection_server_version(handle_, b, c, l);
        });
    }
    session open_session() {
        mesh_session *s = nullptr;
        detail::check(mesh_session_open(handle_, &s));
        return session(s, tokens_);
    }
    /** By id: canonical in any case, or braced. */
    session attach_session(const std::string &id) {
        mesh_session *s = nullptr;
        detail::check(mesh_session_attach(handle_, id.c_str(), &s));
        return session(s, tokens_);
    }
    void set_access_token(const std::string &token) {
        detail::check(mesh_connection_set_access_token(handle_, token.c_str()));
    }
    void revoke_access_token(const std::string &token) {
        detail::check(mesh_connection_revoke_access_token(handle_, token.c_str()));
    }
    identity user_identity() {
        mesh_identity *raw = nullptr;
        detail::check(mesh_connection_user_identity(handle_, &raw));
        std::unique_ptr<mesh_identity, free_identity> id(raw);
        identity out;
        out.display_name = detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
            return mesh_identity_display_name(id.get(), b, c, l);
        });
        out.source = detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
            return mesh_identity_source(id.get(), b, c, l);
        });
        out.identifier = detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
            return mesh_identity_identifier(id.get(), b, c, l);
        });
        return out;
    }
    /** Frees the connection now; throws on failure. */
    void close() {
        mesh_connection *c = handle_;
        handle_ = nullptr;
        detail::check(mesh_connection_close(c));
    }

    mesh_connection *get() const noexcept { return handle_; }

private:
    connection(mesh_connection *c, std::shared_ptr<detail::token_slot> tokens)
        : handle_(c), tokens_(std::move(tokens)) {}
    struct free_identity {
        void operator()(mesh_identity *i) const noexcept { mesh_identity_free(i); }
    };
    mesh_connection *handle_ = nullptr;
    std::shared_ptr<detail::token_slot> tokens_;
};

} // namespace mesh

#endif /* MESH_CAPI_HPP */
