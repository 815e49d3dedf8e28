// MeshCapiTests.cs: the .NET binding tested against a running emulator, as
// a console program (no test framework needed, so it runs on plain Mono).
// tests/bindings_dotnet.rs builds and runs it:
//
//   MeshCapiTests.exe VERSION ADDRESS TLS_ADDRESS ROOT_PEM SERVER_NAME TOKEN DISPLAY_NAME
//
// Prints PASS/FAIL per test and ends with "N passed, M failed"; the exit
// code is 0 only when nothing failed.

using System;
using System.Collections.Generic;
using System.Threading;
using MeshCapi;

static class MeshCapiTests
{
    const long Key = 4242;
    const string SeriesPath = "Resource/Tilløp/Serie";
    static string version, address, tlsAddress, rootPem, serverName, token, displayName;
    static int passed, failed;

    static int Main(string[] args)
    {
        if (args.Length < 7)
        {
            Console.WriteLine("usage: MeshCapiTests VERSION ADDRESS TLS_ADDRESS ROOT_PEM SERVER_NAME TOKEN DISPLAY_NAME");
            return 2;
        }
        version = args[0];
        address = args[1];
        tlsAddress = args[2];
        rootPem = args[3];
        serverName = args[4];
        token = args[5];
        displayName = args[6];

        Test("library version and status names", LibraryVersionAndStatusNames);
        Test("connect reports the server version", ConnectReportsTheServerVersion);
        Test("an unreachable server throws with status and message", UnreachableServerThrows);
        Test("sessions open, commit, roll back, extend, close", SessionsOpenCommitRollbackClose);
        Test("attach by braced upper-case id; gone after close", AttachAndNotFound);
        Test("a malformed id is an invalid argument", MalformedIdIsInvalidArgument);
        Test("time series round trip as arrays, isolation until commit", TimeseriesRoundTrip);
        Test("UTF-8 both ways: non-ASCII path in, message out", Utf8BothWays);
        Test("a disposed session throws ObjectDisposedException", DisposedSessionThrows);
        Test("shutdown invalidates handles; the library starts again", ShutdownAndRestart);
        Test("the expired event fires once, on a library thread", ExpiredEventFiresOnce);
        Test("a throwing handler is contained and reported", ThrowingHandlerIsContained);
        Test("Dispose waits for a running handler", DisposeWaitsForARunningHandler);
        Test("token provider over TLS, identity with non-ASCII name", TokenProviderOverTls);
        Test("a throwing token provider gives UNAUTHENTICATED", ThrowingTokenProvider);
        Test("the README example runs", delegate { ReadmeExample.Run(address); });

        Console.WriteLine(passed + " passed, " + failed + " failed");
        // No MeshLibrary.Shutdown() here on purpose: callbacks ran since the
        // last one, after which Mono hangs at exit unless the binding's
        // ProcessExit hook shuts the library down (the caller times out).
        return failed == 0 ? 0 : 1;
    }

    static void Test(string name, Action body)
    {
        try
        {
            body();
            passed++;
            Console.WriteLine("PASS " + name);
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine("FAIL " + name + ": " + e);
        }
    }

    static void Check(bool condition, string what)
    {
        if (!condition) throw new Exception("check failed: " + what);
    }

    static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new Exception(what + ": expected " + expected + ", got " + actual);
    }

    static MeshException Throws(MeshStatus status, Action action)
    {
        try
        {
            action();
        }
        catch (MeshException e)
        {
            Equal(status, e.Status, "status (" + e.Message + ")");
            Check(e.Message.StartsWith(MeshLibrary.StatusName(status) + ": mesh_"), "message names status and function: " + e.Message);
            return e;
        }
        throw new Exception("expected a MeshException with " + status);
    }

    static bool WaitUntil(Func<bool> condition, int milliseconds)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(milliseconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }

    /// Ends the session on the server through a second handle, so that the
    /// first one's keep-alive finds it gone.
    static void EndElsewhere(Connection connection, string id)
    {
        using (var other = connection.AttachSession(id)) other.Close();
    }

    static MeshOptions FastKeepAlive()
    {
        var options = new MeshOptions();
        options.SetKeepAliveInterval(TimeSpan.FromMilliseconds(100));
        return options;
    }

    // ---------------------------------------------------------------- tests

    static void LibraryVersionAndStatusNames()
    {
        Equal(version, MeshLibrary.Version, "version");
        Equal("MESH_ERROR_SESSION_NOT_FOUND", MeshLibrary.StatusName(MeshStatus.ErrorSessionNotFound), "name");
        Equal("MESH_STATUS_UNKNOWN", MeshLibrary.StatusName((MeshStatus)99), "unknown");
    }

    static void ConnectReportsTheServerVersion()
    {
        using (var connection = Connection.Connect(address))
            Equal("2.21.0", connection.ServerVersion, "server version");
    }

    static void UnreachableServerThrows()
    {
        using (var options = new MeshOptions())
        {
            options.SetConnectTimeout(TimeSpan.FromSeconds(2));
            var e = Throws(MeshStatus.ErrorUnavailable, delegate { Connection.Connect("127.0.0.1:1", options); });
            Check(e.LibraryMessage.StartsWith("mesh_connect:"), e.LibraryMessage);
        }
    }

    static void SessionsOpenCommitRollbackClose()
    {
        using (var connection = Connection.Connect(address))
        {
            var session = connection.OpenSession();
            Equal(36, session.Id.Length, "id length");
            session.Commit();
            session.Rollback();
            Check(session.Extend() > TimeSpan.Zero, "the server's timeout");
            Check(!session.IsExpired, "not expired");
            session.Close();
            try
            {
                session.Close();
                throw new Exception("closing twice did not throw");
            }
            catch (ObjectDisposedException) { }
            session.Dispose();
        }
    }

    static void AttachAndNotFound()
    {
        using (var connection = Connection.Connect(address))
        {
            string id;
            using (var first = connection.OpenSession())
            {
                id = first.Id;
                first.Detach();
            }
            using (var second = Connection.Connect(address))
            {
                var attached = second.AttachSession("{" + id.ToUpperInvariant() + "}");
                Equal(id, attached.Id, "attached id");
                attached.Close();
                var e = Throws(MeshStatus.ErrorSessionNotFound, delegate { second.AttachSession(id); });
                Check(e.LibraryMessage.Contains("not found"), e.LibraryMessage);
            }
        }
    }

    static void MalformedIdIsInvalidArgument()
    {
        using (var connection = Connection.Connect(address))
            Throws(MeshStatus.ErrorInvalidArgument, delegate { connection.AttachSession("not-a-session-id"); });
    }

    static void TimeseriesRoundTrip()
    {
        long start = MeshTime.ToUnixMs(new DateTime(2031, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        long end = start + 24 * 3600000L;
        var times = new long[24];
        var flags = new uint[24];
        var values = new double[24];
        for (int i = 0; i < 24; i++)
        {
            times[i] = start + i * 3600000L;
            flags[i] = i == 5 ? 0x04000000u : 0u;
            values[i] = i == 7 ? double.NaN : 100.5 + i;
        }
        using (var connection = Connection.Connect(address))
        using (var writer = connection.OpenSession())
        using (var reader = connection.OpenSession())
        {
            writer.WriteTimeseries(Key, start, end, new TimeseriesPoints(times, flags, values));
            var byKey = writer.ReadTimeseries(Key, start, end);
            var byPath = writer.ReadTimeseries(SeriesPath, MeshTime.FromUnixMs(start), MeshTime.FromUnixMs(end));
            foreach (var points in new[] { byKey, byPath })
            {
                Equal(24, points.Count, "count");
                for (int i = 0; i < 24; i++)
                {
                    Equal(times[i], points.Timestamps[i], "time " + i);
                    Equal(flags[i], points.Flags[i], "flags " + i);
                    Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(points.Values[i]), "value " + i);
                }
            }
            Equal(new DateTime(2031, 3, 1, 1, 0, 0, DateTimeKind.Utc), byKey.TimeUtc(1), "TimeUtc");
            Equal(0, reader.ReadTimeseries(Key, start, end).Count, "unseen before commit");
            writer.Commit();
            Equal(24, reader.ReadTimeseries(Key, start, end).Count, "seen after commit");
            Throws(MeshStatus.ErrorInvalidArgument, delegate { writer.ReadTimeseries(Key, end, start); });
            Throws(MeshStatus.ErrorNotFound, delegate { writer.ReadTimeseries(Guid.NewGuid(), start, end); });
        }
    }

    static void Utf8BothWays()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            var e = Throws(MeshStatus.ErrorNotFound, delegate { session.ReadTimeseries("Resource/Tilløp/Mangler", 0, 1); });
            Check(e.LibraryMessage.Contains("Tilløp/Mangler"), "the message carries the path: " + e.LibraryMessage);
        }
    }

    static void DisposedSessionThrows()
    {
        using (var connection = Connection.Connect(address))
        {
            var session = connection.OpenSession();
            session.Dispose();
            session.Dispose();
            try
            {
                session.Commit();
                throw new Exception("Commit after Dispose did not throw");
            }
            catch (ObjectDisposedException) { }
        }
    }

    static void ExpiredEventFiresOnce()
    {
        using (var options = FastKeepAlive())
        using (var connection = Connection.Connect(address, options))
        using (var session = connection.OpenSession())
        {
            string id = session.Id;
            int calls = 0;
            string seenId = null;
            int seenThread = 0;
            session.Expired += delegate(object sender, SessionExpiredEventArgs e)
            {
                Interlocked.Increment(ref calls);
                seenId = e.SessionId;
                seenThread = Thread.CurrentThread.ManagedThreadId;
                Check(ReferenceEquals(sender, session), "sender");
            };
            EndElsewhere(connection, id);
            Check(WaitUntil(delegate { return calls > 0; }, 10000), "the event fired");
            Thread.Sleep(300);
            Equal(1, calls, "fired once");
            Equal(id, seenId, "with the session id");
            Check(seenThread != Thread.CurrentThread.ManagedThreadId, "on a library thread");
            Check(session.IsExpired, "IsExpired");
            Throws(MeshStatus.ErrorSessionExpired, delegate { session.Commit(); });
        }
    }

    static void ThrowingHandlerIsContained()
    {
        var reported = new List<Exception>();
        EventHandler<CallbackExceptionEventArgs> report = delegate(object s, CallbackExceptionEventArgs e)
        {
            lock (reported) reported.Add(e.Exception);
        };
        MeshLibrary.CallbackException += report;
        try
        {
            using (var options = FastKeepAlive())
            using (var connection = Connection.Connect(address, options))
            using (var session = connection.OpenSession())
            {
                bool secondRan = false;
                session.Expired += delegate { throw new InvalidOperationException("handler failed"); };
                session.Expired += delegate { secondRan = true; };
                EndElsewhere(connection, session.Id);
                Check(WaitUntil(delegate { lock (reported) return reported.Count > 0; }, 10000), "reported");
                Check(reported[0] is InvalidOperationException, "the handler's exception: " + reported[0]);
                Check(WaitUntil(delegate { return secondRan; }, 2000), "the next handler still ran");
            }
        }
        finally
        {
            MeshLibrary.CallbackException -= report;
        }
    }

    static void DisposeWaitsForARunningHandler()
    {
        using (var options = FastKeepAlive())
        using (var connection = Connection.Connect(address, options))
        {
            var session = connection.OpenSession();
            var entered = new ManualResetEvent(false);
            var release = new ManualResetEvent(false);
            bool finished = false, finishedBeforeDispose = false;
            session.Expired += delegate
            {
                entered.Set();
                release.WaitOne(5000);
                Thread.Sleep(50);
                finished = true;
            };
            EndElsewhere(connection, session.Id);
            Check(entered.WaitOne(10000), "the handler started");
            var disposer = new Thread(delegate()
            {
                session.Dispose();
                finishedBeforeDispose = finished;
            });
            disposer.Start();
            Check(!disposer.Join(300), "Dispose waits while the handler runs");
            release.Set();
            Check(disposer.Join(5000), "Dispose returns after the handler");
            Check(finishedBeforeDispose, "the handler had finished when Dispose returned");
        }
    }

    static void TokenProviderOverTls()
    {
        int asked = 0;
        using (var options = new MeshOptions())
        {
            options.SetTlsRootCertificateFile(rootPem);
            options.SetTlsServerName(serverName);
            options.SetTokenProvider(delegate { Interlocked.Increment(ref asked); return token; });
            using (var connection = Connection.Connect(tlsAddress, options))
            {
                Check(asked >= 1, "the provider was asked");
                var identity = connection.GetUserIdentity();
                Equal(displayName, identity.DisplayName, "display name");
                using (var session = connection.OpenSession()) session.Commit();
            }
        }
    }

    static void ThrowingTokenProvider()
    {
        var reported = new List<Exception>();
        EventHandler<CallbackExceptionEventArgs> report = delegate(object s, CallbackExceptionEventArgs e)
        {
            lock (reported) reported.Add(e.Exception);
        };
        MeshLibrary.CallbackException += report;
        try
        {
            using (var options = new MeshOptions())
            {
                options.SetTlsRootCertificateFile(rootPem);
                options.SetTlsServerName(serverName);
                options.SetTokenProvider(delegate { throw new InvalidOperationException("no token today"); });
                Throws(MeshStatus.ErrorUnauthenticated, delegate { Connection.Connect(tlsAddress, options); });
                lock (reported) Check(reported.Count >= 1 && reported[0] is InvalidOperationException, "reported");
            }
        }
        finally
        {
            MeshLibrary.CallbackException -= report;
        }
    }

    static void ShutdownAndRestart()
    {
        var connection = Connection.Connect(address);
        var session = connection.OpenSession();
        MeshLibrary.Shutdown();
        Throws(MeshStatus.ErrorInvalidHandle, delegate { session.Commit(); });
        session.Dispose();
        connection.Dispose();
        using (var again = Connection.Connect(address))
        using (var fresh = again.OpenSession())
            fresh.Commit();
    }
}
