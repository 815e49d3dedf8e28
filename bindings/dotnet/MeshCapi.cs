// MeshCapi.cs: the .NET binding of mesh_capi (Volue Mesh sessions over
// gRPC). Add the MeshCapi*.cs files (this one, one per area of the API,
// and the generated MeshCapi.Native.g.cs) to a project (C# 6 or later,
// .NET Framework 4.6 or later; tested on Mono 6.8 only, not on .NET
// Framework or .NET 6+) and
// put mesh_capi.dll (Windows) or libmesh_capi.so (Linux) where the runtime
// finds native libraries.
//
// Every failure is a MeshException with the library's status and message.
// Connection and Session are IDisposable; their native handles are
// SafeHandles, so a forgotten Dispose is cleaned up by the finalizer.
// Each area of the API has its file: MeshCapi.Catalog.cs the catalog,
// MeshCapi.Model.cs, .Definition.cs, .ModelUpdate.cs and .Curves.cs the
// model, MeshCapi.Calc.cs calculations. Every call that talks to the
// server has an *Async twin returning a Task and taking a CancellationToken
// (MeshCapi.Async.cs says how they work). MeshLibrary.SetLog
// (MeshCapi.Log.cs) hands the library's log to the host.
// Text crosses as UTF-8 on every runtime (never the platform's ANSI code
// page), and the library's own strings are read from IntPtr, never freed.

using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MeshCapi
{
    /// <summary>A failed call: the library's status and its message.</summary>
    public sealed class MeshException : Exception
    {
        public MeshException(MeshStatus status, string message)
            : base(MeshLibrary.StatusName(status) + ": " + message)
        {
            Status = status;
            LibraryMessage = message;
        }

        /// <summary>The status the C function returned.</summary>
        public MeshStatus Status { get; private set; }

        /// <summary>The library's message (mesh_last_error_message).</summary>
        public string LibraryMessage { get; private set; }
    }

    /// <summary>Library-wide calls: version, shutdown, callback failures, the
    /// log (MeshCapi.Log.cs).</summary>
    public static partial class MeshLibrary
    {
        static MeshLibrary()
        {
            // Ends the library's threads before the runtime goes: Mono hangs
            // at exit after any callback otherwise, and a host that unloads
            // the DLL must not leave its threads running.
            AppDomain.CurrentDomain.ProcessExit += delegate { Native.mesh_library_shutdown(); };
        }

        /// <summary>Runs the static constructor (once).</summary>
        internal static void Touch() { }

        /// <summary>The native library's version, e.g. "0.1.0".</summary>
        public static string Version
        {
            get { Touch(); return Text.FromLibrary(Native.mesh_library_version()); }
        }

        /// <summary>
        /// Whether this build of the native library can sign in with Kerberos
        /// (MeshOptions.SetKerberos): always on Windows; on Linux when it was
        /// built with the kerberos feature.
        /// </summary>
        public static bool HasKerberos
        {
            get { Touch(); return Native.mesh_library_has_kerberos() != 0; }
        }

        /// <summary>
        /// Throws MeshException (MESH_ERROR_VERSION_MISMATCH) when the native
        /// library loaded cannot serve this binding, which was generated from
        /// the header of version MeshConstants.CapiVersionString. Call it once
        /// at start.
        /// </summary>
        public static void CheckVersion()
        {
            Touch();
            Native.Check(Native.mesh_library_check_version((uint)MeshConstants.CapiVersionNumber));
        }

        /// <summary>"MESH_ERROR_SESSION_NOT_FOUND" and so on.</summary>
        public static string StatusName(MeshStatus status)
        {
            return Text.FromLibrary(Native.mesh_status_name(status));
        }

        /// <summary>
        /// Ends every open session, stops keep-alive and joins the library's
        /// threads (mesh_library_shutdown); connections and sessions from before are
        /// invalid afterwards. Runs by itself at process exit.
        /// </summary>
        public static void Shutdown()
        {
            Native.Check(Native.mesh_library_shutdown());
        }

        /// <summary>
        /// Raised when an event handler or token provider threw: exceptions
        /// never reach the library's thread (that would end the process), so
        /// they are reported here and otherwise dropped.
        /// </summary>
        public static event EventHandler<CallbackExceptionEventArgs> CallbackException;

        internal static void Report(Exception e)
        {
            var handler = CallbackException;
            if (handler == null) return;
            try { handler(null, new CallbackExceptionEventArgs(e)); }
            catch (Exception) { /* a failing reporter has nowhere left to report to */ }
        }
    }

    public sealed class CallbackExceptionEventArgs : EventArgs
    {
        public CallbackExceptionEventArgs(Exception exception) { Exception = exception; }
        public Exception Exception { get; private set; }
    }

    /// <summary>Times as the library takes them: milliseconds since the Unix epoch, UTC.</summary>
    public static class MeshTime
    {
        static readonly DateTime Epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>Local times are converted to UTC; unspecified ones are taken as UTC.</summary>
        public static long ToUnixMs(DateTime time)
        {
            if (time.Kind == DateTimeKind.Local) time = time.ToUniversalTime();
            return (time.Ticks - Epoch.Ticks) / TimeSpan.TicksPerMillisecond;
        }

        public static DateTime FromUnixMs(long ms)
        {
            return new DateTime(Epoch.Ticks + ms * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        }
    }

    /// <summary>UTF-8 in and out, explicitly, whatever the runtime's defaults.</summary>
    internal static class Text
    {
        /// <summary>NUL-terminated UTF-8, or null for NULL.</summary>
        internal static byte[] In(string s)
        {
            if (s == null) return null;
            var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, bytes, 0);
            return bytes;
        }

        /// <summary>A string the library owns (static or valid for a call): read, never freed.</summary>
        internal static string FromLibrary(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            var bytes = new byte[n];
            Marshal.Copy(p, bytes, 0, n);
            return Encoding.UTF8.GetString(bytes);
        }

        internal delegate MeshStatus BufferCall(byte[] buf, UIntPtr cap, out UIntPtr len);

        /// <summary>Calls a (buf, cap, len_out) function, growing the buffer once if needed.</summary>
        internal static string Out(BufferCall call)
        {
            var buf = new byte[128];
            UIntPtr len;
            var status = call(buf, (UIntPtr)buf.Length, out len);
            if (status == MeshStatus.ErrorBufferTooSmall)
            {
                buf = new byte[checked((int)len.ToUInt64() + 1)];
                status = call(buf, (UIntPtr)buf.Length, out len);
            }
            Native.Check(status);
            return Encoding.UTF8.GetString(buf, 0, checked((int)len.ToUInt64()));
        }
    }

    internal static partial class Native
    {
        internal static void Check(MeshStatus status)
        {
            if (status != MeshStatus.Ok) throw Error(status);
        }

        /// <summary>The exception for a failed call, with this thread's last message.</summary>
        internal static MeshException Error(MeshStatus status)
        {
            var n = (int)mesh_last_error_message(null, UIntPtr.Zero).ToUInt64();
            var buf = new byte[n + 1];
            mesh_last_error_message(buf, (UIntPtr)buf.Length);
            return new MeshException(status, Encoding.UTF8.GetString(buf, 0, n));
        }

        internal static uint Milliseconds(TimeSpan span)
        {
            return checked((uint)span.TotalMilliseconds);
        }
    }

    /// <summary>
    /// Hands out small integers for objects the library calls back about,
    /// passed as user_data instead of a GCHandle: a late callback for an
    /// object that is gone finds nothing, and the objects stay collectable.
    /// </summary>
    internal static class CallbackTargets
    {
        static readonly object Gate = new object();
        static readonly Dictionary<long, WeakReference> Targets = new Dictionary<long, WeakReference>();
        static long next;

        internal static IntPtr Add(object target)
        {
            lock (Gate)
            {
                long id = ++next;
                Targets[id] = new WeakReference(target);
                return new IntPtr(id);
            }
        }

        internal static T Get<T>(IntPtr id) where T : class
        {
            lock (Gate)
            {
                WeakReference target;
                return Targets.TryGetValue(id.ToInt64(), out target) ? target.Target as T : null;
            }
        }

        internal static void Remove(IntPtr id)
        {
            lock (Gate) { Targets.Remove(id.ToInt64()); }
        }
    }

    /// <summary>A token provider and the token it last gave, for the library's second call.</summary>
    internal sealed class TokenSource
    {
        // One delegate for every provider, referenced from a static field so
        // the collector never frees what the library calls.
        internal static readonly MeshTokenProvider Thunk = Provide;

        internal readonly Func<string> Provider;
        internal readonly IntPtr Id;
        byte[] pending;

        internal TokenSource(Func<string> provider)
        {
            Provider = provider;
            Id = CallbackTargets.Add(this);
        }

        ~TokenSource() { CallbackTargets.Remove(Id); }

        static MeshStatus Provide(IntPtr userData, IntPtr buf, UIntPtr cap, IntPtr lenOut)
        {
            try
            {
                var source = CallbackTargets.Get<TokenSource>(userData);
                if (source == null) return MeshStatus.ErrorUnauthenticated;
                byte[] token;
                lock (source)
                {
                    token = source.pending;
                    source.pending = null;
                }
                if (token == null)
                {
                    var text = source.Provider();
                    if (text == null) return MeshStatus.ErrorUnauthenticated;
                    token = Encoding.UTF8.GetBytes(text);
                }
                Marshal.WriteIntPtr(lenOut, new IntPtr(token.Length));
                if ((ulong)token.Length >= cap.ToUInt64())
                {
                    // Asked again with room: give the same token, not a new one.
                    lock (source) { source.pending = token; }
                    return MeshStatus.ErrorBufferTooSmall;
                }
                Marshal.Copy(token, 0, buf, token.Length);
                Marshal.WriteByte(buf, token.Length, 0);
                return MeshStatus.Ok;
            }
            catch (Exception e)
            {
                MeshLibrary.Report(e);
                return MeshStatus.ErrorUnauthenticated;
            }
        }
    }

    /// <summary>Connection settings (mesh_options).</summary>
    public sealed class MeshOptions : IDisposable
    {
        internal readonly OptionsHandle Handle;
        internal TokenSource Tokens;

        public MeshOptions()
        {
            MeshLibrary.Touch();
            OptionsHandle handle;
            Native.Check(Native.mesh_options_new(out handle));
            Handle = handle;
        }

        public void SetConnectTimeout(TimeSpan timeout)
        {
            Native.Check(Native.mesh_options_set_connect_timeout_ms(Handle, Native.Milliseconds(timeout)));
        }

        public void SetCallTimeout(TimeSpan timeout)
        {
            Native.Check(Native.mesh_options_set_call_timeout_ms(Handle, Native.Milliseconds(timeout)));
        }

        /// <summary>TimeSpan.Zero: half the server's inactivity timeout (the default).</summary>
        public void SetKeepAliveInterval(TimeSpan interval)
        {
            Native.Check(Native.mesh_options_set_keepalive_interval_ms(Handle, Native.Milliseconds(interval)));
        }

        /// <summary>Gives a silent connection up after this (HTTP/2 ping); TimeSpan.Zero: never.</summary>
        public void SetDeadConnectionTimeout(TimeSpan timeout)
        {
            Native.Check(Native.mesh_options_set_dead_connection_timeout_ms(Handle, Native.Milliseconds(timeout)));
        }

        public void SetTlsRootCertificatePem(string pem)
        {
            Native.Check(Native.mesh_options_set_tls_root_certificate_pem(Handle, Text.In(pem)));
        }

        public void SetTlsRootCertificateFile(string path)
        {
            Native.Check(Native.mesh_options_set_tls_root_certificate_file(Handle, Text.In(path)));
        }

        public void SetTlsServerName(string name)
        {
            Native.Check(Native.mesh_options_set_tls_server_name(Handle, Text.In(name)));
        }

        public void SetAccessToken(string token)
        {
            Native.Check(Native.mesh_options_set_access_token(Handle, Text.In(token)));
        }

        /// <summary>
        /// Sign in with Kerberos (TLS only): Connect gets a ticket for
        /// servicePrincipal ("HOST/mesh.example.com", "HTTP@mesh.example.com",
        /// or @"DOMAIN\account" for a server running as a user account),
        /// trades it for a Mesh token and renews that by itself. userPrincipal
        /// ("user@REALM" or @"DOMAIN\user") null: the default credentials,
        /// the logged-in Windows user or on Linux the credential cache of
        /// kinit. servicePrincipal null stops signing in with Kerberos.
        /// Throws MeshException (ErrorInvalidArgument) for a malformed name,
        /// or when the native library has no Kerberos (MeshLibrary.HasKerberos).
        /// </summary>
        public void SetKerberos(string servicePrincipal, string userPrincipal = null, MeshKerberosFlags flags = 0)
        {
            Native.Check(Native.mesh_options_set_kerberos(Handle, Text.In(servicePrincipal), Text.In(userPrincipal), (uint)flags));
        }

        /// <summary>
        /// Called (on a library thread, which may block) for a token when
        /// connecting without one and after the server answers
        /// UNAUTHENTICATED; null means no token. Exceptions go to
        /// MeshLibrary.CallbackException. null clears it.
        /// </summary>
        public void SetTokenProvider(Func<string> provider)
        {
            if (provider == null)
            {
                Native.Check(Native.mesh_options_set_token_provider(Handle, null, IntPtr.Zero));
                Tokens = null;
                return;
            }
            var tokens = new TokenSource(provider);
            Native.Check(Native.mesh_options_set_token_provider(Handle, TokenSource.Thunk, tokens.Id));
            Tokens = tokens;
        }

        public void SetMaxReceiveMessageBytes(uint bytes)
        {
            Native.Check(Native.mesh_options_set_max_receive_message_bytes(Handle, bytes));
        }

        public void Dispose() { Handle.Dispose(); }
    }

    /// <summary>Who the server says the caller is.</summary>
    public sealed class UserIdentity
    {
        public string DisplayName { get; internal set; }
        public string Source { get; internal set; }
        public string Identifier { get; internal set; }
    }

    /// <summary>A connection to one Mesh server; serves any number of sessions from any thread.</summary>
    public sealed class Connection : IDisposable
    {
        readonly ConnectionHandle handle;
        // Keeps the token provider of the options alive as long as this
        // connection (and its sessions) may ask for tokens.
        internal readonly TokenSource Tokens;

        Connection(ConnectionHandle handle, TokenSource tokens)
        {
            this.handle = handle;
            Tokens = tokens;
        }

        /// <summary>
        /// Connects to "host:port", "http://host:port" or "https://host:port"
        /// and checks the server's version. options may be null.
        /// </summary>
        public static Connection Connect(string address, MeshOptions options = null)
        {
            MeshLibrary.Touch();
            ConnectionHandle handle;
            var optionsHandle = options != null ? options.Handle : new OptionsHandle();
            Native.Check(Native.mesh_connection_open(Text.In(address), optionsHandle, out handle));
            return new Connection(handle, options != null ? options.Tokens : null);
        }

        /// <summary>Connect, as a Task (the options may be disposed once this returns).</summary>
        public static Task<Connection> ConnectAsync(string address, MeshOptions options = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var tokens = options != null ? options.Tokens : null;
            return MeshOperation.Start<ConnectionHandle, Connection>(tokens,
                (out OperationHandle op) => Native.mesh_connection_open_start(Text.In(address),
                    options != null ? options.Handle : new OptionsHandle(), out op),
                Native.mesh_connection_open_finish, connection => new Connection(connection, tokens), cancellationToken);
        }

        public string ServerVersion
        {
            get
            {
                return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_connection_server_version(handle, b, c, out l);
                });
            }
        }

        /// <summary>What the server calls itself (e.g. "Volue Mesh Server"), as it said when connecting.</summary>
        public string ServerName
        {
            get
            {
                return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_connection_server_name(handle, b, c, out l);
                });
            }
        }

        /// <summary>One statistic of this connection and its sessions: a counter, read without a request.</summary>
        public ulong Statistic(MeshStatistic statistic)
        {
            ulong value;
            Native.Check(Native.mesh_connection_statistic(handle, (int)statistic, out value));
            return value;
        }

        /// <summary>How many calls through this connection and its sessions failed with <paramref name="status"/>.</summary>
        public ulong FailuresByStatus(MeshStatus status)
        {
            ulong count;
            Native.Check(Native.mesh_connection_statistic_failures_by_status(handle, status, out count));
            return count;
        }

        public Session OpenSession()
        {
            SessionHandle session;
            Native.Check(Native.mesh_session_open(handle, out session));
            return new Session(session, Tokens);
        }

        public Task<Session> OpenSessionAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<SessionHandle, Session>(handle,
                (out OperationHandle op) => Native.mesh_session_open_start(handle, out op),
                Native.mesh_session_open_finish, session => new Session(session, Tokens), cancellationToken);
        }

        /// <summary>Attaches to an open session by id (any case, braces allowed).</summary>
        public Session AttachSession(string sessionId)
        {
            SessionHandle session;
            Native.Check(Native.mesh_session_attach(handle, Text.In(sessionId), out session));
            return new Session(session, Tokens);
        }

        public Task<Session> AttachSessionAsync(string sessionId,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<SessionHandle, Session>(handle,
                (out OperationHandle op) => Native.mesh_session_attach_start(handle, Text.In(sessionId), out op),
                Native.mesh_session_attach_finish, session => new Session(session, Tokens), cancellationToken);
        }

        public void SetAccessToken(string token)
        {
            Native.Check(Native.mesh_connection_set_access_token(handle, Text.In(token)));
        }

        public void RevokeAccessToken(string token)
        {
            Native.Check(Native.mesh_connection_revoke_access_token(handle, Text.In(token)));
        }

        public Task RevokeAccessTokenAsync(string token, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start(handle,
                (out OperationHandle op) => Native.mesh_connection_revoke_access_token_start(handle, Text.In(token), out op),
                Native.mesh_connection_revoke_access_token_finish, cancellationToken);
        }

        /// <summary>
        /// Revokes the token this connection sends (the one Kerberos or a
        /// token provider got, or one set) and stops sending it: with Kerberos
        /// or a provider the next call gets a new one. Throws MeshException
        /// (ErrorInvalidArgument) when the connection sends no token.
        /// </summary>
        public void RevokeOwnAccessToken()
        {
            Native.Check(Native.mesh_connection_revoke_access_token(handle, null));
        }

        public Task RevokeOwnAccessTokenAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start(handle,
                (out OperationHandle op) => Native.mesh_connection_revoke_access_token_start(handle, null, out op),
                Native.mesh_connection_revoke_access_token_finish, cancellationToken);
        }

        /// <summary>Makes the calls in flight through this connection and its
        /// sessions, on other threads, throw MeshException
        /// (MeshStatus.ErrorCancelled) at once (mesh_connection_interrupt).</summary>
        public void Interrupt()
        {
            Native.Check(Native.mesh_connection_interrupt(handle));
        }

        public UserIdentity GetUserIdentity()
        {
            IdentityHandle identity;
            Native.Check(Native.mesh_identity_read(handle, out identity));
            return ReadIdentity(identity);
        }

        public Task<UserIdentity> GetUserIdentityAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<IdentityHandle, UserIdentity>(handle,
                (out OperationHandle op) => Native.mesh_identity_read_start(handle, out op),
                Native.mesh_identity_read_finish, ReadIdentity, cancellationToken);
        }

        static UserIdentity ReadIdentity(IdentityHandle identity)
        {
            using (identity)
            {
                return new UserIdentity
                {
                    DisplayName = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                    {
                        return Native.mesh_identity_display_name(identity, b, c, out l);
                    }),
                    Source = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                    {
                        return Native.mesh_identity_source(identity, b, c, out l);
                    }),
                    Identifier = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                    {
                        return Native.mesh_identity_identifier(identity, b, c, out l);
                    }),
                };
            }
        }

        /// <summary>Frees the connection; its open sessions keep working until closed.</summary>
        public void Dispose() { handle.Dispose(); }
    }

    public sealed class SessionExpiredEventArgs : EventArgs
    {
        public SessionExpiredEventArgs(string sessionId) { SessionId = sessionId; }
        public string SessionId { get; private set; }
    }

    /// <summary>Points of a time series: three arrays of the same length.</summary>
    public sealed class TimeseriesPoints
    {
        public TimeseriesPoints(long[] timestamps, uint[] flags, double[] values)
        {
            if (timestamps == null || values == null) throw new ArgumentNullException(timestamps == null ? "timestamps" : "values");
            if (flags != null && flags.Length != timestamps.Length || values.Length != timestamps.Length)
                throw new ArgumentException("timestamps, flags and values differ in length");
            Timestamps = timestamps;
            Flags = flags ?? new uint[timestamps.Length];
            Values = values;
        }

        /// <summary>Milliseconds since the Unix epoch, UTC, increasing.</summary>
        public long[] Timestamps { get; private set; }
        /// <summary>MeshFlags as numbers (PointFlags(i) gives them typed).</summary>
        public uint[] Flags { get; private set; }
        public double[] Values { get; private set; }
        public int Count { get { return Timestamps.Length; } }
        public DateTime TimeUtc(int i) { return MeshTime.FromUnixMs(Timestamps[i]); }
        public MeshFlags PointFlags(int i) { return (MeshFlags)Flags[i]; }
    }

    /// <summary>
    /// An open Mesh session, kept alive by the library while open. Dispose
    /// closes it (uncommitted changes are lost); Detach leaves it open for
    /// another process.
    /// </summary>
    public sealed partial class Session : IDisposable
    {
        // Referenced from a static field so the collector never frees it.
        static readonly MeshExpiredCallback ExpiredThunk = OnExpired;

        readonly SessionHandle handle;
        // Keeps the token provider alive while this session may need tokens.
        internal readonly TokenSource Tokens;
        readonly object gate = new object();
        EventHandler<SessionExpiredEventArgs> expired;
        IntPtr callbackId;
        bool ended;

        internal Session(SessionHandle handle, TokenSource tokens)
        {
            this.handle = handle;
            Tokens = tokens;
        }

        ~Session()
        {
            if (callbackId != IntPtr.Zero) CallbackTargets.Remove(callbackId);
        }

        /// <summary>Canonical lower-case id, 36 characters.</summary>
        public string Id
        {
            get
            {
                return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_session_id(handle, b, c, out l);
                });
            }
        }

        public void Commit() { Native.Check(Native.mesh_session_commit(handle)); }

        public Task CommitAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_session_commit_start(handle, out op),
                Native.mesh_session_commit_finish, cancellationToken);
        }

        public void Rollback() { Native.Check(Native.mesh_session_rollback(handle)); }

        public Task RollbackAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_session_rollback_start(handle, out op),
                Native.mesh_session_rollback_finish, cancellationToken);
        }

        /// <summary>Extends the session now; returns the server's inactivity timeout.</summary>
        public TimeSpan Extend()
        {
            long ms;
            Native.Check(Native.mesh_session_extend(handle, out ms));
            return TimeSpan.FromMilliseconds(ms);
        }

        public Task<TimeSpan> ExtendAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<long, TimeSpan>(handle,
                (out OperationHandle op) => Native.mesh_session_extend_start(handle, out op),
                Native.mesh_session_extend_finish, ms => TimeSpan.FromMilliseconds(ms), cancellationToken);
        }

        /// <summary>True once the server has said the session is gone. Asks the server nothing.</summary>
        /// <summary>Makes this session's calls in flight on other threads throw
        /// MeshException (MeshStatus.ErrorCancelled) at once
        /// (mesh_session_interrupt). The session stays usable.</summary>
        public void Interrupt()
        {
            Native.Check(Native.mesh_session_interrupt(handle));
        }

        public bool IsExpired
        {
            get
            {
                int expired;
                Native.Check(Native.mesh_session_is_expired(handle, out expired));
                return expired != 0;
            }
        }

        /// <summary>
        /// Raised once when the session is found expired, on a library
        /// thread. Never raised after Dispose or Detach has returned (they
        /// wait for a handler that is running, unless called from it).
        /// Exceptions from handlers go to MeshLibrary.CallbackException.
        /// </summary>
        public event EventHandler<SessionExpiredEventArgs> Expired
        {
            add
            {
                bool register;
                lock (gate)
                {
                    if (ended) throw new ObjectDisposedException("Session");
                    expired += value;
                    register = callbackId == IntPtr.Zero;
                    if (register) callbackId = CallbackTargets.Add(this);
                }
                if (register)
                    Native.Check(Native.mesh_session_set_expired_callback(handle, ExpiredThunk, callbackId));
            }
            remove
            {
                lock (gate) { expired -= value; }
            }
        }

        static void OnExpired(IntPtr sessionId, IntPtr userData)
        {
            try
            {
                var session = CallbackTargets.Get<Session>(userData);
                if (session != null) session.RaiseExpired(Text.FromLibrary(sessionId));
            }
            catch (Exception e)
            {
                MeshLibrary.Report(e);
            }
        }

        void RaiseExpired(string id)
        {
            // No lock is held while the handlers run: waiting for a running
            // handler is the library's (see End), and a handler may take
            // any lock of its own.
            EventHandler<SessionExpiredEventArgs> handlers;
            lock (gate)
            {
                if (ended) return;
                handlers = expired;
            }
            if (handlers == null) return;
            foreach (EventHandler<SessionExpiredEventArgs> handler in handlers.GetInvocationList())
            {
                try { handler(this, new SessionExpiredEventArgs(id)); }
                catch (Exception e) { MeshLibrary.Report(e); }
            }
        }

        /// <summary>Marks the session ended; false if it already was.</summary>
        bool End()
        {
            IntPtr id;
            lock (gate)
            {
                if (ended) return false;
                ended = true;
                id = callbackId;
            }
            if (id != IntPtr.Zero)
            {
                CallbackTargets.Remove(id);
                // Returns once the handler is neither running nor will run
                // (the library's promise; from inside the handler it does
                // not wait for itself). Close and detach promise the same,
                // but Dispose may leave the close to the SafeHandle later,
                // when another thread is still in a call with the handle.
                if (!handle.IsClosed) Native.mesh_session_set_expired_callback(handle, null, IntPtr.Zero);
            }
            return true;
        }

        /// <summary>Stops keep-alive and frees the handle, leaving the session open on the server.</summary>
        public void Detach()
        {
            if (!End()) throw new ObjectDisposedException("Session");
            var status = Native.mesh_session_detach(handle.DangerousGetHandle());
            handle.SetHandleAsInvalid();
            Native.Check(status);
        }

        /// <summary>Ends the session on the server and frees the handle; throws on failure.</summary>
        public void Close()
        {
            if (!End()) throw new ObjectDisposedException("Session");
            var status = Native.mesh_session_close(handle.DangerousGetHandle());
            handle.SetHandleAsInvalid();
            Native.Check(status);
        }

        /// <summary>
        /// Close, as a Task: the handle is freed when this returns (its calls
        /// still pending are cancelled), the session ended on the server when
        /// the Task completes. A token already cancelled closes nothing.
        /// </summary>
        public Task CloseAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start(null, (out OperationHandle op) =>
            {
                if (!End()) throw new ObjectDisposedException("Session");
                var status = Native.mesh_session_close_start(handle, out op);
                handle.SetHandleAsInvalid();
                return status;
            }, Native.mesh_session_close_finish, cancellationToken);
        }

        /// <summary>An operation through this session with no result.</summary>
        Task DoneAsync(StartCall start, FinishDoneCall finish, CancellationToken cancellationToken)
        {
            return MeshOperation.Start(handle, start, finish, cancellationToken);
        }

        /// <summary>An operation through this session giving points.</summary>
        Task<TimeseriesPoints> PointsAsync(StartCall start, FinishCall<PointListHandle> finish,
            CancellationToken cancellationToken)
        {
            return MeshOperation.Start<PointListHandle, TimeseriesPoints>(handle, start, finish, Take, cancellationToken);
        }

        /// <summary>Close without exceptions (a session already gone is no error here).</summary>
        public void Dispose()
        {
            if (End()) handle.Dispose();
        }

        // ------------------------------------------------------------ time series

        public TimeseriesPoints ReadTimeseries(long key, long startMs, long endMs)
        {
            PointListHandle points;
            Native.Check(Native.mesh_timeseries_read_by_key(handle, key, startMs, endMs, out points));
            return Take(points);
        }

        public Task<TimeseriesPoints> ReadTimeseriesAsync(long key, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return PointsAsync((out OperationHandle op) => Native.mesh_timeseries_read_by_key_start(handle, key, startMs, endMs, out op),
                Native.mesh_timeseries_read_by_key_finish, cancellationToken);
        }

        public TimeseriesPoints ReadTimeseries(string path, long startMs, long endMs)
        {
            PointListHandle points;
            Native.Check(Native.mesh_timeseries_read_by_path(handle, Text.In(path), startMs, endMs, out points));
            return Take(points);
        }

        public Task<TimeseriesPoints> ReadTimeseriesAsync(string path, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return PointsAsync((out OperationHandle op) => Native.mesh_timeseries_read_by_path_start(handle, Text.In(path), startMs, endMs, out op),
                Native.mesh_timeseries_read_by_path_finish, cancellationToken);
        }

        public TimeseriesPoints ReadTimeseries(Guid id, long startMs, long endMs)
        {
            PointListHandle points;
            Native.Check(Native.mesh_timeseries_read_by_id(handle, Text.In(id.ToString()), startMs, endMs, out points));
            return Take(points);
        }

        public Task<TimeseriesPoints> ReadTimeseriesAsync(Guid id, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return PointsAsync((out OperationHandle op) => Native.mesh_timeseries_read_by_id_start(handle, Text.In(id.ToString()), startMs, endMs, out op),
                Native.mesh_timeseries_read_by_id_finish, cancellationToken);
        }

        public TimeseriesPoints ReadTimeseries(long key, DateTime start, DateTime end)
        {
            return ReadTimeseries(key, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end));
        }

        public Task<TimeseriesPoints> ReadTimeseriesAsync(long key, DateTime start, DateTime end,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return ReadTimeseriesAsync(key, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end), cancellationToken);
        }

        public TimeseriesPoints ReadTimeseries(string path, DateTime start, DateTime end)
        {
            return ReadTimeseries(path, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end));
        }

        public Task<TimeseriesPoints> ReadTimeseriesAsync(string path, DateTime start, DateTime end,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return ReadTimeseriesAsync(path, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end), cancellationToken);
        }

        public TimeseriesPoints ReadTimeseries(Guid id, DateTime start, DateTime end)
        {
            return ReadTimeseries(id, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end));
        }

        public Task<TimeseriesPoints> ReadTimeseriesAsync(Guid id, DateTime start, DateTime end,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return ReadTimeseriesAsync(id, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end), cancellationToken);
        }

        internal static TimeseriesPoints Take(PointListHandle points)
        {
            using (points)
            {
                UIntPtr count;
                Native.Check(Native.mesh_point_list_count(points, out count));
                int n = checked((int)count.ToUInt64());
                var timestamps = new long[n];
                var flags = new uint[n];
                var values = new double[n];
                if (n > 0) Native.Check(Native.mesh_point_list_copy(points, timestamps, flags, values, count));
                return new TimeseriesPoints(timestamps, flags, values);
            }
        }

        /// <summary>Replaces [startMs, endMs) with the points, in this session.</summary>
        public void WriteTimeseries(long key, long startMs, long endMs, TimeseriesPoints points)
        {
            Native.Check(Native.mesh_timeseries_write_by_key(handle, key, startMs, endMs,
                points.Timestamps, points.Flags, points.Values, (UIntPtr)points.Count));
        }

        public Task WriteTimeseriesAsync(long key, long startMs, long endMs, TimeseriesPoints points,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            if (points == null) throw new ArgumentNullException("points");
            return DoneAsync((out OperationHandle op) => Native.mesh_timeseries_write_by_key_start(handle, key, startMs, endMs,
                points.Timestamps, points.Flags, points.Values, (UIntPtr)points.Count, out op),
                Native.mesh_timeseries_write_by_key_finish, cancellationToken);
        }

        public void WriteTimeseries(string path, long startMs, long endMs, TimeseriesPoints points)
        {
            Native.Check(Native.mesh_timeseries_write_by_path(handle, Text.In(path), startMs, endMs,
                points.Timestamps, points.Flags, points.Values, (UIntPtr)points.Count));
        }

        public Task WriteTimeseriesAsync(string path, long startMs, long endMs, TimeseriesPoints points,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            if (points == null) throw new ArgumentNullException("points");
            return DoneAsync((out OperationHandle op) => Native.mesh_timeseries_write_by_path_start(handle, Text.In(path), startMs, endMs,
                points.Timestamps, points.Flags, points.Values, (UIntPtr)points.Count, out op),
                Native.mesh_timeseries_write_by_path_finish, cancellationToken);
        }

        public void WriteTimeseries(Guid id, long startMs, long endMs, TimeseriesPoints points)
        {
            Native.Check(Native.mesh_timeseries_write_by_id(handle, Text.In(id.ToString()), startMs, endMs,
                points.Timestamps, points.Flags, points.Values, (UIntPtr)points.Count));
        }

        public Task WriteTimeseriesAsync(Guid id, long startMs, long endMs, TimeseriesPoints points,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            if (points == null) throw new ArgumentNullException("points");
            return DoneAsync((out OperationHandle op) => Native.mesh_timeseries_write_by_id_start(handle, Text.In(id.ToString()), startMs, endMs,
                points.Timestamps, points.Flags, points.Values, (UIntPtr)points.Count, out op),
                Native.mesh_timeseries_write_by_id_finish, cancellationToken);
        }

        /// <summary>Deletes the points in [startMs, endMs), in this session.</summary>
        public void DeleteTimeseries(long key, long startMs, long endMs)
        {
            Native.Check(Native.mesh_timeseries_delete_by_key(handle, key, startMs, endMs));
        }

        public Task DeleteTimeseriesAsync(long key, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_timeseries_delete_by_key_start(handle, key, startMs, endMs, out op),
                Native.mesh_timeseries_delete_by_key_finish, cancellationToken);
        }

        public void DeleteTimeseries(string path, long startMs, long endMs)
        {
            Native.Check(Native.mesh_timeseries_delete_by_path(handle, Text.In(path), startMs, endMs));
        }

        public Task DeleteTimeseriesAsync(string path, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_timeseries_delete_by_path_start(handle, Text.In(path), startMs, endMs, out op),
                Native.mesh_timeseries_delete_by_path_finish, cancellationToken);
        }

        public void DeleteTimeseries(Guid id, long startMs, long endMs)
        {
            Native.Check(Native.mesh_timeseries_delete_by_id(handle, Text.In(id.ToString()), startMs, endMs));
        }

        public Task DeleteTimeseriesAsync(Guid id, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_timeseries_delete_by_id_start(handle, Text.In(id.ToString()), startMs, endMs, out op),
                Native.mesh_timeseries_delete_by_id_finish, cancellationToken);
        }

        public void DeleteTimeseries(long key, DateTime start, DateTime end)
        {
            DeleteTimeseries(key, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end));
        }

        public Task DeleteTimeseriesAsync(long key, DateTime start, DateTime end,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return DeleteTimeseriesAsync(key, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end), cancellationToken);
        }

        public void DeleteTimeseries(string path, DateTime start, DateTime end)
        {
            DeleteTimeseries(path, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end));
        }

        public Task DeleteTimeseriesAsync(string path, DateTime start, DateTime end,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return DeleteTimeseriesAsync(path, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end), cancellationToken);
        }
    }
}
