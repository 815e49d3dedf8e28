// MeshCapi.Log.cs: the library's log, delivered to the .NET host
// (mesh_library_set_log_callback). MeshLibrary.SetLog takes a delegate of
// the shape of ILogger.Log (level, category, message) without depending on
// Microsoft.Extensions.Logging; a host with an ILoggerFactory forwards to
// factory.CreateLogger(target). Messages arrive on the library's callback
// thread, never on a thread inside a call of the binding; exceptions thrown
// by the delegate never cross into the library: they go to
// MeshLibrary.CallbackException and are otherwise dropped.
//
// Without code, the environment does the same: MESH_CAPI_LOG_FILE names a
// file the log is appended to, at the level MESH_CAPI_LOG names (error,
// warning, info, debug, trace), read once at the first call.

using System;

namespace MeshCapi
{
    public static partial class MeshLibrary
    {
        // Referenced from a static field so the collector never frees what
        // the library calls.
        static readonly MeshLogCallback LogThunk = OnLog;
        static readonly object logGate = new object();
        // What SetLog was last given (null: never called); read by OnLog.
        static LogTarget logTarget;

        sealed class LogTarget
        {
            internal readonly MeshLogLevel MinLevel;
            internal readonly Action<MeshLogLevel, string, string> Log;

            internal LogTarget(MeshLogLevel minLevel, Action<MeshLogLevel, string, string> log)
            {
                MinLevel = minLevel;
                Log = log;
            }
        }

        /// <summary>
        /// Sends the library's log to log(level, target, message): every
        /// message at minLevel or more severe (MeshLogLevel.Error for errors
        /// only, up to MeshLogLevel.Trace for everything). target says where
        /// in the library it comes from (such as
        /// "mesh_capi::client::connection"), an ILogger's category. A null
        /// log stops it. Replaces the delegate set before: once this returns,
        /// that one is not running (unless SetLog is called from inside it)
        /// and will not run. log runs on the library's callback thread, one
        /// message at a time; a slow one delays no call (messages that do not
        /// fit the library's queue are dropped and counted in a warning).
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">minLevel is not
        /// Error to Trace (and log is not null); nothing changes.</exception>
        public static void SetLog(MeshLogLevel minLevel, Action<MeshLogLevel, string, string> log)
        {
            Touch();
            if (log != null && (minLevel < MeshLogLevel.Error || minLevel > MeshLogLevel.Trace))
                throw new ArgumentOutOfRangeException("minLevel", minLevel, "MeshLogLevel.Error to MeshLogLevel.Trace");
            LogTarget applied;
            lock (logGate) logTarget = applied = new LogTarget(minLevel, log);
            // No lock is held across the native call, which waits for a
            // running delegate (one that calls SetLog itself would otherwise
            // deadlock with another thread's SetLog). Concurrent calls may
            // reach the library in another order than logTarget was written:
            // each ends only once the library has what logTarget holds.
            while (true)
            {
                Native.Check(Native.mesh_library_set_log_callback(applied.Log == null ? null : LogThunk,
                    (int)applied.MinLevel, IntPtr.Zero));
                lock (logGate)
                {
                    if (ReferenceEquals(logTarget, applied)) return;
                    applied = logTarget;
                }
            }
        }

        static void OnLog(int level, IntPtr target, IntPtr message, IntPtr userData)
        {
            try
            {
                LogTarget current;
                lock (logGate) current = logTarget;
                if (current == null || current.Log == null || level > (int)current.MinLevel) return;
                current.Log((MeshLogLevel)level, Text.FromLibrary(target), Text.FromLibrary(message));
            }
            catch (Exception e)
            {
                Report(e);
            }
        }
    }
}
