// MeshCapiTests.cs: the .NET binding tested against a running emulator, as
// a console program (no test framework needed, so it runs on plain Mono).
// tests/bindings_dotnet.rs builds and runs it:
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

static class MeshCapiTests
{
    const long Key = 4242;
    const long DailyKey = 4243;
    const long DemoKey = 101;
    const long BreakpointKey = 1;
    const long Hour = 3600000L;
    const string SeriesPath = "Resource/Tilløp/Serie";
    static string version, address, tlsAddress, rootPem, serverName, token, displayName, serverVersion;
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
        Test("the README example runs", delegate { ReadmeExample.Run(address); });
        Test("the README model and calculation example runs", delegate { ReadmeModelExample.Run(address); });

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
    }

    static void ConnectReportsTheServerVersion()
    {
        using (var connection = Connection.Connect(address))
            Equal(serverVersion, connection.ServerVersion, "server version");
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

    // ------------------------------------------------------------ model and calculations
    // The emulator's copy of the official tests' model.

    const string Plant = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1";
    const string PlantId = "0000000a-0001-0000-0000-000000000000";
    const string Chimney1Id = "0000000a-0004-0000-0000-000000000000";
    const string Chimney2Id = "0000000a-0005-0000-0000-000000000000";
    // 2016-01-01T00:00Z: TsRawAtt has value h at h:00 for h = 1..9 (04:00 missing).
    const long Day2016 = 1451606400000L;

    static void ObjectValuesAndDefinition()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            MeshAttribute dbl;
            using (var plant = session.GetObject(PlantId))
            {
                Equal("SomePowerPlant1", plant.Name, "name");
                Equal(new Guid(PlantId), plant.Id, "id");
                Equal("PlantElementType", plant.TypeName, "type");
                Check(plant.Path.EndsWith("/SomePowerPlant1"), plant.Path);
                Check(plant.OwnerPath.EndsWith("ThermalComponent.ThermalPowerToPlantRef"), plant.OwnerPath);
                Check(plant.OwnerId.Length == 36, plant.OwnerId);
                Check(plant.Attributes.Count > 20, "attributes: " + plant.Attributes.Count);

                dbl = plant.Attribute("DblAtt");
                Equal(MeshValueType.Double, dbl.ValueType, "DblAtt type");
                Equal(1000.0, dbl.GetDouble(), "DblAtt");
                Equal(1, dbl.ValueCount, "DblAtt count");
                Check(!dbl.IsCollection, "DblAtt single");
                Equal(Plant + ".DblAtt", ShortPath(dbl.Path), "DblAtt path");
                Equal("DblAtt", dbl.Name, "DblAtt name");
                Equal(PlantId, dbl.OwnerId, "DblAtt owner");
                Check(dbl.Id != Guid.Empty, "DblAtt id");
                var definition = dbl.Definition;
                Equal("DoubleAttributeDefinition", definition.TypeName, "definition type");
                Equal(1000.0, definition.DefaultDouble, "definition default");
                Check(definition.Tags.Contains("Tag1") && definition.Tags.Contains("Tag3"), string.Join(",", definition.Tags));
                Check(definition.Path.StartsWith("Repository/"), definition.Path);
                Check(definition.Id.Length == 36, definition.Id);
                Equal("SimpleThermalTestRepository", definition.Namespace, "namespace");
                Check(definition.Description != null && definition.Unit != null, "description, unit");
                Check(definition.MinimumDouble <= 1000.0 && definition.MaximumDouble >= 1000.0, "bounds");
                Check(definition.MinimumCardinality <= definition.MaximumCardinality, "cardinality");
                // A field a double definition has not, and a value of another type.
                Throws(MeshStatus.ErrorInvalidArgument, delegate { var x = definition.DefaultInt; });
                Throws(MeshStatus.ErrorInvalidArgument, delegate { dbl.GetInt(); });
                Throws(MeshStatus.ErrorInvalidArgument, delegate { dbl.GetDouble(1); });
                Throws(MeshStatus.ErrorNotFound, delegate { plant.Attribute("NoSuchAttribute"); });

                Equal(64L, plant.Attribute("Int64Att").GetInt(), "Int64Att");
                Check(plant.Attribute("BoolAtt").GetBool(), "BoolAtt");
                Equal("Default string value", plant.Attribute("StringAtt").GetString(), "StringAtt");
                Equal(new DateTime(2022, 5, 10, 7, 24, 15, DateTimeKind.Utc), plant.Attribute("UtcDateTimeAtt").GetUtcTime(), "UtcDateTimeAtt");
                var bools = plant.Attribute("BoolArrayAtt");
                Check(bools.IsCollection, "BoolArrayAtt collection");
                Equal(5, bools.ValueCount, "BoolArrayAtt count");
                Check(!bools.GetBool(0) && bools.GetBool(1) && !bools.GetBool(4), "BoolArrayAtt values");
                Equal(10L, bools.Definition.MaximumCardinality, "BoolArrayAtt cardinality");
                Equal(Chimney2Id, plant.Attribute("SimpleReference").GetTargetId(), "SimpleReference");

                var raw = plant.Attribute("TsRawAtt");
                Equal(MeshValueType.Timeseries, raw.ValueType, "TsRawAtt type");
                var resource = raw.TimeseriesResource;
                Check(resource != null, "TsRawAtt has a series");
                Equal(MeshResolution.Hour, resource.Resolution, "TsRawAtt resolution");
                Equal("cm", resource.Unit, "TsRawAtt unit");
                Equal(resource.Key, raw.TimeseriesKey, "TsRawAtt key");
                var calc = plant.Attribute("TsCalcAtt");
                Check(calc.TimeseriesResource == null, "TsCalcAtt has no series");
                Check(calc.IsLocalExpression, "TsCalcAtt local");
                Check(calc.TimeseriesExpression.Contains(".DblAtt"), calc.TimeseriesExpression);

                var versions = plant.Attribute("ReferenceSeriesAtt").GetLinkVersions();
                Equal(3, versions.Count, "ReferenceSeriesAtt versions");
                Equal(Chimney2Id, versions[0].TargetId, "first version");
                Equal(MeshTime.ToUnixMs(new DateTime(2005, 3, 2, 0, 0, 0, DateTimeKind.Utc)), versions[0].ValidFromMs, "first from");
                Equal(Chimney1Id, versions[1].TargetId, "second version");
            }
            // The object owned its attributes: they are gone with it.
            try
            {
                var name = dbl.Name;
                throw new Exception("an attribute of a disposed object gave " + name);
            }
            catch (ObjectDisposedException) { }

            // An attribute read by itself, without its definition.
            using (var attribute = session.GetAttribute(Plant + ".Int64Att", MeshView.NoDefinitions))
            {
                Equal(64L, attribute.GetInts()[0], "Int64Att by path");
                Check(attribute.Definition == null, "no definition");
            }
            Throws(MeshStatus.ErrorNotFound, delegate { session.GetObject(Plant + "/NoSuchObject"); });
        }
    }

    /// The path without relation names (Model/.../Plant.Att).
    static string ShortPath(string path)
    {
        return path.Replace(".ThermalPowerToPlantRef/", "/");
    }

    static void SearchesAndBorrowedItems()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            MeshObject first;
            using (var chimneys = session.SearchObjects(PlantId, "*[.Type=ChimneyElementType]", MeshView.NoDefinitions))
            {
                Equal(2, chimneys.Count, "chimneys");
                var names = new List<string>();
                foreach (var chimney in chimneys.Items) names.Add(chimney.Name);
                names.Sort(StringComparer.Ordinal);
                Equal("SomePowerPlantChimney1,SomePowerPlantChimney2", string.Join(",", names), "chimney names");
                first = chimneys[0];
                Check(first.Attribute("DblAtt").ValueType == MeshValueType.Double, "chimney DblAtt");
                Check(first.Attribute("DblAtt").Definition == null, "no definitions in that view");
                Throws(MeshStatus.ErrorInvalidArgument, delegate { var x = chimneys[2]; });
            }
            // Items borrow from their list: disposed with it, never freed alone.
            try
            {
                var name = first.Name;
                throw new Exception("an item of a disposed list gave " + name);
            }
            catch (ObjectDisposedException) { }
            first.Dispose();

            using (var models = session.ListModels())
            {
                var names = new List<string>();
                foreach (var model in models.Items) names.Add(model.Name);
                Check(names.Contains("SimpleThermalTestModel"), string.Join(",", names));
            }
            using (var none = session.SearchObjects(PlantId, "*[.Name=NoSuchThing]"))
                Equal(0, none.Count, "nothing found");
            using (var byDefinition = session.SearchObjectsByDefinition(
                "Repository/SimpleThermalTestRepository/ChimneyElementType", MeshView.NoAttributes))
                Equal(2, byDefinition.Count, "chimneys by definition");
            using (var raws = session.SearchAttributes("0000000b-0001-0000-0000-000000000000", "{*}.TsRawAtt", MeshView.NoDefinitions))
            {
                Equal(3, raws.Count, "the plant's and both chimneys' TsRawAtt");
                foreach (var a in raws.Items) Equal("TsRawAtt", a.Name, "attribute name");
            }
            var linked = session.LinkedFrom(Chimney2Id);
            Check(linked.Count > 0, "links to chimney 2");
            bool simple = false;
            foreach (var reference in linked) simple |= reference.Path.EndsWith(".SimpleReference");
            Check(simple, "SimpleReference links to chimney 2");
        }
    }

    static void UpdateSeenAfterCommit()
    {
        string target = Plant + ".DblAtt";
        using (var connection = Connection.Connect(address))
        using (var writer = connection.OpenSession())
        using (var reader = connection.OpenSession())
        {
            writer.SetAttribute(target, 1234.5);
            writer.SetAttribute(Plant + ".StringAtt", "Tilløp ø");
            using (var mine = writer.GetAttribute(target)) Equal(1234.5, mine.GetDouble(), "own change");
            using (var theirs = reader.GetAttribute(target)) Equal(1000.0, theirs.GetDouble(), "before commit");
            writer.Commit();
            using (var theirs = reader.GetAttribute(target)) Equal(1234.5, theirs.GetDouble(), "after commit");
            using (var theirs = reader.GetAttribute(Plant + ".StringAtt")) Equal("Tilløp ø", theirs.GetString(), "string after commit");
            // Back as the other tests expect it.
            writer.SetAttribute(target, 1000.0);
            writer.SetAttribute(Plant + ".StringAtt", "Default string value");
            writer.Commit();
            using (var theirs = reader.GetAttribute(target)) Equal(1000.0, theirs.GetDouble(), "restored");
            Throws(MeshStatus.ErrorInvalidArgument, delegate { writer.SetAttribute(target, "not a number"); });
        }
    }

    static void CreateRenameDeleteAndLinks()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            string owner = Plant + ".PlantToChimneyRef";
            using (var created = session.CreateObject(owner, "Chimney Æ"))
            {
                Equal("Chimney Æ", created.Name, "created");
                Equal("ChimneyElementType", created.TypeName, "created type");
            }
            session.RenameObject(Plant + "/Chimney Æ", "Chimney Ø");
            using (var renamed = session.GetObject(Plant + "/Chimney Ø", MeshView.NoAttributes))
                Equal("Chimney Ø", renamed.Name, "renamed");
            session.DeleteObject(Plant + "/Chimney Ø");
            Throws(MeshStatus.ErrorNotFound, delegate { session.GetObject(Plant + "/Chimney Ø"); });

            session.SetLinks(Plant + ".SimpleReference", new[] { Chimney1Id });
            using (var link = session.GetAttribute(Plant + ".SimpleReference"))
                Equal(Chimney1Id, link.GetTargetId(), "link replaced");
            long t1 = MeshTime.ToUnixMs(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            long t2 = MeshTime.ToUnixMs(new DateTime(2002, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            session.SetLinkVersions(Plant + ".ReferenceSeriesAtt", MeshConstants.NoTime, MeshConstants.NoTime,
                new[] { new LinkVersion(t1, Chimney1Id), new LinkVersion(t2, "") });
            using (var versioned = session.GetAttribute(Plant + ".ReferenceSeriesAtt"))
            {
                var versions = versioned.GetLinkVersions();
                Equal(2, versions.Count, "versions set");
                Equal(t1, versions[0].ValidFromMs, "from");
                Equal(Chimney1Id, versions[0].TargetId, "to");
                Equal("", versions[1].TargetId, "nothing from t2");
            }
            session.SetLinkVersionEntries(Plant + ".ReferenceSeriesCollectionAtt", new IList<LinkVersion>[]
            {
                new[] { new LinkVersion(t1, Chimney2Id) },
            });
            using (var entries = session.GetAttribute(Plant + ".ReferenceSeriesCollectionAtt"))
            {
                Equal(1, entries.ValueCount, "one entry");
                Equal(Chimney2Id, entries.GetLinkVersions(0)[0].TargetId, "entry target");
            }
            session.SetAttribute(Plant + ".BoolArrayAtt", new[] { true, true });
            session.SetAttribute(Plant + ".Int64Att", 65L);
            using (var changed = session.GetObject(Plant, MeshView.NoDefinitions, "BoolArrayAtt,Int64Att"))
            {
                Equal(2, changed.Attributes.Count, "the named attributes only");
                Equal(2, changed.Attribute("BoolArrayAtt").ValueCount, "bools set");
                Equal(65L, changed.Attribute("Int64Att").GetInt(), "int set");
            }
            session.Rollback();
            using (var back = session.GetAttribute(Plant + ".SimpleReference"))
                Equal(Chimney2Id, back.GetTargetId(), "rolled back");
        }
    }

    static void XySetsAndRatingCurves()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            string xy = Plant + ".XYSetAtt";
            Equal(0, session.GetXySets(xy, MeshConstants.NoTime, MeshConstants.NoTime)[0].Curves.Count, "empty at first");
            session.UpdateXySets(xy, MeshConstants.NoTime, MeshConstants.NoTime, new[]
            {
                new XySet(MeshConstants.NoTime, new[]
                {
                    new XyCurve(1.5, new[] { 0.0, 1.0, 2.0 }, new[] { 0.0, -1.0, -2.0 }),
                    new XyCurve(-4.0, new double[0], new double[0]),
                }),
            });
            var sets = session.GetXySets(xy, MeshConstants.NoTime, MeshConstants.NoTime);
            Equal(1, sets.Count, "one set");
            Equal(MeshConstants.NoTime, sets[0].ValidFromMs, "unversioned");
            Equal(2, sets[0].Curves.Count, "curves");
            // The server sorts curves by reference value.
            Equal(-4.0, sets[0].Curves[0].ReferenceValue, "first reference");
            Equal(0, sets[0].Curves[0].X.Length, "empty curve");
            Equal(1.5, sets[0].Curves[1].ReferenceValue, "second reference");
            Equal("0,1,2", string.Join(",", sets[0].Curves[1].X), "x");
            Equal("0,-1,-2", string.Join(",", sets[0].Curves[1].Y), "y");

            string rating = Plant + ".RatingCurveAtt";
            long start = MeshTime.ToUnixMs(new DateTime(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            long end = MeshTime.ToUnixMs(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            var curve = session.GetRatingCurve(rating, start, end);
            Equal(2, curve.Count, "rating curve versions");
            Equal(2.0, curve[0].XRangeFrom, "first x range from");
            Equal(4.0, curve[1].XRangeFrom, "second x range from");
            Check(curve[0].XRangeUntil.Length > 0, "segments");
            Equal(10.0, curve[0].XRangeUntil[0], "first bound");
            Equal(1.0, curve[0].FactorA[0], "first factor");
            Equal(0, session.GetRatingCurve(rating, start, end, true)[0].XRangeUntil.Length, "versions only");
            long from = MeshTime.ToUnixMs(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            session.UpdateRatingCurve(rating, from, end, new[]
            {
                new RatingCurveVersion(from, 0.5, new[] { 7.0, 8.0 }, new[] { 1.0, 2.0 }, new[] { 3.0, 4.0 }, new[] { 5.0, 6.0 }),
            });
            var updated = session.GetRatingCurve(rating, start, end);
            Equal(3, updated.Count, "a third version");
            Equal(from, updated[2].ValidFromMs, "third from");
            Equal("7,8", string.Join(",", updated[2].XRangeUntil), "third bounds");
            Equal("5,6", string.Join(",", updated[2].FactorC), "third factor c");
            session.Rollback();
        }
    }

    static void TransformToDaySum()
    {
        long start = MeshTime.ToUnixMs(new DateTime(2032, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        long end = start + 48 * Hour;
        var times = new long[48];
        var values = new double[48];
        var sums = new double[2];
        for (int i = 0; i < 48; i++)
        {
            times[i] = start + i * Hour;
            values[i] = 2.5 + (i % 24) * 0.25 + (i / 24) * 7 + (i * 5) % 3;
            sums[i / 24] += values[i];
        }
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            // Uncommitted: calculations see the session's own points.
            session.WriteTimeseries(Key, start, end, new TimeseriesPoints(times, null, values));
            var byCalc = session.CalcTransform(SeriesPath, null, start, end, MeshResolution.Day,
                MeshTransformMethod.Sum, MeshTransformZone.Utc);
            var byRead = session.ReadTransformedTimeseries(Key, start, end, MeshResolution.Day,
                MeshTransformMethod.Sum, MeshTransformZone.Utc);
            var byPath = session.ReadTransformedTimeseries(SeriesPath, start, end, MeshResolution.Day,
                MeshTransformMethod.Sum, MeshTransformZone.Utc);
            var run = session.RunCalculation(Key, MeshCalc.Transform(null, MeshResolution.Day, MeshTransformMethod.Sum,
                MeshTransformZone.Utc), start, end);
            Equal(MeshCalcResult.Series, run.Kind, "kind");
            Equal(MeshResolution.Day, run.Resolutions[0], "resolution");
            foreach (var days in new[] { byCalc, byRead, byPath, run.Series[0] })
            {
                Equal(2, days.Count, "days");
                for (int d = 0; d < 2; d++)
                {
                    Equal(start + d * 24 * Hour, days.Timestamps[d], "day " + d);
                    Check(Math.Abs(days.Values[d] - sums[d]) <= 1e-9 * sums[d], days.Values[d] + " != " + sums[d]);
                }
            }
            Equal(sums[0] + sums[1], session.CalcSum(SeriesPath, null, start, end), "sum");
            // By a time series attribute's id: the day's largest raw value.
            Guid rawId;
            using (var rawAttribute = session.GetAttribute(Plant + ".TsRawAtt", MeshView.NoDefinitions))
                rawId = rawAttribute.Id;
            var raw = session.ReadTimeseries(rawId, Day2016, Day2016 + 24 * Hour);
            double max = double.NegativeInfinity;
            foreach (var v in raw.Values) if (!double.IsNaN(v)) max = Math.Max(max, v);
            var byId = session.ReadTransformedTimeseries(rawId, Day2016, Day2016 + 24 * Hour,
                MeshResolution.Day, MeshTransformMethod.Max, MeshTransformZone.Utc);
            Equal(1, byId.Count, "by id");
            Equal(max, byId.Values[0], "largest raw value");
            Throws(MeshStatus.ErrorInvalidArgument, delegate
            {
                session.CalcTransform(SeriesPath, null, start, end, MeshResolution.Day, MeshTransformMethod.Implicit);
            });
        }
    }

    static void CalculatedAttributeNumbersStrings()
    {
        long start = Day2016 + Hour, end = Day2016 + 9 * Hour;
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            var raw = session.ReadTimeseries(Plant + ".TsRawAtt", start, end);
            var calc = session.ReadTimeseries(Plant + ".TsCalcAtt", start, end);
            Equal(raw.Count, calc.Count, "points");
            Check(raw.Count >= 8, "raw points: " + raw.Count);
            double rawSum = 0;
            for (int i = 0; i < raw.Count; i++)
            {
                Equal(raw.Timestamps[i], calc.Timestamps[i], "time " + i);
                // TsCalcAtt adds DblAtt (1000); a missing raw value adds nothing.
                double expected = double.IsNaN(raw.Values[i]) ? 1000.0 : raw.Values[i] + 1000.0;
                Equal(expected, calc.Values[i], "calculated " + i);
                if (!double.IsNaN(raw.Values[i])) rawSum += raw.Values[i];
            }
            // (The VBA example's expression: no line end after the last line.)
            var run = session.RunCalculation(PlantId, "## = @t('.TsCalcAtt')", start, end);
            Equal(calc.Count, run.Series[0].Count, "run points");
            for (int i = 0; i < calc.Count; i++) Equal(calc.Values[i], run.Series[0].Values[i], "run " + i);

            // Daily sums over the week the VBA example shows: the first day's
            // is the raw values' sum, the others have no values.
            var days = session.CalcTransform(Plant, ".TsRawAtt", Day2016, Day2016 + 7 * 24 * Hour,
                MeshResolution.Day, MeshTransformMethod.Sum, MeshTransformZone.Utc);
            Equal(7, days.Count, "days");
            Equal(rawSum, days.Values[0], "first day's sum");
            for (int d = 1; d < 7; d++) Check(double.IsNaN(days.Values[d]), "day " + d + ": " + days.Values[d]);

            var number = session.RunCalculation(Plant, MeshCalc.Sum(".TsRawAtt"), start, end);
            Equal(MeshCalcResult.Numbers, number.Kind, "number kind");
            Equal(rawSum, number.Numbers[0], "sum of TsRawAtt");
            Equal(rawSum, session.CalcSum(Plant, ".TsRawAtt", start, end), "CalcSum");
            var text = session.RunCalculation(Plant, "## = @s('.StringAtt')\n", start, end);
            Equal(MeshCalcResult.Strings, text.Kind, "string kind");
            Equal("Default string value", text.Strings[0], "string");
            foreach (var s in new[] { "it's", "'); ## = 1 + ('", "Ærø ; ##" })
                Equal(s, session.RunCalculation(Plant, "## = " + MeshCalc.Quote(s) + "\n", start, end).Strings[0], "quoted " + s);
            Check(MeshCalc.TimeLiteral(Day2016).Contains("2016"), MeshCalc.TimeLiteral(Day2016));

            // Two chimneys' raw series summed point by point.
            string chimneys = "PlantToChimneyRef/*.TsRawAtt";
            var list = session.CalcSumList(Plant, chimneys, start, end);
            var one = session.RunCalculation(Plant, MeshCalc.SumList(chimneys), start, end).Series[0];
            var c1 = session.ReadTimeseries(Plant + "/SomePowerPlantChimney1.TsRawAtt", start, end);
            var c2 = session.ReadTimeseries(Plant + "/SomePowerPlantChimney2.TsRawAtt", start, end);
            Equal(list.Count, one.Count, "sum list points");
            // At each time the sum of the chimneys' values there; a series
            // without a value (chimney 1's is not connected) is left out.
            int compared = 0;
            for (int i = 0; i < list.Count; i++)
            {
                Equal(BitConverter.DoubleToInt64Bits(list.Values[i]), BitConverter.DoubleToInt64Bits(one.Values[i]), "run " + i);
                double sum = 0;
                bool any = false;
                foreach (var chimney in new[] { c1, c2 })
                {
                    int j = Array.IndexOf(chimney.Timestamps, list.Timestamps[i]);
                    if (j < 0 || double.IsNaN(chimney.Values[j])) continue;
                    sum += chimney.Values[j];
                    any = true;
                }
                if (!any) continue;
                Equal(sum, list.Values[i], "sum " + i);
                compared++;
            }
            Check(compared >= 8, "sums compared: " + compared);
            // A model without forecasts or history: empty answers, not failures.
            var forecasts = session.CalcAllForecasts(Plant, ".TsRawAtt", start, end);
            Equal(MeshCalcResult.Series, forecasts.Kind, "forecasts kind");
            Equal(0, forecasts.Series.Count, "no forecasts");
            Check(MeshCalc.AllForecasts(".TsRawAtt").Contains("GetAllForecasts"), "all forecasts expression");
            Check(MeshCalc.Forecast(".TsRawAtt").Contains("GetForecast"), "forecast expression");
            Check(MeshCalc.HistoricalVersions(".TsRawAtt", 2).Contains("GetTsHistoricalVersions"), "history expression");
            Check(MeshCalc.AsOfTime(".TsRawAtt", Day2016).Contains("2016"), "as-of expression");
            var history = session.CalcHistoricalVersions(Plant, ".TsRawAtt", start, end, 2);
            Equal(MeshCalcResult.Series, history.Kind, "history kind");
            Equal(0, history.Series.Count, "no history");
            // Without history, the series as of any time is the series as it is.
            var asOf = session.CalcAsOfTime(Plant, ".TsRawAtt", start, end, Day2016 + 5 * Hour);
            Equal(raw.Count, asOf.Count, "as of");
            for (int i = 0; i < raw.Count; i++)
                Equal(BitConverter.DoubleToInt64Bits(raw.Values[i]), BitConverter.DoubleToInt64Bits(asOf.Values[i]), "as of " + i);
            // One series (a call giving none or several would throw).
            session.CalcForecast(Plant, ".TsRawAtt", start, end, Day2016, Day2016 + 24 * Hour, MeshConstants.NoTime);
            var e = Throws(MeshStatus.ErrorInvalidArgument, delegate { session.RunCalculation(Plant, "## = 1\n## = @t('.TsRawAtt') *\n", start, end); });
            Check(e.LibraryMessage.Contains("line 2"), e.LibraryMessage);
        }
    }

    static void ModelAndCalcBadInput()
    {
        long start = Day2016, end = Day2016 + 24 * Hour;
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            var rows = new List<KeyValuePair<MeshStatus, Action>>
            {
                Row(MeshStatus.ErrorInvalidArgument, () => session.GetObject(null)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.GetObject("no id, no path")),
                Row(MeshStatus.ErrorInvalidArgument, () => session.GetObject(PlantId, (MeshView)7)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.GetAttribute(Plant + ".DblAtt", MeshView.NoAttributes)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.SearchObjects(PlantId, null)),
                Row(MeshStatus.ErrorNotFound, () => session.GetObject(Plant + "/NoSuchObject")),
                Row(MeshStatus.ErrorNotFound, () => session.RunCalculation(Plant + "/NoSuchObject", "## = 1\n", start, end)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.CalcTransform(Plant, ".TsRawAtt", end, start,
                    MeshResolution.Day, MeshTransformMethod.Sum)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.CalcTransform(Plant, ".TsRawAtt", start, end,
                    MeshResolution.Breakpoint, MeshTransformMethod.Sum)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.CalcTransform(Plant, ".TsRawAtt\n", start, end,
                    MeshResolution.Day, MeshTransformMethod.Sum)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.ReadTransformedTimeseries(Key, start, end,
                    MeshResolution.Breakpoint)),
                Row(MeshStatus.ErrorNotFound, () => session.ReadTransformedTimeseries(999999L, start, end,
                    MeshResolution.Day)),
                Row(MeshStatus.ErrorInvalidArgument, () => MeshCalc.Transform("a\nb", MeshResolution.Day, MeshTransformMethod.Sum)),
            };
            foreach (var row in rows) Throws(row.Key, row.Value);
            // The session is still fine.
            using (var plant = session.GetObject(PlantId, MeshView.NoAttributes)) Equal("SomePowerPlant1", plant.Name, "after the bad calls");
        }
    }

    static KeyValuePair<MeshStatus, Action> Row(MeshStatus status, Action call)
    {
        return new KeyValuePair<MeshStatus, Action>(status, call);
    }

    static void TypedConstants()
    {
        Equal(0x40000000u, (uint)MeshFlags.NotOk, "MESH_FLAG_NOT_OK");
        Equal(0x04000000u, (uint)MeshFlags.Missing, "MESH_FLAG_MISSING");
        Equal(-1, (int)MeshCurve.Unchanged, "MESH_CURVE_UNCHANGED");
        Equal(3, (int)MeshResolution.Hour, "MESH_RESOLUTION_HOUR");
        Equal(65536, MeshConstants.MaxTokenBytes, "MESH_MAX_TOKEN_BYTES");
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
}
