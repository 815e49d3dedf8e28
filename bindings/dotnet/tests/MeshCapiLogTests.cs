// MeshCapiLogTests.cs: MeshLibrary.SetLog, tested by the test program
// (MeshCapiTests.cs registers and runs them): the library's log reaches the
// delegate on a library thread at the levels asked for, a throwing delegate
// is reported and contained, a delegate may replace itself, and SetLog with
// null stops it.

using System;
using System.Collections.Generic;
using System.Threading;
using MeshCapi;

static partial class MeshCapiTests
{
    /// Collects what a SetLog delegate receives, as "Level target: message".
    sealed class LogRecorder
    {
        readonly object gate = new object();
        readonly List<string> lines = new List<string>();
        readonly int testThread = Thread.CurrentThread.ManagedThreadId;
        bool onTestThread;

        public void Log(MeshLogLevel level, string target, string message)
        {
            lock (gate)
            {
                lines.Add(level + " " + target + ": " + message);
                if (Thread.CurrentThread.ManagedThreadId == testThread) onTestThread = true;
            }
        }

        public int Count { get { lock (gate) return lines.Count; } }
        public bool OnTestThread { get { lock (gate) return onTestThread; } }

        public bool Has(string text)
        {
            lock (gate) return lines.Exists(l => l.Contains(text));
        }

        public override string ToString()
        {
            lock (gate) return string.Join("\n", lines);
        }
    }

    // A connect, a session and one call on it.
    static void ExtendOnce()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
            session.Extend();
    }

    static void LogReachesTheDelegate()
    {
        var log = new LogRecorder();
        MeshLibrary.SetLog(MeshLogLevel.Debug, log.Log);
        try
        {
            ExtendOnce();
            Check(WaitUntil(delegate
            {
                return log.Has("Info mesh_capi::client::connection: connected to " + address)
                    && log.Has("Debug mesh_capi::client::connection: StartSession: answered in ");
            }, 10000), "a connect at Info and a call at Debug:\n" + log);
            Check(!log.Has("Trace "), "nothing below Debug:\n" + log);
            Check(!log.OnTestThread, "delivered on a library thread, not the caller's");
        }
        finally
        {
            MeshLibrary.SetLog(MeshLogLevel.Error, null);
        }
        // Once SetLog returns the delegate is not running and will not run.
        int seen = log.Count;
        ExtendOnce();
        Thread.Sleep(300);
        Equal(seen, log.Count, "messages after SetLog(..., null)");
    }

    static void LogLevelsThrowsAndReplacement()
    {
        // Info: connects, no calls.
        var info = new LogRecorder();
        MeshLibrary.SetLog(MeshLogLevel.Info, info.Log);
        try
        {
            ExtendOnce();
            Check(WaitUntil(delegate { return info.Has("connected to " + address); }, 10000), "connected:\n" + info);
            Thread.Sleep(200);
            Check(!info.Has("answered in"), "no Debug message at Info:\n" + info);

            // A bad level changes nothing.
            ThrowsOf<ArgumentOutOfRangeException>(delegate { MeshLibrary.SetLog((MeshLogLevel)0, info.Log); });
            ThrowsOf<ArgumentOutOfRangeException>(delegate { MeshLibrary.SetLog((MeshLogLevel)6, info.Log); });
            int before = info.Count;
            using (var connection = Connection.Connect(address)) { }
            Check(WaitUntil(delegate { return info.Count > before; }, 10000), "still logging after a bad level");

            // A throwing delegate goes to CallbackException; the log goes on.
            var reported = new List<Exception>();
            EventHandler<CallbackExceptionEventArgs> report = delegate(object s, CallbackExceptionEventArgs e)
            {
                lock (reported) reported.Add(e.Exception);
            };
            MeshLibrary.CallbackException += report;
            try
            {
                int calls = 0;
                MeshLibrary.SetLog(MeshLogLevel.Info, delegate
                {
                    Interlocked.Increment(ref calls);
                    throw new InvalidOperationException("log delegate failed");
                });
                using (var connection = Connection.Connect(address)) { }
                using (var connection = Connection.Connect(address)) { }
                Check(WaitUntil(delegate { return calls >= 2; }, 10000), "the delegate ran after it threw");
                lock (reported)
                    Check(reported.Exists(e => e is InvalidOperationException && e.Message == "log delegate failed"),
                        "reported to CallbackException");
            }
            finally
            {
                MeshLibrary.CallbackException -= report;
            }

            // A delegate may replace itself (no deadlock: the library does
            // not wait for the callback it is called from).
            var after = new LogRecorder();
            int replaced = 0;
            MeshLibrary.SetLog(MeshLogLevel.Info, delegate(MeshLogLevel level, string target, string message)
            {
                if (Interlocked.Exchange(ref replaced, 1) == 0) MeshLibrary.SetLog(MeshLogLevel.Info, after.Log);
            });
            using (var connection = Connection.Connect(address)) { }
            Check(WaitUntil(delegate { return replaced == 1; }, 10000), "the first delegate ran");
            using (var connection = Connection.Connect(address)) { }
            Check(WaitUntil(delegate { return after.Has("connected to " + address); }, 10000),
                "the replacement receives the log:\n" + after);
        }
        finally
        {
            MeshLibrary.SetLog(MeshLogLevel.Error, null);
        }
    }
}
