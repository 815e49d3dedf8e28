// MeshCapiTests.cs: the .NET binding tested against a running emulator, as
// a console program (no test framework needed, so it runs on plain Mono).
// tests/it/bindings_dotnet.rs builds and runs it:
//
//   MeshCapiTests.exe VERSION ADDRESS TLS_ADDRESS ROOT_PEM SERVER_NAME TOKEN DISPLAY_NAME SERVER_VERSION
//
// ADDRESS serves the emulator's demo catalog (Resource/Demo/Inflow is key
// 101, with a week of hourly points from 2025-01-01; key 1 an empty
// breakpoint series) and two series of the test's: 4242 (hourly, m3/s) and
// 4243 (daily).
//
// Prints PASS/FAIL per test and ends with "N passed, M failed"; the exit
// code is 0 only when nothing failed.

using System;
using System.Collections.Generic;
using System.Threading;
using MeshCapi;

static partial class MeshCapiTests
{
    const long Key = 4242;
    const long DailyKey = 4243;
    const long DemoKey = 101;
    const long BreakpointKey = 1;
    const long Hour = 3600000L;
    const string SeriesPath = "Resource/Tilløp/Serie";
    static string version, address, tlsAddress, rootPem, serverName, token, displayName, serverVersion;
    // An emulator that holds every Commit for seconds (optional 9th argument).
    static string slowAddress;
    static int passed, failed;

    static int Main(string[] args)
    {
        if (args.Length < 8)
        {
            Console.WriteLine("usage: MeshCapiTests VERSION ADDRESS TLS_ADDRESS ROOT_PEM SERVER_NAME TOKEN DISPLAY_NAME SERVER_VERSION");
            return 2;
        }
        version = args[0];
        address = args[1];
        tlsAddress = args[2];
        rootPem = args[3];
        serverName = args[4];
        token = args[5];
        displayName = args[6];
        serverVersion = args[7];
        slowAddress = args.Length > 8 ? args[8] : null;

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
        Test("a handler may dispose its own session", AHandlerMayDisposeItsOwnSession);
        Test("token provider over TLS, identity with non-ASCII name", TokenProviderOverTls);
        Test("a throwing token provider gives UNAUTHENTICATED", ThrowingTokenProvider);
        Test("Kerberos without a KDC: names, plain HTTP/2, one way to sign in", KerberosWithoutAKdc);
        if (slowAddress != null)
            Test("Interrupt cancels a call waiting on another thread; the session goes on", InterruptCancelsACallInFlight);
        Test("catalog: a demo series' resource info", ResourceInfoOfADemoSeries);
        Test("units: listed, found by name", Units);
        Test("catalog: create, write by path, update, commit", CreateWriteUpdateCommit);
        Test("delete by key, path and id, seen after commit", DeleteByKeyPathAndId);
        Test("typed constants match the header's numbers", TypedConstants);
        Test("the dead connection timeout is an option", DeadConnectionTimeout);
        Test("model: an object, its attributes' values and a definition", ObjectValuesAndDefinition);
        Test("model: searches; a disposed list invalidates its items", SearchesAndBorrowedItems);
        Test("model: an update is seen by another session after commit", UpdateSeenAfterCommit);
        Test("model: create, rename, delete; links and link versions", CreateRenameDeleteAndLinks);
        Test("model: XY sets and rating curves round trip", XySetsAndRatingCurves);
        Test("calc: DAY/SUM transforms match sums computed here", TransformToDaySum);
        Test("calc: a calculated attribute, numbers and quoted strings", CalculatedAttributeNumbersStrings);
        Test("model and calc: bad input gives exact statuses", ModelAndCalcBadInput);
        Test("availability: revisions, recurrences, instances, isolation, updates", AvailabilityRevisions);
        Test("availability: basic and complex restrictions, values, bad input", AvailabilityRestrictions);
        Test("the README example runs", delegate { ReadmeExample.Run(address); });
        Test("the README model and calculation example runs", delegate { ReadmeModelExample.Run(address); });
        Test("local time: Europe/Oslo around the spring change, the skipped hour refused", LocalTimeSpringChange);
        Test("local time: Europe/Oslo around the autumn change, both occurrences", LocalTimeAutumnChange);
        Test("local time: hourly round trips give days of 23, 24 and 25 hours", LocalTimeWholeDays);
        Test("local time: other ids, unknown ids and DateTime kinds", LocalTimeIdsAndBadInput);
        Test("the README local time example runs", delegate { ReadmeLocalTimeExample.Run(); });
        Test("the README asynchronous example runs", delegate {
            int points = ReadmeAsyncExample.RunAsync(address, CancellationToken.None).Result;
            if (points <= 0) throw new Exception("the README asynchronous example read " + points + " points");
        });
        Test("async: Task twins give what the blocking calls give", AsyncTwinsMatchBlocking);
        Test("async: a thousand concurrent reads on one session, no thread per call", AThousandConcurrentReads);
        if (slowAddress != null)
            Test("async: a cancelled token ends a call in flight; the session goes on", CancelACallInFlight);
        Test("log: Info and Debug messages reach SetLog's delegate on a library thread; null stops it", LogReachesTheDelegate);
        Test("log: levels filter, bad levels throw, a throwing delegate is reported, a delegate replaces itself", LogLevelsThrowsAndReplacement);

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
        Equal("MESH_ERROR_SHUTDOWN", MeshLibrary.StatusName(MeshStatus.ErrorShutdown), "16");
        Equal("MESH_ERROR_FORKED", MeshLibrary.StatusName(MeshStatus.ErrorForked), "17");
        Equal("MESH_ERROR_VERSION_MISMATCH", MeshLibrary.StatusName(MeshStatus.ErrorVersionMismatch), "18");
        Equal("MESH_ERROR_CANCELLED", MeshLibrary.StatusName(MeshStatus.ErrorCancelled), "19");
        MeshLibrary.CheckVersion();
    }

    static void ConnectReportsTheServerVersion()
    {
        using (var connection = Connection.Connect(address))
        {
            Equal(serverVersion, connection.ServerVersion, "server version");
            Equal("Volue Mesh Server", connection.ServerName, "the server's name");
            Equal(1UL, connection.Statistic(MeshStatistic.Calls) - connection.FailuresByStatus(MeshStatus.ErrorNotFound), "statistics: GetVersion, no failure");
        }
    }

    static void UnreachableServerThrows()
    {
        using (var options = new MeshOptions())
        {
            options.SetConnectTimeout(TimeSpan.FromSeconds(2));
            var e = Throws(MeshStatus.ErrorUnavailable, delegate { Connection.Connect("127.0.0.1:1", options); });
            Check(e.LibraryMessage.StartsWith("mesh_connection_open:"), e.LibraryMessage);
        }
    }

    static void InterruptCancelsACallInFlight()
    {
        using (var connection = Connection.Connect(slowAddress))
        {
            var session = connection.OpenSession();
            Exception thrown = null;
            var worker = new System.Threading.Thread(() =>
            {
                try { session.Commit(); }
                catch (Exception e) { thrown = e; }
            });
            worker.Start();
            System.Threading.Thread.Sleep(300);
            var interrupted = System.Diagnostics.Stopwatch.StartNew();
            session.Interrupt();
            Check(worker.Join(TimeSpan.FromSeconds(2)), "the commit returned within 2 s of Interrupt");
            var e2 = thrown as MeshException;
            Check(e2 != null, "a MeshException, not " + thrown);
            Equal(MeshStatus.ErrorCancelled, e2.Status, "status (" + e2.Message + ")");
            Check(interrupted.Elapsed < TimeSpan.FromSeconds(2), "promptly");
            Check(!session.IsExpired, "the session goes on");
            connection.Interrupt();
            session.Close();
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
            // An hourly series reads as missing where nothing is committed.
            var before = reader.ReadTimeseries(Key, start, end);
            Equal(24, before.Count, "steps before commit");
            for (int i = 0; i < 24; i++)
                Check(double.IsNaN(before.Values[i]) && before.PointFlags(i).HasFlag(MeshFlags.Missing), "unseen before commit");
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

    static void AHandlerMayDisposeItsOwnSession()
    {
        using (var options = FastKeepAlive())
        using (var connection = Connection.Connect(address, options))
        {
            var session = connection.OpenSession();
            var done = new ManualResetEvent(false);
            session.Expired += delegate
            {
                session.Dispose();
                done.Set();
            };
            EndElsewhere(connection, session.Id);
            Check(done.WaitOne(10000), "disposed from its own handler, without a deadlock");
            try
            {
                session.Commit();
                throw new Exception("Commit after Dispose did not throw");
            }
            catch (ObjectDisposedException) { }
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

    // Kerberos checks that need no KDC: they hold whether or not this build
    // of the library has Kerberos.
    static void KerberosWithoutAKdc()
    {
        bool hasKerberos = MeshLibrary.HasKerberos;
        using (var options = new MeshOptions())
        {
            Throws(MeshStatus.ErrorInvalidArgument, delegate { options.SetKerberos(""); });
            Throws(MeshStatus.ErrorInvalidArgument, delegate { options.SetKerberos(@"a\b\c"); });
            Throws(MeshStatus.ErrorInvalidArgument, delegate { options.SetKerberos("HTTP/localhost", @"a\b\c"); });
            Throws(MeshStatus.ErrorInvalidArgument, delegate { options.SetKerberos("HTTP/localhost", ""); });
            Throws(MeshStatus.ErrorInvalidArgument, delegate { options.SetKerberos("HTTP/localhost", null, (MeshKerberosFlags)2); });
            options.SetKerberos(null);

            // Nothing to revoke on a connection that sends no token.
            using (var plain = Connection.Connect(address))
            {
                var e = Throws(MeshStatus.ErrorInvalidArgument, delegate { plain.RevokeOwnAccessToken(); });
                Check(e.LibraryMessage.Contains("no access token"), e.LibraryMessage);
            }

            if (!hasKerberos)
            {
                var e = Throws(MeshStatus.ErrorInvalidArgument, delegate { options.SetKerberos("HTTP/localhost"); });
                Check(e.LibraryMessage.Contains("kerberos"), e.LibraryMessage);
                return;
            }
            options.SetKerberos("HTTP@localhost");
            options.SetKerberos("HTTP/localhost", null, MeshKerberosFlags.Mutual);
            options.SetKerberos(@"EXAMPLE\meshsvc", @"MESH\alice");
            options.SetKerberos("HTTP/localhost", "alice@mesh.test");
            // Tickets travel only over TLS.
            var plainHttp = Throws(MeshStatus.ErrorInvalidArgument, delegate { Connection.Connect(address, options); });
            Check(plainHttp.LibraryMessage.Contains("https://"), plainHttp.LibraryMessage);
            Throws(MeshStatus.ErrorInvalidArgument, delegate { Connection.Connect("http://" + address, options); });
        }
        // One way to sign in at a time.
        using (var both = new MeshOptions())
        {
            both.SetTlsRootCertificateFile(rootPem);
            both.SetTlsServerName(serverName);
            both.SetAccessToken(token);
            both.SetKerberos("HTTP/localhost");
            Throws(MeshStatus.ErrorInvalidArgument, delegate { Connection.Connect(tlsAddress, both); });
        }
    }

    static void ResourceInfoOfADemoSeries()
    {
        using (var connection = Connection.Connect(address))
        {
            TimeseriesResource r;
            using (var session = connection.OpenSession())
            {
                r = session.GetTimeseriesResource(DemoKey);
                Equal("Resource/Tilløp/Serie", session.GetTimeseriesResource(Key).Path, "UTF-8 out");
                Throws(MeshStatus.ErrorNotFound, delegate { session.GetTimeseriesResource(987654321); });
            }
            Equal(DemoKey, r.Key, "key");
            Equal("Resource/Demo/Inflow", r.Path, "path");
            Equal("Inflow", r.Name, "name");
            Equal(MeshCurve.Staircase, r.Curve, "curve");
            Equal(MeshResolution.Hour, r.Resolution, "resolution");
            Equal("m3/s", r.Unit, "unit");
            Equal("", r.TimeZone, "time zone");
            Equal("", r.VirtualExpression, "expression");
            Equal(false, r.Temporary, "temporary");
        }
    }

    static void Units()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            var units = session.ListUnits();
            Check(units.Count >= 3, "some units");
            var mw = session.FindUnit("MW");
            Equal("MW", mw.Name, "found by name");
            int listed = 0;
            foreach (var unit in units)
                if (unit.Id == mw.Id) { listed++; Equal("MW", unit.Name, "listed with its name"); }
            Equal(1, listed, "listed once");
            Throws(MeshStatus.ErrorNotFound, delegate { session.FindUnit("mw"); });
            Throws(MeshStatus.ErrorNotFound, delegate { session.FindUnit("furlongs per fortnight"); });
        }
    }

    static void CreateWriteUpdateCommit()
    {
        var start = new DateTime(2031, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        long startMs = MeshTime.ToUnixMs(start);
        using (var connection = Connection.Connect(address))
        using (var writer = connection.OpenSession())
        using (var reader = connection.OpenSession())
        {
            var mw = writer.FindUnit("MW").Id;
            // A new series has key 0 until commit: it is addressed by path.
            var created = writer.CreatePhysicalTimeseries("/Bindings/DotNet/", "Nivå", MeshCurve.Staircase, MeshResolution.Hour, mw);
            Equal(0L, created.Key, "key before commit");
            Equal("Resource/Bindings/DotNet/Nivå", created.Path, "path");
            Equal("MW", created.Unit, "unit");
            Equal(MeshResolution.Hour, created.Resolution, "resolution");
            writer.WriteTimeseries(created.Path, startMs, startMs + 3 * Hour, new TimeseriesPoints(
                new[] { startMs, startMs + Hour, startMs + 2 * Hour }, null, new[] { 10.0, 11.0, 12.0 }));
            Throws(MeshStatus.ErrorNotFound, delegate { reader.ReadTimeseries(created.Path, startMs, startMs + Hour); });

            var zoned = writer.CreatePhysicalTimeseries("/Bindings/DotNet/", "Daily", MeshCurve.Staircase, MeshResolution.Day, mw, "Europe/Oslo");
            Equal("Europe/Oslo", zoned.TimeZone, "time zone kept");
            var refused = Throws(MeshStatus.ErrorInvalidArgument, delegate
            {
                writer.CreatePhysicalTimeseries("/Bindings/DotNet/", "Zoneless", MeshCurve.Staircase, MeshResolution.Day, mw, "Invalid/TimeZone");
            });
            Check(refused.LibraryMessage.Contains("Invalid/TimeZone"), refused.LibraryMessage);

            // Updates change only what is given.
            writer.UpdateTimeseriesResource(DailyKey, curve: MeshCurve.PiecewiseLinear, unitId: mw);
            var updated = writer.GetTimeseriesResource(DailyKey);
            Equal(MeshCurve.PiecewiseLinear, updated.Curve, "curve updated");
            Equal("MW", updated.Unit, "unit updated");
            Equal("", updated.TimeZone, "time zone left");
            writer.UpdateTimeseriesResource(DailyKey, timeZone: "Europe/London");
            Equal("MW", writer.GetTimeseriesResource(DailyKey).Unit, "unit left");
            Equal("m3/s", reader.GetTimeseriesResource(DailyKey).Unit, "unseen before commit");
            Throws(MeshStatus.ErrorInvalidArgument, delegate { writer.UpdateTimeseriesResource(Key); });
            Throws(MeshStatus.ErrorInvalidArgument, delegate { writer.UpdateTimeseriesResource(Key, timeZone: "Europe/Oslo"); });
            Throws(MeshStatus.ErrorNotFound, delegate { writer.UpdateTimeseriesResource(987654321, MeshCurve.Staircase); });

            writer.Commit();
            var got = reader.ReadTimeseries("Resource/Bindings/DotNet/Nivå", start, start.AddHours(3));
            Equal(3, got.Count, "points of the new series after commit");
            Equal(11.0, got.Values[1], "a value");
            var seen = reader.GetTimeseriesResource(DailyKey);
            Equal(MeshCurve.PiecewiseLinear, seen.Curve, "update seen after commit");
            Equal("Europe/London", seen.TimeZone, "time zone");
            writer.UpdateTimeseriesResource(DailyKey, timeZone: "");
            Equal("", writer.GetTimeseriesResource(DailyKey).TimeZone, "time zone removed");
        }
    }

    static void DeleteByKeyPathAndId()
    {
        var start = new DateTime(2031, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        long startMs = MeshTime.ToUnixMs(start);
        var times = new long[10];
        var values = new double[10];
        for (int i = 0; i < 10; i++) { times[i] = startMs + i * Hour; values[i] = i; }
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        using (var other = connection.OpenSession())
        {
            string path = session.GetTimeseriesResource(BreakpointKey).Path;
            session.WriteTimeseries(BreakpointKey, startMs, startMs + 10 * Hour, new TimeseriesPoints(times, null, values));
            session.Commit();
            session.DeleteTimeseries(BreakpointKey, startMs + 2 * Hour, startMs + 4 * Hour);
            session.DeleteTimeseries(path, start.AddHours(8), start.AddHours(10));
            var left = session.ReadTimeseries(BreakpointKey, startMs, startMs + 10 * Hour);
            Equal("0 1 4 5 6 7", string.Join(" ", Array.ConvertAll(left.Timestamps, t => ((t - startMs) / Hour).ToString())), "hours left");
            Equal(10, other.ReadTimeseries(BreakpointKey, startMs, startMs + 10 * Hour).Count, "unseen before commit");
            session.Commit();
            Equal(6, other.ReadTimeseries(BreakpointKey, startMs, startMs + 10 * Hour).Count, "seen after commit");
            // An hourly series reads as missing where points were deleted.
            session.WriteTimeseries(Key, startMs, startMs + 3 * Hour, new TimeseriesPoints(
                new[] { startMs, startMs + Hour, startMs + 2 * Hour }, null, new[] { 0.0, 1.0, 2.0 }));
            session.DeleteTimeseries(Key, startMs + Hour, startMs + 2 * Hour);
            var hourly = session.ReadTimeseries(Key, startMs, startMs + 3 * Hour);
            Equal(3, hourly.Count, "hourly steps");
            Check(double.IsNaN(hourly.Values[1]) && hourly.PointFlags(1) == MeshFlags.Missing, "the deleted step is missing");
            Equal(2.0, hourly.Values[2], "after the deleted step");
            Throws(MeshStatus.ErrorInvalidArgument, delegate { session.DeleteTimeseries(Key, startMs + Hour, startMs); });
            Throws(MeshStatus.ErrorNotFound, delegate { session.DeleteTimeseries(Guid.NewGuid(), startMs, startMs + Hour); });
        }
    }

    static void TypedConstants()
    {
        Equal(0x40000000u, (uint)MeshFlags.NotOk, "MESH_POINT_FLAG_NOT_OK");
        Equal(0x04000000u, (uint)MeshFlags.Missing, "MESH_POINT_FLAG_MISSING");
        Equal(-1, MeshConstants.TimeseriesResourceCurveTypeUnchanged, "MESH_TIMESERIES_RESOURCE_CURVE_TYPE_UNCHANGED");
        Equal(3, (int)MeshResolution.Hour, "MESH_RESOLUTION_HOUR");
        Equal(65536, MeshConstants.AccessTokenMaxBytes, "MESH_ACCESS_TOKEN_MAX_BYTES");
        Equal(2, (int)MeshValueType.Double, "MESH_ATTRIBUTE_VALUE_TYPE_DOUBLE");
        Equal(2, (int)MeshView.NoAttributes, "MESH_MODEL_VIEW_NO_ATTRIBUTES");
        Equal(3, (int)MeshCalcResult.Strings, "MESH_CALC_RESULT_KIND_STRINGS");
        Equal(2, (int)MeshTransformMethod.Sum, "MESH_TRANSFORM_METHOD_SUM");
        Equal(1, (int)MeshTransformZone.Utc, "MESH_TRANSFORM_ZONE_UTC");
        Equal(long.MinValue, MeshConstants.TimeNone, "MESH_TIME_NONE");
        Equal(version, MeshConstants.CapiVersionString, "the header's version is the library's");
    }

    static void DeadConnectionTimeout()
    {
        using (var options = new MeshOptions())
        {
            options.SetDeadConnectionTimeout(TimeSpan.FromSeconds(5));
            options.SetDeadConnectionTimeout(TimeSpan.Zero);
            using (var connection = Connection.Connect(address, options))
            using (var session = connection.OpenSession())
                session.Commit();
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

    // ---------------------------------------------------------------- local time
    // Europe/Oslo in 2024: clocks went forward on 31 March at 01:00 UTC
    // (02:00 CET -> 03:00 CEST) and back on 27 October at 01:00 UTC (03:00
    // CEST -> 02:00 CET).

    const string Oslo = "Europe/Oslo";

    static long Utc(int year, int month, int day, int hour, int minute = 0, int second = 0, int ms = 0)
    {
        return MeshTime.ToUnixMs(new DateTime(year, month, day, hour, minute, second, ms, DateTimeKind.Utc));
    }

    static DateTime Wall(int year, int month, int day, int hour, int minute = 0, int second = 0, int ms = 0)
    {
        return new DateTime(year, month, day, hour, minute, second, ms, DateTimeKind.Unspecified);
    }

    static T ThrowsOf<T>(Action action) where T : Exception
    {
        try
        {
            action();
        }
        catch (T e)
        {
            return e;
        }
        throw new Exception("expected " + typeof(T).Name);
    }

    /// The wall clock and offset at ms, and back to ms with that occurrence.
    static void RoundTrip(long ms, string zone, DateTime wall, int offsetHours)
    {
        DateTimeOffset local = MeshLocalTime.FromUtcMsOffset(ms, zone);
        Equal(wall, local.DateTime, "wall clock at " + ms);
        Equal(TimeSpan.FromHours(offsetHours), local.Offset, "offset at " + ms);
        DateTime plain = MeshLocalTime.FromUtcMs(ms, zone);
        Equal(wall, plain, "FromUtcMs at " + ms);
        Equal(DateTimeKind.Unspecified, plain.Kind, "kind");
        Equal(ms, local.ToUnixTimeMilliseconds(), "the DateTimeOffset's instant");
        var occurrence = MeshLocalTime.ToUtcMs(wall, zone, MeshAmbiguousTime.Earlier) == ms
            ? MeshAmbiguousTime.Earlier : MeshAmbiguousTime.Later;
        Equal(ms, MeshLocalTime.ToUtcMs(wall, zone, occurrence), "back from " + wall);
    }

    static void LocalTimeSpringChange()
    {
        Equal(Utc(2024, 3, 30, 23), MeshLocalTime.ToUtcMs(Wall(2024, 3, 31, 0), Oslo), "00:00 CET");
        Equal(Utc(2024, 3, 31, 0), MeshLocalTime.ToUtcMs(Wall(2024, 3, 31, 1), Oslo), "01:00 CET");
        Equal(Utc(2024, 3, 31, 0, 59, 59, 999), MeshLocalTime.ToUtcMs(Wall(2024, 3, 31, 1, 59, 59, 999), Oslo), "the last ms of CET");
        Equal(Utc(2024, 3, 31, 1), MeshLocalTime.ToUtcMs(Wall(2024, 3, 31, 3), Oslo), "03:00 CEST");
        Equal(Utc(2024, 3, 31, 2), MeshLocalTime.ToUtcMs(Wall(2024, 3, 31, 4), Oslo), "04:00 CEST");
        foreach (var occurrence in new[] { MeshAmbiguousTime.Earlier, MeshAmbiguousTime.Later })
        {
            Equal(Utc(2024, 3, 31, 0), MeshLocalTime.ToUtcMs(Wall(2024, 3, 31, 1), Oslo, occurrence), "one 01:00");
            Equal(Utc(2024, 3, 31, 1), MeshLocalTime.ToUtcMs(Wall(2024, 3, 31, 3), Oslo, occurrence), "one 03:00");
            foreach (var skipped in new[] { Wall(2024, 3, 31, 2), Wall(2024, 3, 31, 2, 30), Wall(2024, 3, 31, 2, 59, 59, 999) })
            {
                var e = ThrowsOf<ArgumentException>(delegate { MeshLocalTime.ToUtcMs(skipped, Oslo, occurrence); });
                Equal("local", e.ParamName, "the parameter");
                Check(e.Message.Contains(skipped.ToString("yyyy-MM-dd HH:mm")) && e.Message.Contains(Oslo)
                    && e.Message.Contains("from 02:00 to 03:00") && e.Message.Contains("UTC+01:00 to UTC+02:00"), e.Message);
            }
        }
        RoundTrip(Utc(2024, 3, 30, 23), Oslo, Wall(2024, 3, 31, 0), 1);
        RoundTrip(Utc(2024, 3, 31, 0, 59, 59, 999), Oslo, Wall(2024, 3, 31, 1, 59, 59, 999), 1);
        RoundTrip(Utc(2024, 3, 31, 1), Oslo, Wall(2024, 3, 31, 3), 2);
        RoundTrip(Utc(2024, 3, 31, 2), Oslo, Wall(2024, 3, 31, 4), 2);
    }

    static void LocalTimeAutumnChange()
    {
        Equal(Utc(2024, 10, 26, 23), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 1), Oslo), "01:00 CEST");
        Equal(Utc(2024, 10, 27, 0), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 2), Oslo), "02:00: the first, CEST");
        Equal(Utc(2024, 10, 27, 0, 30), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 2, 30), Oslo), "02:30: the first, CEST");
        Equal(Utc(2024, 10, 27, 0), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 2), Oslo, MeshAmbiguousTime.Earlier), "02:00 CEST");
        Equal(Utc(2024, 10, 27, 1), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 2), Oslo, MeshAmbiguousTime.Later), "02:00 CET");
        Equal(Utc(2024, 10, 27, 0, 59, 59, 999), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 2, 59, 59, 999), Oslo), "the last ms of CEST");
        Equal(Utc(2024, 10, 27, 1, 59, 59, 999), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 2, 59, 59, 999), Oslo, MeshAmbiguousTime.Later), "02:59:59.999 CET");
        foreach (var occurrence in new[] { MeshAmbiguousTime.Earlier, MeshAmbiguousTime.Later })
        {
            Equal(Utc(2024, 10, 26, 23, 59, 59, 999), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 1, 59, 59, 999), Oslo, occurrence), "one 01:59:59.999");
            Equal(Utc(2024, 10, 27, 2), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 3), Oslo, occurrence), "one 03:00");
            Equal(Utc(2024, 10, 27, 3), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 4), Oslo, occurrence), "one 04:00");
        }
        RoundTrip(Utc(2024, 10, 26, 23), Oslo, Wall(2024, 10, 27, 1), 2);
        RoundTrip(Utc(2024, 10, 27, 0), Oslo, Wall(2024, 10, 27, 2), 2);
        RoundTrip(Utc(2024, 10, 27, 0, 59, 59, 999), Oslo, Wall(2024, 10, 27, 2, 59, 59, 999), 2);
        RoundTrip(Utc(2024, 10, 27, 1), Oslo, Wall(2024, 10, 27, 2), 1);
        RoundTrip(Utc(2024, 10, 27, 1, 30), Oslo, Wall(2024, 10, 27, 2, 30), 1);
        RoundTrip(Utc(2024, 10, 27, 2), Oslo, Wall(2024, 10, 27, 3), 1);
    }

    /// A local day's hours both ways: every UTC hour in it to its wall clock
    /// and back, and every wall-clock hour to its instant(s).
    static void LocalDay(int month, int day, int hours, int wallHours)
    {
        TimeZoneInfo zone = MeshLocalTime.FindZone(Oslo);
        long start = MeshLocalTime.ToUtcMs(Wall(2024, month, day, 0), zone);
        long end = MeshLocalTime.ToUtcMs(Wall(2024, month, day, 0).AddDays(1), zone);
        Equal(hours * Hour, end - start, "the day's length");
        var instants = new HashSet<long>();
        var walls = new HashSet<DateTime>();
        var pairs = new HashSet<string>();
        for (long t = start; t < end; t += Hour)
        {
            DateTimeOffset local = MeshLocalTime.FromUtcMsOffset(t, zone);
            Equal(Wall(2024, month, day, 0).Date, local.DateTime.Date, "the same day");
            Equal(0, local.Minute, "on the hour");
            RoundTrip(t, Oslo, local.DateTime, (int)local.Offset.TotalHours);
            instants.Add(t);
            walls.Add(local.DateTime);
            pairs.Add(local.DateTime.ToString("HH:mm") + local.Offset);
        }
        Equal(hours, instants.Count, "distinct instants");
        Equal(hours, pairs.Count, "distinct wall clocks with offsets");
        Equal(wallHours, walls.Count, "distinct wall clocks");
        // The other way: the day's 24 wall-clock hours, each occurrence.
        var found = new HashSet<long>();
        int skipped = 0;
        for (int h = 0; h < 24; h++)
        {
            try
            {
                long earlier = MeshLocalTime.ToUtcMs(Wall(2024, month, day, h), zone, MeshAmbiguousTime.Earlier);
                long later = MeshLocalTime.ToUtcMs(Wall(2024, month, day, h), zone, MeshAmbiguousTime.Later);
                Check(earlier == later || later - earlier == Hour, "the two occurrences an hour apart");
                found.Add(earlier);
                found.Add(later);
            }
            catch (ArgumentException)
            {
                skipped++;
            }
        }
        Equal(hours, found.Count, "distinct instants from the wall-clock hours");
        Check(found.SetEquals(instants), "the same instants both ways");
        Equal(hours == 23 ? 1 : 0, skipped, "skipped hours");
    }

    static void LocalTimeWholeDays()
    {
        LocalDay(3, 31, 23, 23);
        LocalDay(10, 27, 25, 24);
        LocalDay(6, 15, 24, 24);
    }

    static void LocalTimeIdsAndBadInput()
    {
        // "CET" is an IANA id too, with Oslo's rules since 1980.
        Equal(Utc(2024, 10, 27, 1), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 2), "CET", MeshAmbiguousTime.Later), "CET");
        Equal(Utc(2024, 3, 31, 1), MeshLocalTime.ToUtcMs(Wall(2024, 3, 31, 3), "CET"), "CEST");
        Equal(Utc(2024, 3, 31, 2, 30), MeshLocalTime.ToUtcMs(Wall(2024, 3, 31, 2, 30), "UTC"), "UTC");
        Equal(Wall(2024, 3, 31, 2, 30), MeshLocalTime.FromUtcMs(Utc(2024, 3, 31, 2, 30), "UTC"), "UTC back");
        // Windows ids: .NET on Windows and .NET 6+ with ICU; not Mono on Linux.
        TimeZoneInfo windows = null;
        try
        {
            windows = MeshLocalTime.FindZone("W. Europe Standard Time");
        }
        catch (TimeZoneNotFoundException e)
        {
            Check(e.Message.Contains("\"W. Europe Standard Time\" not found"), e.Message);
        }
        if (windows != null)
        {
            Equal(Utc(2024, 10, 27, 0), MeshLocalTime.ToUtcMs(Wall(2024, 10, 27, 2), windows), "W. Europe: CEST");
            Equal(Utc(2024, 3, 31, 1), MeshLocalTime.ToUtcMs(Wall(2024, 3, 31, 3), windows), "W. Europe: 03:00");
        }
        foreach (var unknown in new[] { "Europe/Nowhere", "" })
        {
            var e = ThrowsOf<TimeZoneNotFoundException>(delegate { MeshLocalTime.ToUtcMs(Wall(2024, 1, 1, 0), unknown); });
            Check(e.Message.Contains("\"" + unknown + "\" not found") && e.Message.Contains("Europe/Oslo"), e.Message);
            ThrowsOf<TimeZoneNotFoundException>(delegate { MeshLocalTime.FromUtcMs(0, unknown); });
            ThrowsOf<TimeZoneNotFoundException>(delegate { MeshLocalTime.FromUtcMsOffset(0, unknown); });
        }
        ThrowsOf<ArgumentNullException>(delegate { MeshLocalTime.ToUtcMs(Wall(2024, 1, 1, 0), (string)null); });
        ThrowsOf<ArgumentNullException>(delegate { MeshLocalTime.FromUtcMs(0, (TimeZoneInfo)null); });
        // A DateTime that is already an instant is not a wall clock in a zone.
        foreach (var kind in new[] { DateTimeKind.Utc, DateTimeKind.Local })
        {
            var e = ThrowsOf<ArgumentException>(delegate
            {
                MeshLocalTime.ToUtcMs(DateTime.SpecifyKind(Wall(2024, 1, 1, 0), kind), Oslo);
            });
            Check(e.Message.Contains("Unspecified") && e.Message.Contains("MeshTime.ToUnixMs"), e.Message);
        }
    }
}
