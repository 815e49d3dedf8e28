/*
 * mesh_capi.hpp: a header-only C++ wrapper of mesh_capi.h (C++14 or later).
 *
 * - RAII: mesh::options, mesh::connection, mesh::session, mesh::points,
 *   mesh::timeseries_resource, mesh::units, mesh::xy_sets,
 *   mesh::rating_curve and mesh::calc_result own their handles and free
 *   them in their destructors; they move, never copy. A
 *   mesh::restriction_recurrence cannot change once made: its copies share
 *   its handle.
 * - Model results are views that copy: mesh::object_list,
 *   mesh::attribute_list, mesh::object, mesh::attribute and
 *   mesh::attribute_definition share their owner (the list, or the object
 *   or attribute read alone), which is freed when the last view of it
 *   goes; a view stays valid after its session is closed. Availability
 *   events (mesh::availability_event_list, mesh::availability_event) are
 *   views the same way; instances are copied out at once.
 * - Errors: every failure throws mesh::error, carrying the mesh_status and
 *   the library's message; a cancelled call (MESH_ERROR_CANCELLED) throws
 *   mesh::cancelled, a mesh::error too.
 * - Asynchronous calls: every method that talks to the server has a twin
 *   named <method>_async, with the same arguments, that starts the call and
 *   returns at once a mesh::pending<T> (T what the method returns): wait for
 *   it, poll it, cancel it, get() the result (or its exception), or hand it
 *   to the library's callback thread with then() or to_future(). Arguments
 *   are copied when the call starts, so they may go at once.
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
 * - The library's log: mesh::set_log(min_level, handler) hands each message
 *   (level, target, text) to a std::function on the library's callback
 *   thread; mesh::clear_log() stops it.
 * - Numbers the C API defines as macros (MESH_CURVE_TYPE_*, MESH_RESOLUTION_*,
 *   MESH_POINT_FLAG_*, MESH_ATTRIBUTE_VALUE_TYPE_*, MESH_MODEL_VIEW_*, MESH_CALC_RESULT_KIND_*, MESH_TRANSFORM_METHOD_*,
 *   MESH_TRANSFORM_ZONE_*, MESH_AVAILABILITY_EVENT_TYPE_*, MESH_RECURRENCE_TYPE_*,
 *   MESH_LOG_LEVEL_*, MESH_TIME_NONE) are used as they are: a server may send
 *   values newer than this header.
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
#include <future>
#include <iterator>
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

/** A call that was cancelled (MESH_ERROR_CANCELLED): by pending::cancel(),
 *  session::interrupt() or connection::interrupt(), by closing its session or
 *  connection, or by mesh::shutdown(). A mesh::error like any other. */
class cancelled : public error {
public:
    explicit cancelled(const std::string &message) : error(MESH_ERROR_CANCELLED, message) {}
};

inline std::string status_name(mesh_status status) { return mesh_status_name(status); }

/** The library's version, e.g. "0.1.0" (MESH_CAPI_VERSION_STRING is the header's). */
inline std::string library_version() { return mesh_library_version(); }

/** Whether this build of the library can sign in with Kerberos
 *  (options::kerberos): always on Windows; on Linux when it was built with
 *  the `kerberos` feature. */
inline bool library_has_kerberos() { return mesh_library_has_kerberos() != 0; }

namespace detail {
inline void check(mesh_status status);
}  // namespace detail

/** Throws mesh::error (MESH_ERROR_VERSION_MISMATCH) when the library loaded
 *  cannot serve a program compiled with this header. Call it once at start. */
inline void check_library_version() {
    detail::check(mesh_library_check_version(MESH_CAPI_VERSION_NUMBER));
}

namespace detail {

inline std::string last_error_message() {
    std::size_t n = mesh_last_error_message(nullptr, 0);
    std::string text(n + 1, '\0');
    mesh_last_error_message(&text[0], text.size());
    text.resize(n);
    return text;
}

inline void check(mesh_status status) {
    if (status == MESH_OK) return;
    if (status == MESH_ERROR_CANCELLED) throw cancelled(last_error_message());
    throw error(status, last_error_message());
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

/** Text of a handle, read by f(handle, buf, cap, &len). */
template <class H, class F>
std::string text_of(const H *h, F f) {
    return read_text([h, f](char *b, std::size_t c, std::size_t *l) { return f(h, b, c, l); });
}

/** A number of a handle, written by f(handle, &out). */
template <class T, class H, class F>
T number_of(const H *h, F f) {
    T out = T();
    check(f(h, &out));
    return out;
}

/** Walks a list by index, making each item as the list's operator[] does. */
template <class List, class Item>
class list_iterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Item;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Item;

    list_iterator(const List *list, std::size_t index) : list_(list), index_(index) {}
    Item operator*() const { return (*list_)[index_]; }
    list_iterator &operator++() {
        ++index_;
        return *this;
    }
    list_iterator operator++(int) {
        list_iterator before = *this;
        ++index_;
        return before;
    }
    bool operator==(const list_iterator &other) const { return list_ == other.list_ && index_ == other.index_; }
    bool operator!=(const list_iterator &other) const { return !(*this == other); }

private:
    const List *list_;
    std::size_t index_;
};

/** Lets a borrowing list make its views, whose constructors are private. */
struct view_maker {
    template <class View, class Item>
    static View make(std::shared_ptr<Item> h) {
        return View(std::move(h));
    }
};

/** A list the library hands out whose items are views borrowed from it:
 *  each view keeps the list alive. */
template <class List, class Item, class View, mesh_status (*Count)(const List *, std::size_t *),
          mesh_status (*At)(const List *, std::size_t, Item **), mesh_status (*Free)(List *)>
class borrowing_list {
public:
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    View operator[](std::size_t i) const {
        Item *item = nullptr;
        check(At(h_.get(), i, &item));
        return view_maker::make<View>(std::shared_ptr<Item>(h_, item));
    }
    std::vector<View> to_vector() const { return std::vector<View>(begin(), end()); }
    using const_iterator = list_iterator<borrowing_list, View>;
    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, size_); }
    const List *get() const noexcept { return h_.get(); }

protected:
    explicit borrowing_list(List *l) : h_(l, [](List *p) { Free(p); }) { check(Count(l, &size_)); }

private:
    std::shared_ptr<List> h_;
    std::size_t size_ = 0;
};

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
 * mesh_library_shutdown that timed out, keeps its std::function alive until it
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
 * (mesh_library_shutdown). Objects from before then fail with
 * MESH_ERROR_INVALID_HANDLE; their destructors are harmless.
 */
inline void shutdown() { detail::check(mesh_library_shutdown()); }

/* --------------------------------------------------------------------- log */

/** Receives one message of the library's log: its level (MESH_LOG_LEVEL_ERROR
 *  (1) to MESH_LOG_LEVEL_TRACE (5)), where in the library it comes from
 *  (target, such as "mesh_capi::client::connection") and the text. */
using log_handler = std::function<void(int level, const std::string &target, const std::string &message)>;

namespace detail {

/* What mesh::set_log was last given, read by the trampoline under
 * log_mutex (never held across a call of the library or the handler). */
struct log_target {
    int min_level;
    log_handler handler;
};
inline std::mutex &log_mutex() {
    static std::mutex m;
    return m;
}
inline std::shared_ptr<const log_target> &current_log() {
    static std::shared_ptr<const log_target> target;
    return target;
}

inline void on_log(int level, const char *target, const char *message) noexcept {
    try {
        std::shared_ptr<const log_target> t;
        {
            std::lock_guard<std::mutex> lock(log_mutex());
            t = current_log();
        }
        /* The copy keeps the handler alive while it runs, even if it
         * replaces itself. */
        if (t && t->handler && level <= t->min_level)
            t->handler(level, target ? target : "", message ? message : "");
    } catch (...) {
        report(std::current_exception());
    }
}

extern "C" {
static inline void mesh_hpp_log_trampoline(std::int32_t level, const char *target, const char *message,
                                           void * /* user_data */) {
    on_log(level, target, message);
}
}

} // namespace detail

/**
 * Sends the library's log to handler (mesh_library_set_log_callback): every
 * message at min_level or more severe (MESH_LOG_LEVEL_ERROR for errors only,
 * up to MESH_LOG_LEVEL_TRACE for everything). An empty handler stops it, as
 * mesh::clear_log() does. Replaces the handler set before: once this
 * returns, that one is not running (unless set_log is called from inside it)
 * and will not run, so what it refers to may go. The handler runs on the
 * library's callback thread, one message at a time, never on a thread
 * inside a mesh_* call; what it throws goes to the handler set with
 * mesh::set_callback_error_handler. A min_level out of range throws
 * mesh::error (MESH_ERROR_INVALID_ARGUMENT) and changes nothing.
 */
inline void set_log(int min_level, log_handler handler) {
    if (handler && (min_level < MESH_LOG_LEVEL_ERROR || min_level > MESH_LOG_LEVEL_TRACE)) {
        /* The library refuses it with its own message, changing nothing. */
        detail::check(mesh_library_set_log_callback(detail::mesh_hpp_log_trampoline, min_level, nullptr));
    }
    std::shared_ptr<const detail::log_target> applied =
        std::make_shared<const detail::log_target>(detail::log_target{min_level, std::move(handler)});
    std::shared_ptr<const detail::log_target> previous;
    {
        std::lock_guard<std::mutex> lock(detail::log_mutex());
        previous = std::move(detail::current_log());
        detail::current_log() = applied;
    }
    /* No lock is held across the library's call, which waits for a running
     * handler (one that calls set_log itself would otherwise deadlock with
     * another thread's set_log). Concurrent calls may reach the library in
     * another order than current_log() was written: each returns only once
     * the library has what current_log() holds. */
    for (;;) {
        detail::check(mesh_library_set_log_callback(applied->handler ? detail::mesh_hpp_log_trampoline : nullptr,
                                                    applied->handler ? applied->min_level : 0, nullptr));
        std::lock_guard<std::mutex> lock(detail::log_mutex());
        if (detail::current_log() == applied) break;
        applied = detail::current_log();
    }
    /* previous is destroyed here, outside the lock (unless a running call of
     * it, from inside which this was called, still holds a copy). */
}

/** Stops the library's log (mesh::set_log with no handler). */
inline void clear_log() { set_log(MESH_LOG_LEVEL_ERROR, nullptr); }

/* -------------------------------------------------------------- operations */

template <class T>
class pending;

namespace detail {

/*
 * What an operation's callback finds through its user_data. Unlike the
 * expiry handlers and token providers above, an operation's callback is
 * given a pointer: the library runs it exactly once, and a pending gives
 * its operation away when it sets one (then(), to_future()), so nothing
 * else can free the operation and leave the callback unrun, and nothing
 * else holds the pointer. The call deletes what it was given.
 */
struct operation_callback {
    virtual ~operation_callback() {}
    virtual void run(mesh_operation *operation) noexcept = 0;
};

inline void operation_completed(mesh_operation *operation, void *user_data) noexcept {
    std::unique_ptr<operation_callback> callback(static_cast<operation_callback *>(user_data));
    callback->run(operation);
}

extern "C" {
static inline void mesh_hpp_operation_trampoline(mesh_operation *operation, mesh_status, void *user_data) {
    operation_completed(operation, user_data);
}
}

/** A wait's timeout in milliseconds for mesh_operation_wait: rounded up;
 *  0xFFFFFFFF (no limit) from about 49 days on. */
template <class Rep, class Period>
std::uint32_t wait_ms(const std::chrono::duration<Rep, Period> &timeout) {
    const std::chrono::duration<double, std::milli> no_limit(4294967295.0);
    if (timeout <= timeout.zero()) return 0;
    if (timeout >= no_limit) return 0xFFFFFFFFu;
    std::chrono::milliseconds ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    if (ms < timeout) ms += std::chrono::milliseconds(1);
    return ms.count() >= 0xFFFFFFFFLL ? 0xFFFFFFFFu : static_cast<std::uint32_t>(ms.count());
}

} // namespace detail

/**
 * A call in flight, started by a <method>_async: like a std::future<T> that
 * owns one mesh_operation. It moves, never copies; its destructor (or
 * assigning another to it) drops an operation whose result was not taken,
 * cancelling it if it is still running (mesh_operation_free).
 *
 * get() waits (bounded by the call's timeout) and takes the result as the
 * blocking method returns it, or throws what it throws (mesh::cancelled for
 * a cancelled call); after it, the pending is empty (valid() is false), as
 * after being moved from. Using an empty pending throws mesh::error with
 * MESH_ERROR_INVALID_HANDLE (valid() and native_handle() excepted).
 *
 * then(handler) and to_future() hand the operation to the library's callback
 * thread, which runs once when the call completes; they empty the pending.
 * A session's or connection's pending calls are cancelled by its close() or
 * destructor, by interrupt() and by mesh::shutdown(), whose callbacks run
 * before it returns.
 */
template <class T>
class pending {
public:
    /** Takes the result of a completed operation; must call its mesh_X_finish. */
    using finisher = std::function<T(mesh_operation *)>;

    /** Empty. */
    pending() noexcept {}
    /** Owns operation; finish(operation) takes its result (and so frees it). */
    pending(mesh_operation *operation, finisher finish) noexcept
        : op_(operation), finish_(std::move(finish)) {}
    pending(pending &&other) noexcept : op_(other.op_), finish_(std::move(other.finish_)) {
        other.op_ = nullptr;
        other.finish_ = nullptr;
    }
    pending &operator=(pending &&other) noexcept {
        if (this != &other) {
            drop();
            op_ = other.op_;
            finish_ = std::move(other.finish_);
            other.op_ = nullptr;
            other.finish_ = nullptr;
        }
        return *this;
    }
    pending(const pending &) = delete;
    pending &operator=(const pending &) = delete;
    ~pending() { drop(); }

    /** Whether it owns an operation (not taken, moved from, or handed on). */
    bool valid() const noexcept { return op_ != nullptr; }

    /** Whether the call has completed (with its result, an error, or cancelled); never waits. */
    bool ready() const {
        std::int32_t done = 0;
        detail::check(mesh_operation_is_done(operation(), &done));
        return done != 0;
    }
    /** Waits until the call completes (bounded by the call's timeout). */
    void wait() const {
        std::int32_t done = 0;
        detail::check(mesh_operation_wait(operation(), 0xFFFFFFFFu, &done));
    }
    /** Waits at most timeout: std::future_status::ready or ::timeout (never ::deferred). */
    template <class Rep, class Period>
    std::future_status wait_for(const std::chrono::duration<Rep, Period> &timeout) const {
        std::int32_t done = 0;
        detail::check(mesh_operation_wait(operation(), detail::wait_ms(timeout), &done));
        return done != 0 ? std::future_status::ready : std::future_status::timeout;
    }
    template <class Clock, class Duration>
    std::future_status wait_until(const std::chrono::time_point<Clock, Duration> &deadline) const {
        return wait_for(deadline - Clock::now());
    }
    /** Cancels the call if it is still running: it completes at once, and
     *  get() throws mesh::cancelled. A completed call keeps its result. */
    void cancel() { detail::check(mesh_operation_cancel(operation())); }

    /** The result, waiting for it; throws as the blocking method does. Empties the pending. */
    T get() {
        mesh_operation *op = operation();
        finisher finish = std::move(finish_);
        op_ = nullptr;
        finish_ = nullptr;
        if (!finish) {
            mesh_operation_free(op);
            throw error(MESH_ERROR_INVALID_ARGUMENT, "mesh::pending: no function to take the result");
        }
        return finish(op);
    }

    /**
     * Calls handler once when the call completes, on the library's callback
     * thread (at once there if it has completed), with a ready pending to
     * get() the result from (or drop). It may call any function of the
     * library, but must return soon: other callbacks wait. What it throws
     * goes to mesh::set_callback_error_handler's handler. Empties this
     * pending; if the library refuses the callback, throws and leaves it
     * as it was.
     */
    void then(std::function<void(pending)> handler) && {
        mesh_operation *op = operation();
        if (!handler) throw error(MESH_ERROR_INVALID_ARGUMENT, "mesh::pending::then: no handler");
        std::unique_ptr<callback_state> state(new callback_state(std::move(handler), std::move(finish_)));
        op_ = nullptr;
        finish_ = nullptr;
        mesh_status status = mesh_operation_set_callback(op, detail::mesh_hpp_operation_trampoline, state.get());
        if (status != MESH_OK) {
            std::string message = detail::last_error_message();
            op_ = op;
            finish_ = std::move(state->finish);
            throw error(status, message);
        }
        state.release(); /* the callback deletes it */
    }

    /** A std::future fulfilled on the library's callback thread when the
     *  call completes, with the result or the exception get() throws.
     *  Empties this pending, as then() does. */
    std::future<T> to_future() && {
        std::shared_ptr<std::promise<T>> promise = std::make_shared<std::promise<T>>();
        std::future<T> future = promise->get_future();
        std::move(*this).then([promise](pending done) { fulfil(*promise, done); });
        return future;
    }

    /** The operation, still owned by this pending; NULL when empty. */
    mesh_operation *native_handle() const noexcept { return op_; }

private:
    struct callback_state : detail::operation_callback {
        std::function<void(pending)> handler;
        finisher finish;
        callback_state(std::function<void(pending)> h, finisher f) : handler(std::move(h)), finish(std::move(f)) {}
        void run(mesh_operation *op) noexcept override {
            try {
                handler(pending(op, std::move(finish)));
            } catch (...) {
                detail::report(std::current_exception());
            }
        }
    };

    template <class P, class U>
    static void fulfil(P &promise, pending<U> &done) {
        std::exception_ptr failure;
        try {
            promise.set_value(done.get());
            return;
        } catch (...) {
            failure = std::current_exception();
        }
        promise.set_exception(failure);
    }
    template <class P>
    static void fulfil(P &promise, pending<void> &done) {
        std::exception_ptr failure;
        try {
            done.get();
            promise.set_value();
            return;
        } catch (...) {
            failure = std::current_exception();
        }
        promise.set_exception(failure);
    }

    mesh_operation *operation() const {
        if (op_ == nullptr)
            throw error(MESH_ERROR_INVALID_HANDLE,
                        "mesh::pending: no operation (its result was taken, or it was moved from or handed on)");
        return op_;
    }
    void drop() noexcept {
        mesh_operation_free(op_); /* NULL is a no-op; a stale handle is refused, harmlessly */
        op_ = nullptr;
        finish_ = nullptr;
    }

    mesh_operation *op_ = nullptr;
    finisher finish_;
};

namespace detail {

/** A pending whose result finish(op, &out) writes, made into a T by make(out). */
template <class T, class Out, class Make>
pending<T> finishing(mesh_operation *op, mesh_status (*finish)(mesh_operation *, Out *), Make make) {
    return pending<T>(op, [finish, make](mesh_operation *o) -> T {
        Out out = Out();
        check(finish(o, &out));
        return make(out);
    });
}

/** A pending of a call without a result. */
inline pending<void> finishing(mesh_operation *op, mesh_status (*finish)(mesh_operation *)) {
    return pending<void>(op, [finish](mesh_operation *o) { check(finish(o)); });
}

} // namespace detail

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
    /**
     * Sign in with Kerberos (TLS only): connect gets a ticket for
     * service_principal ("HOST/mesh.example.com", "HTTP@mesh.example.com",
     * or "DOMAIN\\account" for a server running as a user account) with the
     * default credentials (the logged-in Windows user; on Linux the
     * credential cache of kinit), trades it for a Mesh token and renews
     * that by itself. flags: 0 or MESH_KERBEROS_MUTUAL. Throws
     * MESH_ERROR_INVALID_ARGUMENT for a malformed name, or when the library
     * has no Kerberos (library_has_kerberos()). See docs/kerberos.md.
     */
    options &kerberos(const std::string &service_principal, std::uint32_t flags = 0) {
        detail::check(mesh_options_set_kerberos(handle_.get(), service_principal.c_str(), nullptr, flags));
        return *this;
    }
    /** As above, with the credentials of user_principal ("user@REALM" or "DOMAIN\\user"). */
    options &kerberos(const std::string &service_principal, const std::string &user_principal,
                      std::uint32_t flags = 0) {
        detail::check(mesh_options_set_kerberos(handle_.get(), service_principal.c_str(),
                                                user_principal.c_str(), flags));
        return *this;
    }
    /** Stops signing in with Kerberos. */
    options &clear_kerberos() {
        detail::check(mesh_options_set_kerberos(handle_.get(), nullptr, nullptr, 0));
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
    std::uint32_t flags;  /* MESH_POINT_FLAG_*: OK, NOT_OK, MISSING, SUSPECT */
    double value;
};

/** Points as read, without copying: the arrays live as long as this object. */
class points {
public:
    explicit points(mesh_point_list *p) : handle_(p) {
        detail::check(mesh_point_list_count(p, &size_));
        detail::check(mesh_point_list_timestamps(p, &times_));
        detail::check(mesh_point_list_flags(p, &flags_));
        detail::check(mesh_point_list_values(p, &values_));
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
    /** Through the Arrow C Data Interface; see mesh_point_list_export_arrow. */
    void export_arrow(struct ArrowSchema *schema, struct ArrowArray *array) const {
        detail::check(mesh_point_list_export_arrow(handle_.get(), schema, array));
    }
    const mesh_point_list *get() const noexcept { return handle_.get(); }

private:
    struct free_points {
        void operator()(mesh_point_list *p) const noexcept { mesh_point_list_free(p); }
    };
    std::unique_ptr<mesh_point_list, free_points> handle_;
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
    /** A MESH_CURVE_TYPE_* number. */
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
        detail::check(mesh_timeseries_resource_is_temporary(handle_.get(), &out));
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
    explicit units(mesh_unit_list *u) : handle_(u) { detail::check(mesh_unit_list_count(u, &size_)); }

    std::size_t size() const noexcept { return size_; }
    /** Canonical lower-case id of unit i. */
    std::string id(std::size_t i) const {
        return detail::read_text([this, i](char *b, std::size_t c, std::size_t *l) {
            return mesh_unit_list_id_at(handle_.get(), i, b, c, l);
        });
    }
    std::string name(std::size_t i) const {
        return detail::read_text([this, i](char *b, std::size_t c, std::size_t *l) {
            return mesh_unit_list_name_at(handle_.get(), i, b, c, l);
        });
    }
    /** The index of the unit named exactly this; throws MESH_ERROR_NOT_FOUND. */
    std::size_t find(const std::string &unit_name) const {
        std::size_t index = 0;
        detail::check(mesh_unit_list_find(handle_.get(), unit_name.c_str(), &index));
        return index;
    }
    /** The id of the unit named exactly this; throws MESH_ERROR_NOT_FOUND. */
    std::string id_of(const std::string &unit_name) const { return id(find(unit_name)); }
    const mesh_unit_list *get() const noexcept { return handle_.get(); }

private:
    struct free_units {
        void operator()(mesh_unit_list *u) const noexcept { mesh_unit_list_free(u); }
    };
    std::unique_ptr<mesh_unit_list, free_units> handle_;
    std::size_t size_ = 0;
};

/** What session::update_timeseries_resource changes: only what is set here. */
class resource_update {
public:
    /** A MESH_CURVE_TYPE_* number. */
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
    std::int32_t curve_ = MESH_TIMESERIES_RESOURCE_CURVE_TYPE_UNCHANGED;
    std::string unit_id_, time_zone_;
    bool set_unit_ = false, set_time_zone_ = false;
};

/* ------------------------------------------------------------------- model */

/** What session::update_attribute_definition changes in a time series
 * attribute definition: the parts set here; the others stay. */
class definition_update {
public:
    /** The template expression of the attributes without a local one (not
     * checked by Mesh: a bad one fails when their points are read). */
    definition_update &template_expression(std::string expression) {
        template_ = std::move(expression);
        set_template_ = true;
        return *this;
    }
    definition_update &description(std::string text) {
        description_ = std::move(text);
        set_description_ = true;
        return *this;
    }

private:
    friend class session;
    std::string template_, description_;
    bool set_template_ = false, set_description_ = false;
};

/*
 * Model results come from the library as one owner (a list, or an object or
 * attribute read alone) lending out item handles that are valid until the
 * owner is freed. Here every item is a copyable view holding a shared_ptr
 * that aliases its owner's: a view keeps its owner alive, so no view can
 * outlive the data it reads, whatever order the host drops them in.
 */

class attribute;

/** The definition an attribute was read with (MESH_MODEL_VIEW_FULL): a view of the attribute. */
class attribute_definition {
public:
    std::string id() const { return text(mesh_attribute_definition_id); }
    /** "Repository/...". */
    std::string path() const { return text(mesh_attribute_definition_path); }
    std::string description() const { return text(mesh_attribute_definition_description); }
    std::string name_space() const { return text(mesh_attribute_definition_namespace); }
    /** E.g. "DoubleAttributeDefinition". */
    std::string type_name() const { return text(mesh_attribute_definition_type_name); }
    std::string unit() const { return text(mesh_attribute_definition_unit); }
    std::string template_expression() const { return text(mesh_attribute_definition_template_expression); }
    /** Of a string or UTC time definition, as Mesh sends it. */
    std::string default_string() const { return text(mesh_attribute_definition_default_string); }
    std::string minimum_string() const { return text(mesh_attribute_definition_minimum_string); }
    std::string maximum_string() const { return text(mesh_attribute_definition_maximum_string); }
    /** The object type a relation points at. */
    std::string target_type_name() const { return text(mesh_attribute_definition_target_type_name); }
    std::vector<std::string> tags() const {
        std::size_t n = 0;
        detail::check(mesh_attribute_definition_tag_count(h_.get(), &n));
        std::vector<std::string> out;
        for (std::size_t i = 0; i < n; i++)
            out.push_back(detail::read_text([this, i](char *b, std::size_t c, std::size_t *l) {
                return mesh_attribute_definition_tag_at(h_.get(), i, b, c, l);
            }));
        return out;
    }
    std::int64_t minimum_cardinality() const {
        return number<std::int64_t>(mesh_attribute_definition_minimum_cardinality);
    }
    std::int64_t maximum_cardinality() const {
        return number<std::int64_t>(mesh_attribute_definition_maximum_cardinality);
    }
    std::int64_t default_int() const { return number<std::int64_t>(mesh_attribute_definition_default_int); }
    std::int64_t minimum_int() const { return number<std::int64_t>(mesh_attribute_definition_minimum_int); }
    std::int64_t maximum_int() const { return number<std::int64_t>(mesh_attribute_definition_maximum_int); }
    double default_double() const { return number<double>(mesh_attribute_definition_default_double); }
    double minimum_double() const { return number<double>(mesh_attribute_definition_minimum_double); }
    double maximum_double() const { return number<double>(mesh_attribute_definition_maximum_double); }
    bool default_bool() const { return number<std::int32_t>(mesh_attribute_definition_default_bool) != 0; }

private:
    friend class attribute;
    explicit attribute_definition(std::shared_ptr<mesh_attribute> h) : h_(std::move(h)) {}
    template <class F>
    std::string text(F f) const {
        return detail::text_of(h_.get(), f);
    }
    template <class T, class F>
    T number(F f) const {
        return detail::number_of<T>(h_.get(), f);
    }
    std::shared_ptr<mesh_attribute> h_;
};

/** One version of a versioned link: from when, to which object ("" for none). */
struct link_version {
    std::int64_t valid_from_ms;
    std::string target_id;
};

/**
 * An attribute: read alone (session::get_attribute) or a view into an object
 * or attribute list, which it keeps alive. Values by index and type; a
 * value of another type, or an index out of range, throws
 * MESH_ERROR_INVALID_ARGUMENT.
 */
class attribute {
public:
    std::string id() const { return text(mesh_attribute_id); }
    std::string path() const { return text(mesh_attribute_path); }
    std::string name() const { return text(mesh_attribute_name); }
    /** "" when the server did not say. */
    std::string owner_id() const { return text(mesh_attribute_owner_id); }
    /** A MESH_ATTRIBUTE_VALUE_TYPE_* number. */
    std::int32_t value_type() const { return number<std::int32_t>(mesh_attribute_value_type); }
    bool is_collection() const { return number<std::int32_t>(mesh_attribute_is_collection) != 0; }
    /** 1 for a single value; one per element or relation target; 0 for XY sets and rating curves. */
    std::size_t value_count() const { return number<std::size_t>(mesh_attribute_value_count); }

    std::int64_t as_int(std::size_t i = 0) const { return value<std::int64_t>(mesh_attribute_value_int_at, i); }
    double as_double(std::size_t i = 0) const { return value<double>(mesh_attribute_value_double_at, i); }
    bool as_bool(std::size_t i = 0) const { return value<std::int32_t>(mesh_attribute_value_bool_at, i) != 0; }
    /** ms since the Unix epoch, UTC. */
    std::int64_t as_utc_time(std::size_t i = 0) const {
        return value<std::int64_t>(mesh_attribute_value_utc_time_at, i);
    }
    std::string as_string(std::size_t i = 0) const { return indexed_text(mesh_attribute_value_string_at, i); }
    /** The object a relation value points at; "" for none. */
    std::string target_id(std::size_t i = 0) const { return indexed_text(mesh_attribute_value_target_id_at, i); }

    /** Every value of a collection (or the one value of a single attribute). */
    std::vector<std::int64_t> ints() const { return all([this](std::size_t i) { return as_int(i); }); }
    std::vector<double> doubles() const { return all([this](std::size_t i) { return as_double(i); }); }
    std::vector<bool> bools() const {
        std::vector<bool> out;
        for (std::size_t i = 0, n = value_count(); i < n; i++) out.push_back(as_bool(i));
        return out;
    }
    std::vector<std::int64_t> utc_times() const { return all([this](std::size_t i) { return as_utc_time(i); }); }
    std::vector<std::string> strings() const { return all([this](std::size_t i) { return as_string(i); }); }
    std::vector<std::string> target_ids() const { return all([this](std::size_t i) { return target_id(i); }); }

    /** Of a time series attribute: 0 when none is connected (see connected_resource). */
    std::int64_t timeseries_key() const { return number<std::int64_t>(mesh_attribute_timeseries_key); }
    /** The connected series' catalog entry, or nullptr when none is connected. */
    std::unique_ptr<timeseries_resource> connected_resource() const {
        mesh_timeseries_resource *r = nullptr;
        detail::check(mesh_attribute_timeseries_resource(h_.get(), &r));
        if (r == nullptr) return nullptr;
        timeseries_resource owned(r); /* freed if the allocation below fails */
        return std::unique_ptr<timeseries_resource>(new timeseries_resource(std::move(owned)));
    }
    /** Its local expression, or the definition's template when it has none. */
    std::string timeseries_expression() const { return text(mesh_attribute_timeseries_expression); }
    bool has_local_expression() const {
        return number<std::int32_t>(mesh_attribute_timeseries_is_local_expression) != 0;
    }
    /** The versions of versioned link value i, in time order. */
    std::vector<link_version> versions(std::size_t i = 0) const {
        std::size_t n = 0;
        detail::check(mesh_attribute_version_count_at(h_.get(), i, &n));
        std::vector<link_version> out;
        for (std::size_t v = 0; v < n; v++) {
            link_version lv;
            detail::check(mesh_attribute_version_valid_from_at(h_.get(), i, v, &lv.valid_from_ms));
            lv.target_id = detail::read_text([this, i, v](char *b, std::size_t c, std::size_t *l) {
                return mesh_attribute_version_target_id_at(h_.get(), i, v, b, c, l);
            });
            out.push_back(lv);
        }
        return out;
    }

    bool has_definition() const { return number<std::int32_t>(mesh_attribute_has_definition) != 0; }
    /** Throws MESH_ERROR_INVALID_ARGUMENT (on use) when read without definitions. */
    attribute_definition definition() const { return attribute_definition(h_); }

    const mesh_attribute *get() const noexcept { return h_.get(); }

private:
    friend class object;
    friend struct detail::view_maker;
    friend class session;
    explicit attribute(std::shared_ptr<mesh_attribute> h) : h_(std::move(h)) {}
    /** Owns what mesh_attribute_read returned. */
    static attribute owned(mesh_attribute *a) {
        return attribute(std::shared_ptr<mesh_attribute>(a, [](mesh_attribute *p) { mesh_attribute_free(p); }));
    }
    template <class F>
    std::string text(F f) const {
        return detail::text_of(h_.get(), f);
    }
    template <class F>
    std::string indexed_text(F f, std::size_t i) const {
        return detail::read_text(
            [this, f, i](char *b, std::size_t c, std::size_t *l) { return f(h_.get(), i, b, c, l); });
    }
    template <class T, class F>
    T number(F f) const {
        return detail::number_of<T>(h_.get(), f);
    }
    template <class T, class F>
    T value(F f, std::size_t i) const {
        T out = T();
        detail::check(f(h_.get(), i, &out));
        return out;
    }
    template <class F>
    auto all(F f) const -> std::vector<decltype(f(0))> {
        std::vector<decltype(f(0))> out;
        for (std::size_t i = 0, n = value_count(); i < n; i++) out.push_back(f(i));
        return out;
    }
    std::shared_ptr<mesh_attribute> h_;
};

/** Attributes a search found; attribute views keep the list alive. */
class attribute_list
    : public detail::borrowing_list<mesh_attribute_list, mesh_attribute, attribute,
                                    mesh_attribute_list_count, mesh_attribute_list_at,
                                    mesh_attribute_list_free> {
private:
    friend class session;
    explicit attribute_list(mesh_attribute_list *l) : borrowing_list(l) {}
};

/**
 * An object (or model): read alone, created, or a view into an object list,
 * which it keeps alive. Its attributes are those it was read with (see the
 * view and name filter of the call).
 */
class object {
public:
    std::string id() const { return text(mesh_object_id); }
    std::string path() const { return text(mesh_object_path); }
    std::string name() const { return text(mesh_object_name); }
    /** Its object (or model) definition's name. */
    std::string type_name() const { return text(mesh_object_type_name); }
    /** The owning ownership attribute; "" for a model. */
    std::string owner_id() const { return text(mesh_object_owner_id); }
    std::string owner_path() const { return text(mesh_object_owner_path); }
    std::size_t attribute_count() const {
        std::size_t n = 0;
        detail::check(mesh_object_attribute_count(h_.get(), &n));
        return n;
    }
    /** Attribute i, in the server's order. */
    attribute attribute_at(std::size_t i) const {
        mesh_attribute *a = nullptr;
        detail::check(mesh_object_attribute_at(h_.get(), i, &a));
        return attribute(std::shared_ptr<mesh_attribute>(h_, a));
    }
    /** By name; MESH_ERROR_NOT_FOUND when it was not read. */
    attribute attribute_named(const std::string &name) const {
        mesh_attribute *a = nullptr;
        detail::check(mesh_object_attribute_by_name(h_.get(), name.c_str(), &a));
        return attribute(std::shared_ptr<mesh_attribute>(h_, a));
    }
    std::vector<attribute> attributes() const {
        std::vector<attribute> out;
        for (std::size_t i = 0, n = attribute_count(); i < n; i++) out.push_back(attribute_at(i));
        return out;
    }
    const mesh_object *get() const noexcept { return h_.get(); }

private:
    friend struct detail::view_maker;
    friend class session;
    explicit object(std::shared_ptr<mesh_object> h) : h_(std::move(h)) {}
    static object owned(mesh_object *o) {
        return object(std::shared_ptr<mesh_object>(o, [](mesh_object *p) { mesh_object_free(p); }));
    }
    template <class F>
    std::string text(F f) const {
        return detail::text_of(h_.get(), f);
    }
    std::shared_ptr<mesh_object> h_;
};

/** Objects a search or the model list found; object views keep the list alive. */
class object_list
    : public detail::borrowing_list<mesh_object_list, mesh_object, object,
                                    mesh_object_list_count, mesh_object_list_at,
                                    mesh_object_list_free> {
private:
    friend class session;
    explicit object_list(mesh_object_list *l) : borrowing_list(l) {}
};

/** Id and path of a model thing (session::linked_from). */
struct model_ref {
    std::string id;
    std::string path;
};

/* ------------------------------------------------------ XY sets and curves */

/** One curve of an XY set: reference value z and points (x[i], y[i]). */
struct xy_curve {
    double reference_value;
    std::vector<double> x;
    std::vector<double> y;
};

/** XY sets as read (session::get_xy_sets) or built here to send (session::update_xy_sets). */
class xy_sets {
public:
    xy_sets() {
        mesh_xy_set_list *s = nullptr;
        detail::check(mesh_xy_set_list_new(&s));
        h_.reset(s);
    }
    /** Adds an empty set; MESH_TIME_NONE for the one set of an unversioned attribute. */
    xy_sets &add_set(std::int64_t valid_from_ms) {
        detail::check(mesh_xy_set_list_add_set(h_.get(), valid_from_ms));
        return *this;
    }
    /** Adds a curve to the last set added; x and y of equal length. */
    xy_sets &add_curve(double reference_value, const std::vector<double> &x, const std::vector<double> &y) {
        if (x.size() != y.size())
            throw error(MESH_ERROR_INVALID_ARGUMENT, "mesh::xy_sets::add_curve: x and y differ in length");
        detail::check(mesh_xy_set_list_add_curve(h_.get(), reference_value, x.data(), y.data(), x.size()));
        return *this;
    }
    std::size_t size() const {
        std::size_t n = 0;
        detail::check(mesh_xy_set_list_count(h_.get(), &n));
        return n;
    }
    /** MESH_TIME_NONE for the set of an unversioned attribute. */
    std::int64_t valid_from(std::size_t set) const {
        std::int64_t ms = 0;
        detail::check(mesh_xy_set_list_valid_from_at(h_.get(), set, &ms));
        return ms;
    }
    std::vector<xy_curve> curves(std::size_t set) const {
        std::size_t n = 0;
        detail::check(mesh_xy_set_list_curve_count_at(h_.get(), set, &n));
        std::vector<xy_curve> out;
        for (std::size_t c = 0; c < n; c++) {
            xy_curve curve;
            detail::check(mesh_xy_set_list_curve_reference_value_at(h_.get(), set, c, &curve.reference_value));
            std::size_t points = 0;
            detail::check(mesh_xy_set_list_curve_point_count_at(h_.get(), set, c, &points));
            curve.x.resize(points);
            curve.y.resize(points);
            detail::check(mesh_xy_set_list_curve_points_at(h_.get(), set, c, curve.x.data(), curve.y.data(), points));
            out.push_back(std::move(curve));
        }
        return out;
    }
    const mesh_xy_set_list *get() const noexcept { return h_.get(); }

private:
    friend class session;
    explicit xy_sets(mesh_xy_set_list *s) : h_(s) {}
    struct free_sets {
        void operator()(mesh_xy_set_list *s) const noexcept { mesh_xy_set_list_free(s); }
    };
    std::unique_ptr<mesh_xy_set_list, free_sets> h_;
};

/** A rating curve segment: up to x_range_until, with factors a, b, c. */
struct rating_segment {
    double x_range_until;
    double factor_a;
    double factor_b;
    double factor_c;
};

/** Rating curve versions as read (session::get_rating_curve) or built to send. */
class rating_curve {
public:
    rating_curve() {
        mesh_rating_curve *c = nullptr;
        detail::check(mesh_rating_curve_new(&c));
        h_.reset(c);
    }
    rating_curve &add_version(std::int64_t valid_from_ms, double x_range_from,
                              const std::vector<rating_segment> &segments) {
        std::vector<double> until, a, b, c;
        for (const auto &s : segments) {
            until.push_back(s.x_range_until);
            a.push_back(s.factor_a);
            b.push_back(s.factor_b);
            c.push_back(s.factor_c);
        }
        detail::check(mesh_rating_curve_add_version(h_.get(), valid_from_ms, x_range_from, until.data(), a.data(),
                                                    b.data(), c.data(), segments.size()));
        return *this;
    }
    std::size_t size() const {
        std::size_t n = 0;
        detail::check(mesh_rating_curve_version_count(h_.get(), &n));
        return n;
    }
    std::int64_t valid_from(std::size_t version) const {
        std::int64_t ms = 0;
        detail::check(mesh_rating_curve_valid_from_at(h_.get(), version, &ms));
        return ms;
    }
    double x_range_from(std::size_t version) const {
        double x = 0;
        detail::check(mesh_rating_curve_x_range_from_at(h_.get(), version, &x));
        return x;
    }
    std::vector<rating_segment> segments(std::size_t version) const {
        std::size_t n = 0;
        detail::check(mesh_rating_curve_segment_count_at(h_.get(), version, &n));
        std::vector<double> until(n), a(n), b(n), c(n);
        detail::check(
            mesh_rating_curve_segments_at(h_.get(), version, until.data(), a.data(), b.data(), c.data(), n));
        std::vector<rating_segment> out;
        for (std::size_t i = 0; i < n; i++) out.push_back(rating_segment{until[i], a[i], b[i], c[i]});
        return out;
    }
    const mesh_rating_curve *get() const noexcept { return h_.get(); }

private:
    friend class session;
    explicit rating_curve(mesh_rating_curve *c) : h_(c) {}
    struct free_curve {
        void operator()(mesh_rating_curve *c) const noexcept { mesh_rating_curve_free(c); }
    };
    std::unique_ptr<mesh_rating_curve, free_curve> h_;
};

/* ------------------------------------------------------------ availability */

/** How a period repeats (see MESH_RECURRENCE_TYPE_*): every `every` days,
 * weeks, months or years (0: not set), until until_ms (MESH_TIME_NONE: no
 * end). status is one of the server's revision or restriction statuses. */
struct recurrence {
    std::string status;
    std::string description;
    std::int32_t type = MESH_RECURRENCE_TYPE_NONE;
    std::uint32_t every = 0;
    std::int64_t until_ms = MESH_TIME_NONE;
};

/** [start_ms, end_ms), ms since the Unix epoch, UTC; both MESH_TIME_NONE for none. */
struct period {
    std::int64_t start_ms;
    std::int64_t end_ms;
};

/** A point of a complex restriction's curve: value from time_ms to the next point. */
struct time_point {
    std::int64_t time_ms;
    double value;
};

/** One instance (period) of an event; a restriction's carries its value. */
struct availability_instance {
    std::int64_t start_ms;
    std::int64_t end_ms;
    bool has_value;
    double value;
};

/**
 * What a restriction does, checked when made: basic (one value over a
 * period) or complex (a step curve), repeated as its recurrence says. For
 * session::create_restriction and restriction_update::recurrence; copies
 * share the one (unchangeable) handle.
 */
class restriction_recurrence {
public:
    static restriction_recurrence basic(const recurrence &r, std::int64_t start_ms, std::int64_t end_ms,
                                        double value) {
        mesh_restriction_recurrence *out = nullptr;
        detail::check(mesh_restriction_recurrence_new_basic(r.status.c_str(), r.description.c_str(), r.type,
                                                            r.every, r.until_ms, start_ms, end_ms, value, &out));
        return restriction_recurrence(out);
    }
    /** Each value holds from its time to the next; the last point ends the curve (at least 2, times increasing). */
    static restriction_recurrence complex_curve(const recurrence &r, const std::vector<time_point> &points) {
        std::vector<std::int64_t> times;
        std::vector<double> values;
        for (const auto &p : points) {
            times.push_back(p.time_ms);
            values.push_back(p.value);
        }
        mesh_restriction_recurrence *out = nullptr;
        detail::check(mesh_restriction_recurrence_new_complex(r.status.c_str(), r.description.c_str(), r.type,
                                                              r.every, r.until_ms, times.data(), values.data(),
                                                              points.size(), &out));
        return restriction_recurrence(out);
    }
    const mesh_restriction_recurrence *get() const noexcept { return h_.get(); }

private:
    explicit restriction_recurrence(mesh_restriction_recurrence *r)
        : h_(r, [](mesh_restriction_recurrence *p) { mesh_restriction_recurrence_free(p); }) {}
    std::shared_ptr<mesh_restriction_recurrence> h_;
};

/** Who created an event and when, for session::create_revision and
 * create_restriction: what is set here is taken as given ("" too); the rest
 * the server chooses (the caller's name, or ""; now). */
class event_record {
public:
    event_record &created_author(std::string author) {
        created_author_ = std::move(author);
        set_created_author_ = true;
        return *this;
    }
    event_record &created_ms(std::int64_t ms) {
        created_ms_ = ms;
        return *this;
    }
    /** Left unset: the created author. */
    event_record &last_changed_author(std::string author) {
        last_changed_author_ = std::move(author);
        set_last_changed_author_ = true;
        return *this;
    }

private:
    friend class session;
    std::string created_author_, last_changed_author_;
    std::int64_t created_ms_ = MESH_TIME_NONE;
    bool set_created_author_ = false, set_last_changed_author_ = false;
};

/** What session::update_revision changes: the parts set here (at least one). */
class revision_update {
public:
    revision_update &local_id(std::string id) {
        local_id_ = std::move(id);
        set_local_id_ = true;
        return *this;
    }
    revision_update &reason(std::string text) {
        reason_ = std::move(text);
        set_reason_ = true;
        return *this;
    }
    /** Who changes it; left unset, the server chooses. */
    revision_update &author(std::string name) {
        author_ = std::move(name);
        set_author_ = true;
        return *this;
    }

private:
    friend class session;
    std::string local_id_, reason_, author_;
    bool set_local_id_ = false, set_reason_ = false, set_author_ = false;
};

/** What session::update_restriction changes: the parts set here (at least one). */
class restriction_update {
public:
    restriction_update &local_id(std::string id) {
        local_id_ = std::move(id);
        set_local_id_ = true;
        return *this;
    }
    restriction_update &reason(std::string text) {
        reason_ = std::move(text);
        set_reason_ = true;
        return *this;
    }
    restriction_update &category(std::string name) {
        category_ = std::move(name);
        set_category_ = true;
        return *this;
    }
    restriction_update &recurrence(restriction_recurrence r) {
        recurrence_.reset(new restriction_recurrence(std::move(r)));
        return *this;
    }
    /** Who changes it; left unset, the server chooses. */
    restriction_update &author(std::string name) {
        author_ = std::move(name);
        set_author_ = true;
        return *this;
    }

private:
    friend class session;
    std::string local_id_, reason_, category_, author_;
    std::shared_ptr<restriction_recurrence> recurrence_;
    bool set_local_id_ = false, set_reason_ = false, set_category_ = false, set_author_ = false;
};

/**
 * A revision (type() MESH_AVAILABILITY_EVENT_TYPE_REVISION: the object is
 * out of service) or a restriction (_RESTRICTION: it runs with a limit), as
 * read: alone, or a view into an event list, which it keeps alive. A
 * snapshot. Recurrences by index, below recurrence_count(): a revision's
 * (none until added), or a restriction's one. What an event of the other
 * kind has not throws MESH_ERROR_INVALID_ARGUMENT.
 */
class availability_event {
public:
    /** A MESH_AVAILABILITY_EVENT_TYPE_* number. */
    std::int32_t type() const { return number<std::int32_t>(mesh_availability_event_type); }
    bool is_revision() const { return type() == MESH_AVAILABILITY_EVENT_TYPE_REVISION; }
    /** The id of the object it belongs to. */
    std::string owner_id() const { return text(mesh_availability_event_owner_id); }
    std::string event_id() const { return text(mesh_availability_event_event_id); }
    std::string local_id() const { return text(mesh_availability_event_local_id); }
    std::string reason() const { return text(mesh_availability_event_reason); }
    /** Restrictions only. */
    std::string category() const { return text(mesh_availability_event_category); }
    std::string created_author() const { return text(mesh_availability_event_created_author); }
    std::int64_t created_ms() const { return number<std::int64_t>(mesh_availability_event_created_timestamp); }
    std::string last_changed_author() const { return text(mesh_availability_event_last_changed_author); }
    std::int64_t last_changed_ms() const {
        return number<std::int64_t>(mesh_availability_event_last_changed_timestamp);
    }

    std::size_t recurrence_count() const { return number<std::size_t>(mesh_availability_event_recurrence_count); }
    /** A revision's recurrence id (for session::delete_revision_recurrence). */
    std::uint32_t recurrence_id(std::size_t i) const {
        return at<std::uint32_t>(mesh_availability_event_recurrence_id_at, i);
    }
    recurrence recurrence_at(std::size_t i) const {
        recurrence r;
        r.status = indexed_text(mesh_availability_event_recurrence_status_at, i);
        r.description = indexed_text(mesh_availability_event_recurrence_description_at, i);
        r.type = at<std::int32_t>(mesh_availability_event_recurrence_type_at, i);
        r.every = at<std::uint32_t>(mesh_availability_event_recurrence_every_at, i);
        r.until_ms = at<std::int64_t>(mesh_availability_event_recurrence_until_at, i);
        return r;
    }
    /** The first period of a revision's recurrence, or of a basic restriction. */
    period first_period(std::size_t i = 0) const {
        period p{MESH_TIME_NONE, MESH_TIME_NONE};
        detail::check(mesh_availability_event_recurrence_period_at(h_.get(), i, &p.start_ms, &p.end_ms));
        return p;
    }
    /** The instance in force when it was read, else the next; both MESH_TIME_NONE for none. */
    period active_period(std::size_t i = 0) const {
        period p{MESH_TIME_NONE, MESH_TIME_NONE};
        detail::check(mesh_availability_event_active_period_at(h_.get(), i, &p.start_ms, &p.end_ms));
        return p;
    }

    /** Restrictions: a step curve (points()) or one value (value()). */
    bool is_complex() const { return number<std::int32_t>(mesh_availability_event_restriction_is_complex) != 0; }
    double value() const { return number<double>(mesh_availability_event_restriction_value); }
    std::vector<time_point> points() const {
        std::size_t n = number<std::size_t>(mesh_availability_event_restriction_point_count);
        std::vector<std::int64_t> times(n);
        std::vector<double> values(n);
        detail::check(mesh_availability_event_restriction_points(h_.get(), times.data(), values.data(), n));
        std::vector<time_point> out;
        for (std::size_t i = 0; i < n; i++) out.push_back(time_point{times[i], values[i]});
        return out;
    }
    const mesh_availability_event *get() const noexcept { return h_.get(); }

private:
    friend struct detail::view_maker;
    friend class session;
    explicit availability_event(std::shared_ptr<mesh_availability_event> h) : h_(std::move(h)) {}
    static availability_event owned(mesh_availability_event *e) {
        return availability_event(std::shared_ptr<mesh_availability_event>(
            e, [](mesh_availability_event *p) { mesh_availability_event_free(p); }));
    }
    template <class F>
    std::string text(F f) const {
        return detail::text_of(h_.get(), f);
    }
    template <class F>
    std::string indexed_text(F f, std::size_t i) const {
        return detail::read_text(
            [this, f, i](char *b, std::size_t c, std::size_t *l) { return f(h_.get(), i, b, c, l); });
    }
    template <class T, class F>
    T number(F f) const {
        return detail::number_of<T>(h_.get(), f);
    }
    template <class T, class F>
    T at(F f, std::size_t i) const {
        T out = T();
        detail::check(f(h_.get(), i, &out));
        return out;
    }
    std::shared_ptr<mesh_availability_event> h_;
};

/** Events a search found; event views keep the list alive. */
class availability_event_list
    : public detail::borrowing_list<mesh_availability_event_list, mesh_availability_event, availability_event,
                                    mesh_availability_event_list_count, mesh_availability_event_list_at,
                                    mesh_availability_event_list_free> {
private:
    friend class session;
    explicit availability_event_list(mesh_availability_event_list *l) : borrowing_list(l) {}
};

/* ------------------------------------------------------------ calculations */

/**
 * What a calculation gave: series, numbers or strings (kind()), by index. It
 * holds its data itself: valid after its session is closed.
 */
class calc_result {
public:
    /** MESH_CALC_RESULT_KIND_SERIES, _NUMBERS, _STRINGS, or MESH_CALC_RESULT_KIND_NONE. */
    std::int32_t kind() const {
        std::int32_t k = 0;
        detail::check(mesh_calc_result_kind(h_.get(), &k));
        return k;
    }
    std::size_t size() const {
        std::size_t n = 0;
        detail::check(mesh_calc_result_count(h_.get(), &n));
        return n;
    }
    /** Series i (of a MESH_CALC_RESULT_KIND_SERIES result); the points outlive this result. */
    points series(std::size_t i) const {
        mesh_point_list *p = nullptr;
        detail::check(mesh_calc_result_series_at(h_.get(), i, &p));
        return points(p);
    }
    /** A MESH_RESOLUTION_* number. */
    std::int32_t resolution(std::size_t i) const {
        std::int32_t r = 0;
        detail::check(mesh_calc_result_resolution_at(h_.get(), i, &r));
        return r;
    }
    /** Number i (NaN where Mesh found no value). */
    double number(std::size_t i) const {
        double v = 0;
        detail::check(mesh_calc_result_number_at(h_.get(), i, &v));
        return v;
    }
    std::string string(std::size_t i) const {
        return detail::read_text([this, i](char *b, std::size_t c, std::size_t *l) {
            return mesh_calc_result_string_at(h_.get(), i, b, c, l);
        });
    }
    std::vector<double> numbers() const {
        std::vector<double> out;
        for (std::size_t i = 0, n = size(); i < n; i++) out.push_back(number(i));
        return out;
    }
    std::vector<std::string> strings() const {
        std::vector<std::string> out;
        for (std::size_t i = 0, n = size(); i < n; i++) out.push_back(string(i));
        return out;
    }
    const mesh_calc_result *get() const noexcept { return h_.get(); }

private:
    friend class session;
    explicit calc_result(mesh_calc_result *r) : h_(r) {}
    struct free_result {
        void operator()(mesh_calc_result *r) const noexcept { mesh_calc_result_free(r); }
    };
    std::unique_ptr<mesh_calc_result, free_result> h_;
};

/**
 * Text of Mesh's calculation language, built by the library. A search
 * string "" means the series the calculation is relative to.
 */
namespace calc {

namespace detail {
inline const char *search_or_null(const std::string &search) { return search.empty() ? nullptr : search.c_str(); }
} // namespace detail

/** text as a string literal ('O''Neil'): the one safe way to put user text into an expression. */
inline std::string quote(const std::string &text) {
    return mesh::detail::read_text(
        [&](char *b, std::size_t c, std::size_t *l) { return mesh_calc_expression_quote(text.c_str(), b, c, l); });
}
/** E.g. "UTC20160105174811123". */
inline std::string time_literal(std::int64_t ms) {
    return mesh::detail::read_text(
        [ms](char *b, std::size_t c, std::size_t *l) { return mesh_calc_expression_time_literal(ms, b, c, l); });
}
/** The expressions session::calc_* run. */
inline std::string transform_expression(const std::string &search, std::int32_t resolution, std::int32_t method,
                                        std::int32_t zone) {
    return mesh::detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
        return mesh_calc_expression_transform(detail::search_or_null(search), resolution, method, zone, b, c, l);
    });
}
inline std::string sum_expression(const std::string &search) {
    return mesh::detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
        return mesh_calc_expression_sum(detail::search_or_null(search), b, c, l);
    });
}
inline std::string sum_list_expression(const std::string &search) {
    return mesh::detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
        return mesh_calc_expression_sum_list(detail::search_or_null(search), b, c, l);
    });
}
inline std::string all_forecasts_expression(const std::string &search) {
    return mesh::detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
        return mesh_calc_expression_all_forecasts(detail::search_or_null(search), b, c, l);
    });
}
inline std::string forecast_expression(const std::string &search, std::int64_t t0_min_ms = MESH_TIME_NONE,
                                       std::int64_t t0_max_ms = MESH_TIME_NONE,
                                       std::int64_t available_at_ms = MESH_TIME_NONE) {
    return mesh::detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
        return mesh_calc_expression_forecast(detail::search_or_null(search), t0_min_ms, t0_max_ms, available_at_ms,
                                             b, c, l);
    });
}
inline std::string historical_versions_expression(const std::string &search, std::int32_t max_versions) {
    return mesh::detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
        return mesh_calc_expression_historical_versions(detail::search_or_null(search), max_versions, b, c, l);
    });
}
inline std::string as_of_time_expression(const std::string &search, std::int64_t available_at_ms) {
    return mesh::detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
        return mesh_calc_expression_as_of_time(detail::search_or_null(search), available_at_ms, b, c, l);
    });
}

} // namespace calc

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
    /** Makes this session's calls in flight on other threads throw
     *  MESH_ERROR_CANCELLED at once (mesh_session_interrupt). */
    void interrupt() const { detail::check(mesh_session_interrupt(handle_)); }

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
        mesh_point_list *p = nullptr;
        detail::check(mesh_timeseries_read_by_key(handle_, key, start_ms, end_ms, &p));
        return points(p);
    }
    points read_timeseries_by_path(const std::string &path, std::int64_t start_ms,
                                   std::int64_t end_ms) {
        mesh_point_list *p = nullptr;
        detail::check(mesh_timeseries_read_by_path(handle_, path.c_str(), start_ms, end_ms, &p));
        return points(p);
    }
    points read_timeseries_by_id(const std::string &id, std::int64_t start_ms, std::int64_t end_ms) {
        mesh_point_list *p = nullptr;
        detail::check(mesh_timeseries_read_by_id(handle_, id.c_str(), start_ms, end_ms, &p));
        return points(p);
    }

    /** Replaces [start_ms, end_ms) with the points, in this session. */
    void write_timeseries_by_key(std::int64_t key, std::int64_t start_ms, std::int64_t end_ms,
                                 const std::vector<point> &pts) {
        columns c(pts);
        detail::check(mesh_timeseries_write_by_key(handle_, key, start_ms, end_ms, c.t.data(),
                                                   c.f.data(), c.v.data(), pts.size()));
    }
    void write_timeseries_by_path(const std::string &path, std::int64_t start_ms,
                                  std::int64_t end_ms, const std::vector<point> &pts) {
        columns c(pts);
        detail::check(mesh_timeseries_write_by_path(handle_, path.c_str(), start_ms, end_ms,
                                                    c.t.data(), c.f.data(), c.v.data(), pts.size()));
    }
    void write_timeseries_by_id(const std::string &id, std::int64_t start_ms, std::int64_t end_ms,
                                const std::vector<point> &pts) {
        columns c(pts);
        detail::check(mesh_timeseries_write_by_id(handle_, id.c_str(), start_ms, end_ms, c.t.data(),
                                                  c.f.data(), c.v.data(), pts.size()));
    }

    /** Deletes the points in [start_ms, end_ms), in this session. */
    void delete_timeseries_by_key(std::int64_t key, std::int64_t start_ms, std::int64_t end_ms) {
        detail::check(mesh_timeseries_delete_by_key(handle_, key, start_ms, end_ms));
    }
    void delete_timeseries_by_path(const std::string &path, std::int64_t start_ms, std::int64_t end_ms) {
        detail::check(mesh_timeseries_delete_by_path(handle_, path.c_str(), start_ms, end_ms));
    }
    void delete_timeseries_by_id(const std::string &id, std::int64_t start_ms, std::int64_t end_ms) {
        detail::check(mesh_timeseries_delete_by_id(handle_, id.c_str(), start_ms, end_ms));
    }

    /** The catalog entry of the series with this key; MESH_ERROR_NOT_FOUND if none. */
    timeseries_resource get_timeseries_resource(std::int64_t key) {
        mesh_timeseries_resource *r = nullptr;
        detail::check(mesh_timeseries_resource_read(handle_, key, &r));
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
        mesh_unit_list *u = nullptr;
        detail::check(mesh_unit_list_read(handle_, &u));
        return units(u);
    }

    /* --- model: reading. view is a MESH_MODEL_VIEW_* number. Three masks choose
     * the attributes each object carries, each "" for none or names separated
     * by commas: attribute_names (those names), tag_names (those with one of
     * the tags), namespace_names (those whose namespace has one of them as a
     * part; no dots). Names do not combine with tags or namespaces. */

    /** Every model (root object) with its attributes. */
    object_list list_models() {
        mesh_object_list *l = nullptr;
        detail::check(mesh_model_list_read(handle_, &l));
        return object_list(l);
    }
    /** By id or path; MESH_ERROR_NOT_FOUND when there is none. */
    object get_object(const std::string &target, std::int32_t view = MESH_MODEL_VIEW_FULL,
                      const std::string &attribute_names = std::string(),
                      const std::string &tag_names = std::string(),
                      const std::string &namespace_names = std::string()) {
        mesh_object *o = nullptr;
        detail::check(mesh_object_read(handle_, target.c_str(), view, names_or_null(attribute_names),
                                       names_or_null(tag_names), names_or_null(namespace_names), &o));
        return object::owned(o);
    }
    /** Runs a query of Mesh's search language (e.g. "*[.Type=ChimneyElementType]") from start. */
    object_list search_objects(const std::string &start, const std::string &query,
                               std::int32_t view = MESH_MODEL_VIEW_FULL,
                               const std::string &attribute_names = std::string(),
                               const std::string &tag_names = std::string(),
                               const std::string &namespace_names = std::string()) {
        mesh_object_list *l = nullptr;
        detail::check(mesh_object_search(handle_, start.c_str(), query.c_str(), view,
                                         names_or_null(attribute_names), names_or_null(tag_names),
                                         names_or_null(namespace_names), &l));
        return object_list(l);
    }
    /** Every object of an object definition (id or "Repository/..." path). */
    object_list search_objects_by_definition(const std::string &definition, std::int32_t view = MESH_MODEL_VIEW_FULL,
                                             const std::string &attribute_names = std::string(),
                                             const std::string &tag_names = std::string(),
                                             const std::string &namespace_names = std::string()) {
        mesh_object_list *l = nullptr;
        detail::check(mesh_object_search_by_definition(handle_, definition.c_str(), view,
                                                       names_or_null(attribute_names), names_or_null(tag_names),
                                                       names_or_null(namespace_names), &l));
        return object_list(l);
    }
    /** By id or path ("Model/.../Plant.DblAtt"); view MESH_MODEL_VIEW_FULL or MESH_MODEL_VIEW_NO_DEFINITIONS. */
    attribute get_attribute(const std::string &target, std::int32_t view = MESH_MODEL_VIEW_FULL) {
        mesh_attribute *a = nullptr;
        detail::check(mesh_attribute_read(handle_, target.c_str(), view, &a));
        return attribute::owned(a);
    }
    /** A query ending in ".Name" or ".A,B,C", e.g. "{*}.DblAtt". */
    attribute_list search_attributes(const std::string &start, const std::string &query,
                                     std::int32_t view = MESH_MODEL_VIEW_FULL) {
        mesh_attribute_list *l = nullptr;
        detail::check(mesh_attribute_search(handle_, start.c_str(), query.c_str(), view, &l));
        return attribute_list(l);
    }
    /** The link relation attributes that point at target. */
    std::vector<model_ref> linked_from(const std::string &target) {
        mesh_id_list *raw = nullptr;
        detail::check(mesh_object_read_linked_from(handle_, target.c_str(), &raw));
        return refs_of(raw);
    }

    /* --- model: changes, in this session (others see them after commit). */

    void set_int(const std::string &target, std::int64_t value) {
        detail::check(mesh_attribute_update_int(handle_, target.c_str(), value));
    }
    void set_double(const std::string &target, double value) {
        detail::check(mesh_attribute_update_double(handle_, target.c_str(), value));
    }
    void set_bool(const std::string &target, bool value) {
        detail::check(mesh_attribute_update_bool(handle_, target.c_str(), value ? 1 : 0));
    }
    void set_string(const std::string &target, const std::string &value) {
        detail::check(mesh_attribute_update_string(handle_, target.c_str(), value.c_str()));
    }
    void set_utc_time(const std::string &target, std::int64_t value_ms) {
        detail::check(mesh_attribute_update_utc_time(handle_, target.c_str(), value_ms));
    }
    /** Collections: replace every element (an empty vector empties it). */
    void set_ints(const std::string &target, const std::vector<std::int64_t> &values) {
        detail::check(mesh_attribute_update_ints(handle_, target.c_str(), values.data(), values.size()));
    }
    void set_doubles(const std::string &target, const std::vector<double> &values) {
        detail::check(mesh_attribute_update_doubles(handle_, target.c_str(), values.data(), values.size()));
    }
    void set_bools(const std::string &target, const std::vector<bool> &values) {
        std::vector<std::int32_t> ints;
        for (bool b : values) ints.push_back(b ? 1 : 0);
        detail::check(mesh_attribute_update_bools(handle_, target.c_str(), ints.data(), ints.size()));
    }
    void set_utc_times(const std::string &target, const std::vector<std::int64_t> &values_ms) {
        detail::check(mesh_attribute_update_utc_times(handle_, target.c_str(), values_ms.data(), values_ms.size()));
    }
    void set_strings(const std::string &target, const std::vector<std::string> &values) {
        std::vector<const char *> texts = c_strings(values);
        detail::check(mesh_attribute_update_strings(handle_, target.c_str(), texts.data(), texts.size()));
    }
    /** Connects the series with this key to a time series attribute; 0 disconnects it. */
    void set_timeseries_key(const std::string &target, std::int64_t key) {
        detail::check(mesh_attribute_update_timeseries_key(handle_, target.c_str(), key));
    }
    /** A time series attribute's local expression; "" goes back to the definition's template. */
    void set_expression(const std::string &target, const std::string &expression) {
        detail::check(mesh_attribute_update_expression(handle_, target.c_str(), expression.c_str()));
    }
    /** Changes a time series attribute definition (id or path), for all its
     * attributes: what the update sets; at least one part. */
    void update_attribute_definition(const std::string &target, const definition_update &update) {
        detail::check(mesh_attribute_definition_update(
            handle_, target.c_str(), update.set_template_ ? update.template_.c_str() : nullptr,
            update.set_description_ ? update.description_.c_str() : nullptr));
    }
    /** A link relation's targets (object ids), replaced, or added to with append. */
    void set_links(const std::string &target, const std::vector<std::string> &target_ids, bool append = false) {
        std::vector<const char *> ids = c_strings(target_ids);
        detail::check(mesh_attribute_update_links(handle_, target.c_str(), ids.data(), ids.size(), append ? 1 : 0));
    }
    /** A one-to-one versioned link's versions in [start_ms, end_ms) (MESH_TIME_NONE both: all time). */
    void set_link_versions(const std::string &target, std::int64_t start_ms, std::int64_t end_ms,
                           const std::vector<link_version> &versions) {
        std::vector<std::int64_t> from;
        std::vector<const char *> ids;
        for (const auto &v : versions) {
            from.push_back(v.valid_from_ms);
            ids.push_back(v.target_id.c_str());
        }
        detail::check(mesh_attribute_update_link_versions(handle_, target.c_str(), start_ms, end_ms, from.data(),
                                                       ids.data(), versions.size()));
    }
    /** Every entry of a one-to-many versioned link, replaced by these (each its versions). */
    void set_link_version_entries(const std::string &target,
                                  const std::vector<std::vector<link_version>> &entries) {
        std::vector<std::size_t> sizes;
        std::vector<std::int64_t> from;
        std::vector<const char *> ids;
        for (const auto &entry : entries) {
            sizes.push_back(entry.size());
            for (const auto &v : entry) {
                from.push_back(v.valid_from_ms);
                ids.push_back(v.target_id.c_str());
            }
        }
        detail::check(mesh_attribute_update_link_version_entries(handle_, target.c_str(), sizes.data(), sizes.size(),
                                                              from.data(), ids.data(), ids.size()));
    }
    /**
     * A new object named name under owner (an ownership attribute); for a
     * first-level object owner names the model and definition the object
     * definition, otherwise definition is "".
     */
    object create_object(const std::string &owner, const std::string &name,
                         const std::string &definition = std::string()) {
        mesh_object *o = nullptr;
        detail::check(mesh_object_create(handle_, owner.c_str(), name.c_str(),
                                         definition.empty() ? nullptr : definition.c_str(), &o));
        return object::owned(o);
    }
    object create_model(const std::string &name, const std::string &definition) {
        mesh_object *o = nullptr;
        detail::check(mesh_model_create(handle_, name.c_str(), definition.c_str(), &o));
        return object::owned(o);
    }
    void rename_object(const std::string &target, const std::string &new_name) {
        detail::check(mesh_object_rename(handle_, target.c_str(), new_name.c_str()));
    }
    void move_object(const std::string &target, const std::string &new_owner) {
        detail::check(mesh_object_move(handle_, target.c_str(), new_owner.c_str()));
    }
    /** An object owning others is deleted, with them, only when recursive. */
    void delete_object(const std::string &target, bool recursive = false) {
        detail::check(mesh_object_delete(handle_, target.c_str(), recursive ? 1 : 0));
    }

    /** Of an XY set attribute: the sets valid in [start_ms, end_ms), or (both MESH_TIME_NONE) its one set. */
    xy_sets get_xy_sets(const std::string &target, std::int64_t start_ms = MESH_TIME_NONE,
                        std::int64_t end_ms = MESH_TIME_NONE, bool versions_only = false) {
        mesh_xy_set_list *s = nullptr;
        detail::check(mesh_xy_set_list_read(handle_, target.c_str(), start_ms, end_ms, versions_only ? 1 : 0, &s));
        return xy_sets(s);
    }
    void update_xy_sets(const std::string &target, std::int64_t start_ms, std::int64_t end_ms,
                        const xy_sets &sets) {
        detail::check(mesh_xy_set_list_update(handle_, target.c_str(), start_ms, end_ms, sets.get()));
    }
    rating_curve get_rating_curve(const std::string &target, std::int64_t start_ms, std::int64_t end_ms,
                                  bool versions_only = false) {
        mesh_rating_curve *c = nullptr;
        detail::check(mesh_rating_curve_read(handle_, target.c_str(), start_ms, end_ms, versions_only ? 1 : 0, &c));
        return rating_curve(c);
    }
    /** Replaces the versions in [start_ms, end_ms) with those of curve. */
    void update_rating_curve(const std::string &target, std::int64_t start_ms, std::int64_t end_ms,
                             const rating_curve &curve) {
        detail::check(mesh_rating_curve_update(handle_, target.c_str(), start_ms, end_ms, curve.get()));
    }

    /* --- availability: revisions (the object is out of service) and
     * restrictions (it runs with a limit) of an object (target: id or path),
     * in this session (others see them after commit). Names as the official
     * Python client's. An author "" lets the server choose. */

    /** A revision without periods: add them with add_revision_recurrence. */
    availability_event create_revision(const std::string &target, const std::string &event_id,
                                       const std::string &local_id = std::string(),
                                       const std::string &reason = std::string(),
                                       const event_record &record = event_record()) {
        mesh_availability_event *e = nullptr;
        detail::check(mesh_revision_create(handle_, target.c_str(), event_id.c_str(), local_id.c_str(),
                                           reason.c_str(), record_author(record, false), record.created_ms_,
                                           record_author(record, true), &e));
        return availability_event::owned(e);
    }
    /** category: one of the server's availability categories, e.g. "DischargeMax[m3/s]". */
    availability_event create_restriction(const std::string &target, const std::string &event_id,
                                          const std::string &category, const restriction_recurrence &what,
                                          const std::string &local_id = std::string(),
                                          const std::string &reason = std::string(),
                                          const event_record &record = event_record()) {
        mesh_availability_event *e = nullptr;
        detail::check(mesh_restriction_create(handle_, target.c_str(), event_id.c_str(), category.c_str(),
                                              local_id.c_str(), reason.c_str(), what.get(),
                                              record_author(record, false), record.created_ms_,
                                              record_author(record, true), &e));
        return availability_event::owned(e);
    }
    /** Adds [start_ms, end_ms), repeated as pattern says, to a revision; returns the recurrence's id. */
    std::uint32_t add_revision_recurrence(const std::string &target, const std::string &event_id,
                                          const recurrence &pattern, std::int64_t start_ms, std::int64_t end_ms,
                                          const std::string &author = std::string()) {
        std::uint32_t id = 0;
        detail::check(mesh_revision_recurrence_create(handle_, target.c_str(), event_id.c_str(),
                                                      pattern.status.c_str(), pattern.description.c_str(),
                                                      pattern.type, pattern.every, pattern.until_ms, start_ms,
                                                      end_ms, author_or_null(author), &id));
        return id;
    }
    void delete_revision_recurrence(const std::string &target, const std::string &event_id,
                                    std::uint32_t recurrence_id, const std::string &author = std::string()) {
        detail::check(mesh_revision_recurrence_delete(handle_, target.c_str(), event_id.c_str(), recurrence_id,
                                                      author_or_null(author)));
    }
    /** MESH_ERROR_NOT_FOUND when the object or the event is not found. */
    availability_event get_availability_event(const std::string &target, const std::string &event_id) {
        mesh_availability_event *e = nullptr;
        detail::check(mesh_availability_event_read(handle_, target.c_str(), event_id.c_str(), &e));
        return availability_event::owned(e);
    }
    /** The events of a MESH_AVAILABILITY_EVENT_TYPE_* of the objects (at least one), object by object. */
    availability_event_list search_availability_events(std::int32_t event_type,
                                                       const std::vector<std::string> &targets) {
        std::vector<const char *> texts = c_strings(targets);
        mesh_availability_event_list *l = nullptr;
        detail::check(mesh_availability_event_search(handle_, event_type, texts.data(), texts.size(), &l));
        return availability_event_list(l);
    }
    /** All or none: MESH_ERROR_NOT_FOUND when one is not found. */
    void delete_availability_events_by_id(const std::string &target, const std::vector<std::string> &event_ids) {
        std::vector<const char *> ids = c_strings(event_ids);
        detail::check(mesh_availability_event_delete_by_id(handle_, target.c_str(), ids.data(), ids.size()));
    }
    /** Every event of a MESH_AVAILABILITY_EVENT_TYPE_* of the object. */
    void delete_availability_events(const std::string &target, std::int32_t event_type) {
        detail::check(mesh_availability_event_delete_by_type(handle_, target.c_str(), event_type));
    }
    /** An event's instances that start or end in [start_ms, end_ms), earliest first. */
    std::vector<availability_instance> search_instances(const std::string &target, const std::string &event_id,
                                                        std::int64_t start_ms, std::int64_t end_ms) {
        mesh_availability_instance_list *raw = nullptr;
        detail::check(
            mesh_availability_instance_search(handle_, target.c_str(), event_id.c_str(), start_ms, end_ms, &raw));
        return instances_of(raw);
    }
    void update_revision(const std::string &target, const std::string &event_id, const revision_update &update) {
        detail::check(mesh_revision_update(
            handle_, target.c_str(), event_id.c_str(), update.set_local_id_ ? update.local_id_.c_str() : nullptr,
            update.set_reason_ ? update.reason_.c_str() : nullptr,
            update.set_author_ ? update.author_.c_str() : nullptr));
    }
    void update_restriction(const std::string &target, const std::string &event_id,
                            const restriction_update &update) {
        detail::check(mesh_restriction_update(
            handle_, target.c_str(), event_id.c_str(), update.set_local_id_ ? update.local_id_.c_str() : nullptr,
            update.set_reason_ ? update.reason_.c_str() : nullptr,
            update.set_category_ ? update.category_.c_str() : nullptr,
            update.recurrence_ ? update.recurrence_->get() : nullptr,
            update.set_author_ ? update.author_.c_str() : nullptr));
    }

    /* --- calculations over [start_ms, end_ms). target: the object,
     * attribute or series (id or path) the expression is relative to;
     * search "": target itself. */

    /** Runs an expression of Mesh's calculation language ("## = ..."); user text only through calc::quote. */
    calc_result run_calculation(const std::string &target, const std::string &expression, std::int64_t start_ms,
                                std::int64_t end_ms) {
        mesh_calc_result *r = nullptr;
        detail::check(mesh_calc_run(handle_, target.c_str(), expression.c_str(), start_ms, end_ms, &r));
        return calc_result(r);
    }
    calc_result run_calculation_by_key(std::int64_t key, const std::string &expression, std::int64_t start_ms,
                                       std::int64_t end_ms) {
        mesh_calc_result *r = nullptr;
        detail::check(mesh_calc_run_by_key(handle_, key, expression.c_str(), start_ms, end_ms, &r));
        return calc_result(r);
    }
    /** A series at another resolution: MESH_RESOLUTION_*, MESH_TRANSFORM_METHOD_* (not IMPLICIT), MESH_TRANSFORM_ZONE_*. */
    points calc_transform(const std::string &target, const std::string &search, std::int64_t start_ms,
                          std::int64_t end_ms, std::int32_t resolution, std::int32_t method,
                          std::int32_t zone = MESH_TRANSFORM_ZONE_DEFAULT) {
        mesh_point_list *p = nullptr;
        detail::check(mesh_calc_run_transform(handle_, target.c_str(), calc::detail::search_or_null(search), start_ms,
                                          end_ms, resolution, method, zone, &p));
        return points(p);
    }
    /** The sum of one series' values (NaN when it has none). */
    double calc_sum(const std::string &target, const std::string &search, std::int64_t start_ms,
                    std::int64_t end_ms) {
        double out = 0;
        detail::check(
            mesh_calc_run_sum(handle_, target.c_str(), calc::detail::search_or_null(search), start_ms, end_ms, &out));
        return out;
    }
    /** The point-wise sum of every series search finds. */
    points calc_sum_list(const std::string &target, const std::string &search, std::int64_t start_ms,
                         std::int64_t end_ms) {
        mesh_point_list *p = nullptr;
        detail::check(mesh_calc_run_sum_list(handle_, target.c_str(), search.c_str(), start_ms, end_ms, &p));
        return points(p);
    }
    calc_result calc_all_forecasts(const std::string &target, const std::string &search, std::int64_t start_ms,
                                   std::int64_t end_ms) {
        mesh_calc_result *r = nullptr;
        detail::check(mesh_calc_run_all_forecasts(handle_, target.c_str(), calc::detail::search_or_null(search),
                                              start_ms, end_ms, &r));
        return calc_result(r);
    }
    /** One forecast: for the interval's start, or the one whose t0 is in (t0_min_ms, t0_max_ms]. */
    points calc_forecast(const std::string &target, const std::string &search, std::int64_t start_ms,
                         std::int64_t end_ms, std::int64_t t0_min_ms = MESH_TIME_NONE,
                         std::int64_t t0_max_ms = MESH_TIME_NONE, std::int64_t available_at_ms = MESH_TIME_NONE) {
        mesh_point_list *p = nullptr;
        detail::check(mesh_calc_run_forecast(handle_, target.c_str(), calc::detail::search_or_null(search), start_ms,
                                         end_ms, t0_min_ms, t0_max_ms, available_at_ms, &p));
        return points(p);
    }
    calc_result calc_historical_versions(const std::string &target, const std::string &search,
                                         std::int64_t start_ms, std::int64_t end_ms, std::int32_t max_versions) {
        mesh_calc_result *r = nullptr;
        detail::check(mesh_calc_run_historical_versions(handle_, target.c_str(), calc::detail::search_or_null(search),
                                                    start_ms, end_ms, max_versions, &r));
        return calc_result(r);
    }
    /** The series as it was at available_at_ms. */
    points calc_as_of_time(const std::string &target, const std::string &search, std::int64_t start_ms,
                           std::int64_t end_ms, std::int64_t available_at_ms) {
        mesh_point_list *p = nullptr;
        detail::check(mesh_calc_run_as_of_time(handle_, target.c_str(), calc::detail::search_or_null(search), start_ms,
                                           end_ms, available_at_ms, &p));
        return points(p);
    }

    /** Transformed by the server (MESH_TRANSFORM_METHOD_IMPLICIT allowed; MESH_TRANSFORM_ZONE_DEFAULT is UTC here). */
    points read_transformed_timeseries_by_key(std::int64_t key, std::int64_t start_ms, std::int64_t end_ms,
                                              std::int32_t resolution, std::int32_t method,
                                              std::int32_t zone = MESH_TRANSFORM_ZONE_DEFAULT) {
        mesh_point_list *p = nullptr;
        detail::check(
            mesh_timeseries_read_transformed_by_key(handle_, key, start_ms, end_ms, resolution, method, zone, &p));
        return points(p);
    }
    points read_transformed_timeseries_by_path(const std::string &path, std::int64_t start_ms, std::int64_t end_ms,
                                               std::int32_t resolution, std::int32_t method,
                                               std::int32_t zone = MESH_TRANSFORM_ZONE_DEFAULT) {
        mesh_point_list *p = nullptr;
        detail::check(mesh_timeseries_read_transformed_by_path(handle_, path.c_str(), start_ms, end_ms, resolution,
                                                               method, zone, &p));
        return points(p);
    }
    points read_transformed_timeseries_by_id(const std::string &id, std::int64_t start_ms, std::int64_t end_ms,
                                             std::int32_t resolution, std::int32_t method,
                                             std::int32_t zone = MESH_TRANSFORM_ZONE_DEFAULT) {
        mesh_point_list *p = nullptr;
        detail::check(mesh_timeseries_read_transformed_by_id(handle_, id.c_str(), start_ms, end_ms, resolution,
                                                             method, zone, &p));
        return points(p);
    }

    /* --- asynchronous twins: each starts the call of the method named
     * without _async, with the same arguments (copied at once), and returns
     * its pending result (see mesh::pending). */

    pending<void> commit_async() {
        mesh_operation *op = nullptr;
        detail::check(mesh_session_commit_start(handle_, &op));
        return detail::finishing(op, mesh_session_commit_finish);
    }
    pending<void> rollback_async() {
        mesh_operation *op = nullptr;
        detail::check(mesh_session_rollback_start(handle_, &op));
        return detail::finishing(op, mesh_session_rollback_finish);
    }
    pending<std::chrono::milliseconds> extend_async() {
        mesh_operation *op = nullptr;
        detail::check(mesh_session_extend_start(handle_, &op));
        return detail::finishing<std::chrono::milliseconds>(
            op, mesh_session_extend_finish, [](std::int64_t ms) { return std::chrono::milliseconds(ms); });
    }
    /** As close(): the handle is freed (and the session's pending calls are
     *  cancelled) when this returns; the pending tells how ending it on the
     *  server went. */
    pending<void> close_async() {
        mesh_operation *op = nullptr;
        mesh_session *h = handle_;
        handle_ = nullptr;
        mesh_status status = mesh_session_close_start(h, &op);
        expired_.reset(); /* the library no longer runs it */
        /* The call may want a token: its provider lives until it is taken. */
        std::shared_ptr<detail::token_slot> tokens = std::move(tokens_);
        detail::check(status);
        return pending<void>(op, [tokens](mesh_operation *o) { detail::check(mesh_session_close_finish(o)); });
    }

    pending<points> read_timeseries_by_key_async(std::int64_t key, std::int64_t start_ms, std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_read_by_key_start(handle_, key, start_ms, end_ms, &op));
        return detail::finishing<points>(op, mesh_timeseries_read_by_key_finish, make_points);
    }
    pending<points> read_timeseries_by_path_async(const std::string &path, std::int64_t start_ms,
                                                  std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_read_by_path_start(handle_, path.c_str(), start_ms, end_ms, &op));
        return detail::finishing<points>(op, mesh_timeseries_read_by_path_finish, make_points);
    }
    pending<points> read_timeseries_by_id_async(const std::string &id, std::int64_t start_ms, std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_read_by_id_start(handle_, id.c_str(), start_ms, end_ms, &op));
        return detail::finishing<points>(op, mesh_timeseries_read_by_id_finish, make_points);
    }
    pending<points> read_transformed_timeseries_by_key_async(std::int64_t key, std::int64_t start_ms,
                                                             std::int64_t end_ms, std::int32_t resolution,
                                                             std::int32_t method,
                                                             std::int32_t zone = MESH_TRANSFORM_ZONE_DEFAULT) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_read_transformed_by_key_start(handle_, key, start_ms, end_ms, resolution,
                                                                    method, zone, &op));
        return detail::finishing<points>(op, mesh_timeseries_read_transformed_by_key_finish, make_points);
    }
    pending<points> read_transformed_timeseries_by_path_async(const std::string &path, std::int64_t start_ms,
                                                              std::int64_t end_ms, std::int32_t resolution,
                                                              std::int32_t method,
                                                              std::int32_t zone = MESH_TRANSFORM_ZONE_DEFAULT) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_read_transformed_by_path_start(handle_, path.c_str(), start_ms, end_ms,
                                                                     resolution, method, zone, &op));
        return detail::finishing<points>(op, mesh_timeseries_read_transformed_by_path_finish, make_points);
    }
    pending<points> read_transformed_timeseries_by_id_async(const std::string &id, std::int64_t start_ms,
                                                            std::int64_t end_ms, std::int32_t resolution,
                                                            std::int32_t method,
                                                            std::int32_t zone = MESH_TRANSFORM_ZONE_DEFAULT) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_read_transformed_by_id_start(handle_, id.c_str(), start_ms, end_ms, resolution,
                                                                   method, zone, &op));
        return detail::finishing<points>(op, mesh_timeseries_read_transformed_by_id_finish, make_points);
    }

    pending<void> write_timeseries_by_key_async(std::int64_t key, std::int64_t start_ms, std::int64_t end_ms,
                                                const std::vector<point> &pts) {
        columns c(pts);
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_write_by_key_start(handle_, key, start_ms, end_ms, c.t.data(), c.f.data(),
                                                         c.v.data(), pts.size(), &op));
        return detail::finishing(op, mesh_timeseries_write_by_key_finish);
    }
    pending<void> write_timeseries_by_path_async(const std::string &path, std::int64_t start_ms,
                                                 std::int64_t end_ms, const std::vector<point> &pts) {
        columns c(pts);
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_write_by_path_start(handle_, path.c_str(), start_ms, end_ms, c.t.data(),
                                                          c.f.data(), c.v.data(), pts.size(), &op));
        return detail::finishing(op, mesh_timeseries_write_by_path_finish);
    }
    pending<void> write_timeseries_by_id_async(const std::string &id, std::int64_t start_ms, std::int64_t end_ms,
                                               const std::vector<point> &pts) {
        columns c(pts);
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_write_by_id_start(handle_, id.c_str(), start_ms, end_ms, c.t.data(),
                                                        c.f.data(), c.v.data(), pts.size(), &op));
        return detail::finishing(op, mesh_timeseries_write_by_id_finish);
    }
    pending<void> delete_timeseries_by_key_async(std::int64_t key, std::int64_t start_ms, std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_delete_by_key_start(handle_, key, start_ms, end_ms, &op));
        return detail::finishing(op, mesh_timeseries_delete_by_key_finish);
    }
    pending<void> delete_timeseries_by_path_async(const std::string &path, std::int64_t start_ms,
                                                  std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_delete_by_path_start(handle_, path.c_str(), start_ms, end_ms, &op));
        return detail::finishing(op, mesh_timeseries_delete_by_path_finish);
    }
    pending<void> delete_timeseries_by_id_async(const std::string &id, std::int64_t start_ms, std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_delete_by_id_start(handle_, id.c_str(), start_ms, end_ms, &op));
        return detail::finishing(op, mesh_timeseries_delete_by_id_finish);
    }

    pending<timeseries_resource> get_timeseries_resource_async(std::int64_t key) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_resource_read_start(handle_, key, &op));
        return detail::finishing<timeseries_resource>(op, mesh_timeseries_resource_read_finish, make_resource);
    }
    pending<timeseries_resource> create_physical_timeseries_async(const std::string &path, const std::string &name,
                                                                  std::int32_t curve_type, std::int32_t resolution,
                                                                  const std::string &unit_id,
                                                                  const std::string &time_zone = std::string()) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_resource_create_physical_start(
            handle_, path.c_str(), name.c_str(), curve_type, resolution, unit_id.c_str(),
            time_zone.empty() ? nullptr : time_zone.c_str(), &op));
        return detail::finishing<timeseries_resource>(op, mesh_timeseries_resource_create_physical_finish,
                                                      make_resource);
    }
    pending<void> update_timeseries_resource_async(std::int64_t key, const resource_update &update) {
        mesh_operation *op = nullptr;
        detail::check(mesh_timeseries_resource_update_start(
            handle_, key, update.curve_, update.set_unit_ ? update.unit_id_.c_str() : nullptr,
            update.set_time_zone_ ? update.time_zone_.c_str() : nullptr, &op));
        return detail::finishing(op, mesh_timeseries_resource_update_finish);
    }
    pending<units> list_units_async() {
        mesh_operation *op = nullptr;
        detail::check(mesh_unit_list_read_start(handle_, &op));
        return detail::finishing<units>(op, mesh_unit_list_read_finish, [](mesh_unit_list *u) { return units(u); });
    }

    pending<object_list> list_models_async() {
        mesh_operation *op = nullptr;
        detail::check(mesh_model_list_read_start(handle_, &op));
        return detail::finishing<object_list>(op, mesh_model_list_read_finish, make_object_list);
    }
    pending<object> get_object_async(const std::string &target, std::int32_t view = MESH_MODEL_VIEW_FULL,
                                     const std::string &attribute_names = std::string(),
                                     const std::string &tag_names = std::string(),
                                     const std::string &namespace_names = std::string()) {
        mesh_operation *op = nullptr;
        detail::check(mesh_object_read_start(handle_, target.c_str(), view, names_or_null(attribute_names),
                                             names_or_null(tag_names), names_or_null(namespace_names), &op));
        return detail::finishing<object>(op, mesh_object_read_finish, make_object);
    }
    pending<object_list> search_objects_async(const std::string &start, const std::string &query,
                                              std::int32_t view = MESH_MODEL_VIEW_FULL,
                                              const std::string &attribute_names = std::string(),
                                              const std::string &tag_names = std::string(),
                                              const std::string &namespace_names = std::string()) {
        mesh_operation *op = nullptr;
        detail::check(mesh_object_search_start(handle_, start.c_str(), query.c_str(), view,
                                               names_or_null(attribute_names), names_or_null(tag_names),
                                               names_or_null(namespace_names), &op));
        return detail::finishing<object_list>(op, mesh_object_search_finish, make_object_list);
    }
    pending<object_list> search_objects_by_definition_async(const std::string &definition,
                                                            std::int32_t view = MESH_MODEL_VIEW_FULL,
                                                            const std::string &attribute_names = std::string(),
                                                            const std::string &tag_names = std::string(),
                                                            const std::string &namespace_names = std::string()) {
        mesh_operation *op = nullptr;
        detail::check(mesh_object_search_by_definition_start(handle_, definition.c_str(), view,
                                                             names_or_null(attribute_names), names_or_null(tag_names),
                                                             names_or_null(namespace_names), &op));
        return detail::finishing<object_list>(op, mesh_object_search_by_definition_finish, make_object_list);
    }
    pending<attribute> get_attribute_async(const std::string &target, std::int32_t view = MESH_MODEL_VIEW_FULL) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_read_start(handle_, target.c_str(), view, &op));
        return detail::finishing<attribute>(op, mesh_attribute_read_finish,
                                            [](mesh_attribute *a) { return attribute::owned(a); });
    }
    pending<attribute_list> search_attributes_async(const std::string &start, const std::string &query,
                                                    std::int32_t view = MESH_MODEL_VIEW_FULL) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_search_start(handle_, start.c_str(), query.c_str(), view, &op));
        return detail::finishing<attribute_list>(op, mesh_attribute_search_finish,
                                                 [](mesh_attribute_list *l) { return attribute_list(l); });
    }
    pending<std::vector<model_ref>> linked_from_async(const std::string &target) {
        mesh_operation *op = nullptr;
        detail::check(mesh_object_read_linked_from_start(handle_, target.c_str(), &op));
        return detail::finishing<std::vector<model_ref>>(op, mesh_object_read_linked_from_finish, refs_of);
    }

    pending<void> set_int_async(const std::string &target, std::int64_t value) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_int_start(handle_, target.c_str(), value, &op));
        return detail::finishing(op, mesh_attribute_update_int_finish);
    }
    pending<void> set_double_async(const std::string &target, double value) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_double_start(handle_, target.c_str(), value, &op));
        return detail::finishing(op, mesh_attribute_update_double_finish);
    }
    pending<void> set_bool_async(const std::string &target, bool value) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_bool_start(handle_, target.c_str(), value ? 1 : 0, &op));
        return detail::finishing(op, mesh_attribute_update_bool_finish);
    }
    pending<void> set_string_async(const std::string &target, const std::string &value) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_string_start(handle_, target.c_str(), value.c_str(), &op));
        return detail::finishing(op, mesh_attribute_update_string_finish);
    }
    pending<void> set_utc_time_async(const std::string &target, std::int64_t value_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_utc_time_start(handle_, target.c_str(), value_ms, &op));
        return detail::finishing(op, mesh_attribute_update_utc_time_finish);
    }
    pending<void> set_ints_async(const std::string &target, const std::vector<std::int64_t> &values) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_ints_start(handle_, target.c_str(), values.data(), values.size(), &op));
        return detail::finishing(op, mesh_attribute_update_ints_finish);
    }
    pending<void> set_doubles_async(const std::string &target, const std::vector<double> &values) {
        mesh_operation *op = nullptr;
        detail::check(
            mesh_attribute_update_doubles_start(handle_, target.c_str(), values.data(), values.size(), &op));
        return detail::finishing(op, mesh_attribute_update_doubles_finish);
    }
    pending<void> set_bools_async(const std::string &target, const std::vector<bool> &values) {
        std::vector<std::int32_t> ints;
        for (bool b : values) ints.push_back(b ? 1 : 0);
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_bools_start(handle_, target.c_str(), ints.data(), ints.size(), &op));
        return detail::finishing(op, mesh_attribute_update_bools_finish);
    }
    pending<void> set_utc_times_async(const std::string &target, const std::vector<std::int64_t> &values_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_utc_times_start(handle_, target.c_str(), values_ms.data(),
                                                            values_ms.size(), &op));
        return detail::finishing(op, mesh_attribute_update_utc_times_finish);
    }
    pending<void> set_strings_async(const std::string &target, const std::vector<std::string> &values) {
        std::vector<const char *> texts = c_strings(values);
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_strings_start(handle_, target.c_str(), texts.data(), texts.size(), &op));
        return detail::finishing(op, mesh_attribute_update_strings_finish);
    }
    pending<void> set_timeseries_key_async(const std::string &target, std::int64_t key) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_timeseries_key_start(handle_, target.c_str(), key, &op));
        return detail::finishing(op, mesh_attribute_update_timeseries_key_finish);
    }
    pending<void> set_expression_async(const std::string &target, const std::string &expression) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_expression_start(handle_, target.c_str(), expression.c_str(), &op));
        return detail::finishing(op, mesh_attribute_update_expression_finish);
    }
    pending<void> update_attribute_definition_async(const std::string &target, const definition_update &update) {
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_definition_update_start(
            handle_, target.c_str(), update.set_template_ ? update.template_.c_str() : nullptr,
            update.set_description_ ? update.description_.c_str() : nullptr, &op));
        return detail::finishing(op, mesh_attribute_definition_update_finish);
    }
    pending<void> set_links_async(const std::string &target, const std::vector<std::string> &target_ids,
                                  bool append = false) {
        std::vector<const char *> ids = c_strings(target_ids);
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_links_start(handle_, target.c_str(), ids.data(), ids.size(),
                                                        append ? 1 : 0, &op));
        return detail::finishing(op, mesh_attribute_update_links_finish);
    }
    pending<void> set_link_versions_async(const std::string &target, std::int64_t start_ms, std::int64_t end_ms,
                                          const std::vector<link_version> &versions) {
        std::vector<std::int64_t> from;
        std::vector<const char *> ids;
        for (const auto &v : versions) {
            from.push_back(v.valid_from_ms);
            ids.push_back(v.target_id.c_str());
        }
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_link_versions_start(handle_, target.c_str(), start_ms, end_ms,
                                                                from.data(), ids.data(), versions.size(), &op));
        return detail::finishing(op, mesh_attribute_update_link_versions_finish);
    }
    pending<void> set_link_version_entries_async(const std::string &target,
                                                 const std::vector<std::vector<link_version>> &entries) {
        std::vector<std::size_t> sizes;
        std::vector<std::int64_t> from;
        std::vector<const char *> ids;
        for (const auto &entry : entries) {
            sizes.push_back(entry.size());
            for (const auto &v : entry) {
                from.push_back(v.valid_from_ms);
                ids.push_back(v.target_id.c_str());
            }
        }
        mesh_operation *op = nullptr;
        detail::check(mesh_attribute_update_link_version_entries_start(
            handle_, target.c_str(), sizes.data(), sizes.size(), from.data(), ids.data(), ids.size(), &op));
        return detail::finishing(op, mesh_attribute_update_link_version_entries_finish);
    }
    pending<object> create_object_async(const std::string &owner, const std::string &name,
                                        const std::string &definition = std::string()) {
        mesh_operation *op = nullptr;
        detail::check(mesh_object_create_start(handle_, owner.c_str(), name.c_str(),
                                               definition.empty() ? nullptr : definition.c_str(), &op));
        return detail::finishing<object>(op, mesh_object_create_finish, make_object);
    }
    pending<object> create_model_async(const std::string &name, const std::string &definition) {
        mesh_operation *op = nullptr;
        detail::check(mesh_model_create_start(handle_, name.c_str(), definition.c_str(), &op));
        return detail::finishing<object>(op, mesh_model_create_finish, make_object);
    }
    pending<void> rename_object_async(const std::string &target, const std::string &new_name) {
        mesh_operation *op = nullptr;
        detail::check(mesh_object_rename_start(handle_, target.c_str(), new_name.c_str(), &op));
        return detail::finishing(op, mesh_object_rename_finish);
    }
    pending<void> move_object_async(const std::string &target, const std::string &new_owner) {
        mesh_operation *op = nullptr;
        detail::check(mesh_object_move_start(handle_, target.c_str(), new_owner.c_str(), &op));
        return detail::finishing(op, mesh_object_move_finish);
    }
    pending<void> delete_object_async(const std::string &target, bool recursive = false) {
        mesh_operation *op = nullptr;
        detail::check(mesh_object_delete_start(handle_, target.c_str(), recursive ? 1 : 0, &op));
        return detail::finishing(op, mesh_object_delete_finish);
    }

    pending<xy_sets> get_xy_sets_async(const std::string &target, std::int64_t start_ms = MESH_TIME_NONE,
                                       std::int64_t end_ms = MESH_TIME_NONE, bool versions_only = false) {
        mesh_operation *op = nullptr;
        detail::check(
            mesh_xy_set_list_read_start(handle_, target.c_str(), start_ms, end_ms, versions_only ? 1 : 0, &op));
        return detail::finishing<xy_sets>(op, mesh_xy_set_list_read_finish,
                                          [](mesh_xy_set_list *s) { return xy_sets(s); });
    }
    pending<void> update_xy_sets_async(const std::string &target, std::int64_t start_ms, std::int64_t end_ms,
                                       const xy_sets &sets) {
        mesh_operation *op = nullptr;
        detail::check(mesh_xy_set_list_update_start(handle_, target.c_str(), start_ms, end_ms, sets.get(), &op));
        return detail::finishing(op, mesh_xy_set_list_update_finish);
    }
    pending<rating_curve> get_rating_curve_async(const std::string &target, std::int64_t start_ms,
                                                 std::int64_t end_ms, bool versions_only = false) {
        mesh_operation *op = nullptr;
        detail::check(
            mesh_rating_curve_read_start(handle_, target.c_str(), start_ms, end_ms, versions_only ? 1 : 0, &op));
        return detail::finishing<rating_curve>(op, mesh_rating_curve_read_finish,
                                               [](mesh_rating_curve *c) { return rating_curve(c); });
    }
    pending<void> update_rating_curve_async(const std::string &target, std::int64_t start_ms, std::int64_t end_ms,
                                            const rating_curve &curve) {
        mesh_operation *op = nullptr;
        detail::check(mesh_rating_curve_update_start(handle_, target.c_str(), start_ms, end_ms, curve.get(), &op));
        return detail::finishing(op, mesh_rating_curve_update_finish);
    }

    pending<availability_event> create_revision_async(const std::string &target, const std::string &event_id,
                                                      const std::string &local_id = std::string(),
                                                      const std::string &reason = std::string(),
                                                      const event_record &record = event_record()) {
        mesh_operation *op = nullptr;
        detail::check(mesh_revision_create_start(handle_, target.c_str(), event_id.c_str(), local_id.c_str(),
                                                 reason.c_str(), record_author(record, false), record.created_ms_,
                                                 record_author(record, true), &op));
        return detail::finishing<availability_event>(op, mesh_revision_create_finish, make_event);
    }
    pending<availability_event> create_restriction_async(const std::string &target, const std::string &event_id,
                                                         const std::string &category,
                                                         const restriction_recurrence &what,
                                                         const std::string &local_id = std::string(),
                                                         const std::string &reason = std::string(),
                                                         const event_record &record = event_record()) {
        mesh_operation *op = nullptr;
        detail::check(mesh_restriction_create_start(handle_, target.c_str(), event_id.c_str(), category.c_str(),
                                                    local_id.c_str(), reason.c_str(), what.get(),
                                                    record_author(record, false), record.created_ms_,
                                                    record_author(record, true), &op));
        return detail::finishing<availability_event>(op, mesh_restriction_create_finish, make_event);
    }
    pending<std::uint32_t> add_revision_recurrence_async(const std::string &target, const std::string &event_id,
                                                         const recurrence &pattern, std::int64_t start_ms,
                                                         std::int64_t end_ms,
                                                         const std::string &author = std::string()) {
        mesh_operation *op = nullptr;
        detail::check(mesh_revision_recurrence_create_start(handle_, target.c_str(), event_id.c_str(),
                                                            pattern.status.c_str(), pattern.description.c_str(),
                                                            pattern.type, pattern.every, pattern.until_ms, start_ms,
                                                            end_ms, author_or_null(author), &op));
        return detail::finishing<std::uint32_t>(op, mesh_revision_recurrence_create_finish,
                                                [](std::uint32_t id) { return id; });
    }
    pending<void> delete_revision_recurrence_async(const std::string &target, const std::string &event_id,
                                                   std::uint32_t recurrence_id,
                                                   const std::string &author = std::string()) {
        mesh_operation *op = nullptr;
        detail::check(mesh_revision_recurrence_delete_start(handle_, target.c_str(), event_id.c_str(), recurrence_id,
                                                            author_or_null(author), &op));
        return detail::finishing(op, mesh_revision_recurrence_delete_finish);
    }
    pending<availability_event> get_availability_event_async(const std::string &target,
                                                             const std::string &event_id) {
        mesh_operation *op = nullptr;
        detail::check(mesh_availability_event_read_start(handle_, target.c_str(), event_id.c_str(), &op));
        return detail::finishing<availability_event>(op, mesh_availability_event_read_finish, make_event);
    }
    pending<availability_event_list> search_availability_events_async(std::int32_t event_type,
                                                                      const std::vector<std::string> &targets) {
        std::vector<const char *> texts = c_strings(targets);
        mesh_operation *op = nullptr;
        detail::check(mesh_availability_event_search_start(handle_, event_type, texts.data(), texts.size(), &op));
        return detail::finishing<availability_event_list>(
            op, mesh_availability_event_search_finish,
            [](mesh_availability_event_list *l) { return availability_event_list(l); });
    }
    pending<void> delete_availability_events_by_id_async(const std::string &target,
                                                         const std::vector<std::string> &event_ids) {
        std::vector<const char *> ids = c_strings(event_ids);
        mesh_operation *op = nullptr;
        detail::check(
            mesh_availability_event_delete_by_id_start(handle_, target.c_str(), ids.data(), ids.size(), &op));
        return detail::finishing(op, mesh_availability_event_delete_by_id_finish);
    }
    pending<void> delete_availability_events_async(const std::string &target, std::int32_t event_type) {
        mesh_operation *op = nullptr;
        detail::check(mesh_availability_event_delete_by_type_start(handle_, target.c_str(), event_type, &op));
        return detail::finishing(op, mesh_availability_event_delete_by_type_finish);
    }
    pending<std::vector<availability_instance>> search_instances_async(const std::string &target,
                                                                       const std::string &event_id,
                                                                       std::int64_t start_ms, std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_availability_instance_search_start(handle_, target.c_str(), event_id.c_str(), start_ms,
                                                              end_ms, &op));
        return detail::finishing<std::vector<availability_instance>>(op, mesh_availability_instance_search_finish,
                                                                     instances_of);
    }
    pending<void> update_revision_async(const std::string &target, const std::string &event_id,
                                        const revision_update &update) {
        mesh_operation *op = nullptr;
        detail::check(mesh_revision_update_start(
            handle_, target.c_str(), event_id.c_str(), update.set_local_id_ ? update.local_id_.c_str() : nullptr,
            update.set_reason_ ? update.reason_.c_str() : nullptr,
            update.set_author_ ? update.author_.c_str() : nullptr, &op));
        return detail::finishing(op, mesh_revision_update_finish);
    }
    pending<void> update_restriction_async(const std::string &target, const std::string &event_id,
                                           const restriction_update &update) {
        mesh_operation *op = nullptr;
        detail::check(mesh_restriction_update_start(
            handle_, target.c_str(), event_id.c_str(), update.set_local_id_ ? update.local_id_.c_str() : nullptr,
            update.set_reason_ ? update.reason_.c_str() : nullptr,
            update.set_category_ ? update.category_.c_str() : nullptr,
            update.recurrence_ ? update.recurrence_->get() : nullptr,
            update.set_author_ ? update.author_.c_str() : nullptr, &op));
        return detail::finishing(op, mesh_restriction_update_finish);
    }

    pending<calc_result> run_calculation_async(const std::string &target, const std::string &expression,
                                               std::int64_t start_ms, std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_calc_run_start(handle_, target.c_str(), expression.c_str(), start_ms, end_ms, &op));
        return detail::finishing<calc_result>(op, mesh_calc_run_finish, make_calc_result);
    }
    pending<calc_result> run_calculation_by_key_async(std::int64_t key, const std::string &expression,
                                                      std::int64_t start_ms, std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_calc_run_by_key_start(handle_, key, expression.c_str(), start_ms, end_ms, &op));
        return detail::finishing<calc_result>(op, mesh_calc_run_by_key_finish, make_calc_result);
    }
    pending<points> calc_transform_async(const std::string &target, const std::string &search,
                                         std::int64_t start_ms, std::int64_t end_ms, std::int32_t resolution,
                                         std::int32_t method, std::int32_t zone = MESH_TRANSFORM_ZONE_DEFAULT) {
        mesh_operation *op = nullptr;
        detail::check(mesh_calc_run_transform_start(handle_, target.c_str(), calc::detail::search_or_null(search),
                                                    start_ms, end_ms, resolution, method, zone, &op));
        return detail::finishing<points>(op, mesh_calc_run_transform_finish, make_points);
    }
    pending<double> calc_sum_async(const std::string &target, const std::string &search, std::int64_t start_ms,
                                   std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_calc_run_sum_start(handle_, target.c_str(), calc::detail::search_or_null(search), start_ms,
                                              end_ms, &op));
        return detail::finishing<double>(op, mesh_calc_run_sum_finish, [](double sum) { return sum; });
    }
    pending<points> calc_sum_list_async(const std::string &target, const std::string &search,
                                        std::int64_t start_ms, std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(
            mesh_calc_run_sum_list_start(handle_, target.c_str(), search.c_str(), start_ms, end_ms, &op));
        return detail::finishing<points>(op, mesh_calc_run_sum_list_finish, make_points);
    }
    pending<calc_result> calc_all_forecasts_async(const std::string &target, const std::string &search,
                                                  std::int64_t start_ms, std::int64_t end_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_calc_run_all_forecasts_start(handle_, target.c_str(),
                                                        calc::detail::search_or_null(search), start_ms, end_ms, &op));
        return detail::finishing<calc_result>(op, mesh_calc_run_all_forecasts_finish, make_calc_result);
    }
    pending<points> calc_forecast_async(const std::string &target, const std::string &search,
                                        std::int64_t start_ms, std::int64_t end_ms,
                                        std::int64_t t0_min_ms = MESH_TIME_NONE,
                                        std::int64_t t0_max_ms = MESH_TIME_NONE,
                                        std::int64_t available_at_ms = MESH_TIME_NONE) {
        mesh_operation *op = nullptr;
        detail::check(mesh_calc_run_forecast_start(handle_, target.c_str(), calc::detail::search_or_null(search),
                                                   start_ms, end_ms, t0_min_ms, t0_max_ms, available_at_ms, &op));
        return detail::finishing<points>(op, mesh_calc_run_forecast_finish, make_points);
    }
    pending<calc_result> calc_historical_versions_async(const std::string &target, const std::string &search,
                                                        std::int64_t start_ms, std::int64_t end_ms,
                                                        std::int32_t max_versions) {
        mesh_operation *op = nullptr;
        detail::check(mesh_calc_run_historical_versions_start(handle_, target.c_str(),
                                                              calc::detail::search_or_null(search), start_ms, end_ms,
                                                              max_versions, &op));
        return detail::finishing<calc_result>(op, mesh_calc_run_historical_versions_finish, make_calc_result);
    }
    pending<points> calc_as_of_time_async(const std::string &target, const std::string &search,
                                          std::int64_t start_ms, std::int64_t end_ms, std::int64_t available_at_ms) {
        mesh_operation *op = nullptr;
        detail::check(mesh_calc_run_as_of_time_start(handle_, target.c_str(), calc::detail::search_or_null(search),
                                                     start_ms, end_ms, available_at_ms, &op));
        return detail::finishing<points>(op, mesh_calc_run_as_of_time_finish, make_points);
    }

    mesh_session *get() const noexcept { return handle_; }

private:
    friend class connection;
    session(mesh_session *h, std::shared_ptr<detail::token_slot> tokens)
        : handle_(h), tokens_(std::move(tokens)) {}

    struct free_id_list {
        void operator()(mesh_id_list *l) const noexcept { mesh_id_list_free(l); }
    };
    struct free_instance_list {
        void operator()(mesh_availability_instance_list *l) const noexcept { mesh_availability_instance_list_free(l); }
    };
    /* What the asynchronous twins make of their results. */
    static points make_points(mesh_point_list *p) { return points(p); }
    static timeseries_resource make_resource(mesh_timeseries_resource *r) { return timeseries_resource(r); }
    static object make_object(mesh_object *o) { return object::owned(o); }
    static object_list make_object_list(mesh_object_list *l) { return object_list(l); }
    static availability_event make_event(mesh_availability_event *e) { return availability_event::owned(e); }
    static calc_result make_calc_result(mesh_calc_result *r) { return calc_result(r); }
    /* Copies out and frees what linked_from and search_instances read. */
    static std::vector<model_ref> refs_of(mesh_id_list *raw) {
        std::unique_ptr<mesh_id_list, free_id_list> list(raw);
        std::size_t n = 0;
        detail::check(mesh_id_list_count(list.get(), &n));
        std::vector<model_ref> out;
        for (std::size_t i = 0; i < n; i++) {
            model_ref r;
            r.id = detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
                return mesh_id_list_id_at(list.get(), i, b, c, l);
            });
            r.path = detail::read_text([&](char *b, std::size_t c, std::size_t *l) {
                return mesh_id_list_path_at(list.get(), i, b, c, l);
            });
            out.push_back(std::move(r));
        }
        return out;
    }
    static std::vector<availability_instance> instances_of(mesh_availability_instance_list *raw) {
        std::unique_ptr<mesh_availability_instance_list, free_instance_list> list(raw);
        std::size_t n = 0;
        detail::check(mesh_availability_instance_list_count(list.get(), &n));
        std::vector<availability_instance> out;
        for (std::size_t i = 0; i < n; i++) {
            availability_instance instance{MESH_TIME_NONE, MESH_TIME_NONE, false, 0.0};
            detail::check(
                mesh_availability_instance_list_period_at(list.get(), i, &instance.start_ms, &instance.end_ms));
            /* A revision's instance has no value: the call says so. */
            instance.has_value = mesh_availability_instance_list_value_at(list.get(), i, &instance.value) == MESH_OK;
            out.push_back(instance);
        }
        return out;
    }
    /* An author: NULL for "" (the server chooses), and an event_record's when not set. */
    static const char *author_or_null(const std::string &author) { return author.empty() ? nullptr : author.c_str(); }
    static const char *record_author(const event_record &record, bool last_changed) {
        if (last_changed) return record.set_last_changed_author_ ? record.last_changed_author_.c_str() : nullptr;
        return record.set_created_author_ ? record.created_author_.c_str() : nullptr;
    }
    static const char *names_or_null(const std::string &names) { return names.empty() ? nullptr : names.c_str(); }
    static std::vector<const char *> c_strings(const std::vector<std::string> &texts) {
        std::vector<const char *> out;
        for (const auto &t : texts) out.push_back(t.c_str());
        return out;
    }

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
        detail::check(mesh_connection_open(address.c_str(), nullptr, &c));
        return connection(c, nullptr);
    }
    static connection connect(const std::string &address, const options &o) {
        mesh_connection *c = nullptr;
        detail::check(mesh_connection_open(address.c_str(), o.get(), &c));
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
    /** What the server calls itself, e.g. "Volue Mesh Server". */
    std::string server_name() const {
        return detail::read_text([this](char *b, std::size_t c, std::size_t *l) {
            return mesh_connection_server_name(handle_, b, c, l);
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
    /**
     * Revokes the token this connection sends (the one Kerberos or a token
     * provider got, or one set) and stops sending it: with Kerberos or a
     * provider the next call gets a new one. Throws
     * MESH_ERROR_INVALID_ARGUMENT when the connection sends no token.
     */
    void revoke_own_access_token() {
        detail::check(mesh_connection_revoke_access_token(handle_, nullptr));
    }
    /** Makes the calls in flight through this connection and its sessions
     *  throw MESH_ERROR_CANCELLED at once (mesh_connection_interrupt). */
    void interrupt() const { detail::check(mesh_connection_interrupt(handle_)); }
    /** One statistic (MESH_STATISTIC_*) of this connection and its
     *  sessions: a counter, read without a request. */
    std::uint64_t statistic(std::int32_t which) const {
        std::uint64_t value = 0;
        detail::check(mesh_connection_statistic(handle_, which, &value));
        return value;
    }
    /** How many calls through this connection and its sessions failed
     *  with `status`. */
    std::uint64_t failures_by_status(mesh_status status) const {
        std::uint64_t count = 0;
        detail::check(mesh_connection_statistic_failures_by_status(handle_, status, &count));
        return count;
    }
    identity user_identity() {
        mesh_identity *raw = nullptr;
        detail::check(mesh_identity_read(handle_, &raw));
        return identity_of(raw);
    }
    /** Frees the connection now; throws on failure. */
    void close() {
        mesh_connection *c = handle_;
        handle_ = nullptr;
        detail::check(mesh_connection_close(c));
    }

    /* --- asynchronous twins: each starts the call of the method named
     * without _async, with the same arguments (copied at once), and returns
     * its pending result (see mesh::pending). */

    static pending<connection> connect_async(const std::string &address) {
        mesh_operation *op = nullptr;
        detail::check(mesh_connection_open_start(address.c_str(), nullptr, &op));
        return opened(op, nullptr);
    }
    /** The options may go at once: the call has its own copy. */
    static pending<connection> connect_async(const std::string &address, const options &o) {
        mesh_operation *op = nullptr;
        detail::check(mesh_connection_open_start(address.c_str(), o.get(), &op));
        return opened(op, o.tokens_);
    }
    pending<session> open_session_async() {
        mesh_operation *op = nullptr;
        detail::check(mesh_session_open_start(handle_, &op));
        return session_from(op, mesh_session_open_finish);
    }
    pending<session> attach_session_async(const std::string &id) {
        mesh_operation *op = nullptr;
        detail::check(mesh_session_attach_start(handle_, id.c_str(), &op));
        return session_from(op, mesh_session_attach_finish);
    }
    pending<void> revoke_access_token_async(const std::string &token) {
        mesh_operation *op = nullptr;
        detail::check(mesh_connection_revoke_access_token_start(handle_, token.c_str(), &op));
        return revoking(op);
    }
    pending<void> revoke_own_access_token_async() {
        mesh_operation *op = nullptr;
        detail::check(mesh_connection_revoke_access_token_start(handle_, nullptr, &op));
        return revoking(op);
    }
    pending<identity> user_identity_async() {
        mesh_operation *op = nullptr;
        detail::check(mesh_identity_read_start(handle_, &op));
        std::shared_ptr<detail::token_slot> tokens = tokens_;
        return pending<identity>(op, [tokens](mesh_operation *o) {
            mesh_identity *raw = nullptr;
            detail::check(mesh_identity_read_finish(o, &raw));
            return identity_of(raw);
        });
    }

    mesh_connection *get() const noexcept { return handle_; }

private:
    connection(mesh_connection *c, std::shared_ptr<detail::token_slot> tokens)
        : handle_(c), tokens_(std::move(tokens)) {}
    struct free_identity {
        void operator()(mesh_identity *i) const noexcept { mesh_identity_free(i); }
    };
    /* The token provider (if any) lives until a pending call is taken: the
     * call may ask it for a token. */
    static pending<connection> opened(mesh_operation *op, std::shared_ptr<detail::token_slot> tokens) {
        return pending<connection>(op, [tokens](mesh_operation *o) {
            mesh_connection *c = nullptr;
            detail::check(mesh_connection_open_finish(o, &c));
            return connection(c, tokens);
        });
    }
    pending<session> session_from(mesh_operation *op, mesh_status (*finish)(mesh_operation *, mesh_session **)) {
        std::shared_ptr<detail::token_slot> tokens = tokens_;
        return pending<session>(op, [tokens, finish](mesh_operation *o) {
            mesh_session *s = nullptr;
            detail::check(finish(o, &s));
            return session(s, tokens);
        });
    }
    pending<void> revoking(mesh_operation *op) {
        std::shared_ptr<detail::token_slot> tokens = tokens_;
        return pending<void>(op, [tokens](mesh_operation *o) {
            detail::check(mesh_connection_revoke_access_token_finish(o));
        });
    }
    /* Copies out and frees what user_identity reads. */
    static identity identity_of(mesh_identity *raw) {
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
    mesh_connection *handle_ = nullptr;
    std::shared_ptr<detail::token_slot> tokens_;
};

} // namespace mesh

#endif /* MESH_CAPI_HPP */
