// MeshCapiAsyncTests.cs: the *Async methods of the .NET binding, tested by
// the test program (MeshCapiTests.cs registers and runs them): they give
// what their blocking twins give, a thousand reads run at once on one
// session without a thread each, and a cancelled token ends a call in
// flight (the slow emulator holds every Commit for 10 s) while the session
// goes on.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using MeshCapi;

static partial class MeshCapiTests
{
    // The demo series: a week of hourly points from 2025-01-01.
    static readonly long DemoStart = MeshTime.ToUnixMs(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    static readonly long DemoEnd = DemoStart + 7 * 24 * Hour;
    const int DemoPoints = 7 * 24;

    /// The Task's result, or its failure as thrown (not an AggregateException).
    static T Await<T>(Task<T> task)
    {
        return task.GetAwaiter().GetResult();
    }

    static void Await(Task task)
    {
        task.GetAwaiter().GetResult();
    }

    /// The exception a Task ended with (it must fail within the time given).
    static Exception Failure(Task task, TimeSpan within)
    {
        try
        {
            if (!task.Wait(within)) throw new Exception("the Task did not end within " + within);
        }
        catch (AggregateException e)
        {
            return e.InnerException;
        }
        throw new Exception("the Task succeeded; a failure was expected");
    }

    static void SamePoints(TimeseriesPoints expected, TimeseriesPoints actual, string what)
    {
        Equal(expected.Count, actual.Count, what + ": count");
        for (int i = 0; i < expected.Count; i++)
        {
            Equal(expected.Timestamps[i], actual.Timestamps[i], what + ": time " + i);
            Equal(expected.Flags[i], actual.Flags[i], what + ": flags " + i);
            Equal(BitConverter.DoubleToInt64Bits(expected.Values[i]), BitConverter.DoubleToInt64Bits(actual.Values[i]),
                what + ": value " + i);
        }
    }

    static int ThreadCount()
    {
        using (var process = Process.GetCurrentProcess()) return process.Threads.Count;
    }

    static void AsyncTwinsMatchBlocking()
    {
        using (var connection = Await(Connection.ConnectAsync(address)))
        {
            Equal(serverVersion, connection.ServerVersion, "server version");
            var session = Await(connection.OpenSessionAsync());
            Equal(36, session.Id.Length, "id length");

            // Reads, by key, path and id.
            var blocking = session.ReadTimeseries(DemoKey, DemoStart, DemoEnd);
            Equal(DemoPoints, blocking.Count, "demo points");
            SamePoints(blocking, Await(session.ReadTimeseriesAsync(DemoKey, DemoStart, DemoEnd)), "by key");
            SamePoints(blocking, Await(session.ReadTimeseriesAsync("Resource/Demo/Inflow",
                MeshTime.FromUnixMs(DemoStart), MeshTime.FromUnixMs(DemoEnd))), "by path");
            var resource = Await(session.GetTimeseriesResourceAsync(DemoKey));
            Equal("Resource/Demo/Inflow", resource.Path, "resource path");

            // A write read back, seen by another session after an async commit.
            long start = MeshTime.ToUnixMs(new DateTime(2035, 6, 1, 0, 0, 0, DateTimeKind.Utc));
            long end = start + 24 * Hour;
            var times = new long[24];
            var values = new double[24];
            for (int i = 0; i < 24; i++)
            {
                times[i] = start + i * Hour;
                values[i] = 0.25 * i - 3;
            }
            var written = new TimeseriesPoints(times, null, values);
            Await(session.WriteTimeseriesAsync(Key, start, end, written));
            SamePoints(written, Await(session.ReadTimeseriesAsync(Key, start, end)), "written, async");
            SamePoints(written, session.ReadTimeseries(Key, start, end), "written, blocking");
            using (var other = Await(connection.OpenSessionAsync()))
            {
                Check(double.IsNaN(Await(other.ReadTimeseriesAsync(Key, start, end)).Values[0]), "unseen before commit");
                Await(session.CommitAsync());
                SamePoints(written, Await(other.ReadTimeseriesAsync(Key, start, end)), "seen after commit");
            }
            Await(session.RollbackAsync());
            Check(Await(session.ExtendAsync()) > TimeSpan.Zero, "the server's timeout");

            // An object search and a read.
            using (var list = Await(session.SearchObjectsAsync(PlantId, "*[.Type=ChimneyElementType]", MeshView.NoDefinitions)))
            using (var same = session.SearchObjects(PlantId, "*[.Type=ChimneyElementType]", MeshView.NoDefinitions))
            {
                Equal(2, list.Count, "chimneys");
                var names = new List<string>();
                var expected = new List<string>();
                foreach (var o in list.Items) names.Add(o.Name);
                foreach (var o in same.Items) expected.Add(o.Name);
                Equal(string.Join(",", expected), string.Join(",", names), "chimney names");
            }
            using (var plant = Await(session.GetObjectAsync(PlantId)))
                Equal(1000.0, plant.Attribute("DblAtt").GetDouble(), "DblAtt");

            // Calculations.
            long dayEnd = Day2016 + 24 * Hour;
            Equal(session.CalcSum(Plant, ".TsRawAtt", Day2016, dayEnd),
                Await(session.CalcSumAsync(Plant, ".TsRawAtt", Day2016, dayEnd)), "CalcSum");
            var run = Await(session.RunCalculationAsync(PlantId, "## = @t('.TsCalcAtt')", Day2016, dayEnd));
            SamePoints(session.RunCalculation(PlantId, "## = @t('.TsCalcAtt')", Day2016, dayEnd).Series[0], run.Series[0], "calc");
            SamePoints(session.CalcTransform(Plant, ".TsRawAtt", Day2016, Day2016 + 7 * 24 * Hour, MeshResolution.Day,
                    MeshTransformMethod.Sum, MeshTransformZone.Utc),
                Await(session.CalcTransformAsync(Plant, ".TsRawAtt", Day2016, Day2016 + 7 * 24 * Hour, MeshResolution.Day,
                    MeshTransformMethod.Sum, MeshTransformZone.Utc)), "transform");

            // Failures: the blocking method's exceptions, bad arguments at once.
            var notFound = Failure(session.ReadTimeseriesAsync(Guid.NewGuid(), DemoStart, DemoEnd), TimeSpan.FromSeconds(10))
                as MeshException;
            Check(notFound != null, "a MeshException");
            Equal(MeshStatus.ErrorNotFound, notFound.Status, "status (" + notFound.Message + ")");
            Check(notFound.LibraryMessage.StartsWith("mesh_timeseries_read_by_id"), notFound.LibraryMessage);
            // (The library checks an interval when the call runs: the Task fails.)
            var backwards = Failure(session.ReadTimeseriesAsync(Key, end, start), TimeSpan.FromSeconds(10)) as MeshException;
            Check(backwards != null && backwards.Status == MeshStatus.ErrorInvalidArgument, "end before start: " + backwards);
            Throws(MeshStatus.ErrorInvalidArgument, delegate { connection.AttachSessionAsync("not-a-session-id"); });

            // Attach and close, asynchronously.
            var id = session.Id;
            using (var second = Await(Connection.ConnectAsync(address)))
            {
                var attached = Await(second.AttachSessionAsync("{" + id.ToUpperInvariant() + "}"));
                Equal(id, attached.Id, "attached id");
                attached.Detach();
            }
            Await(session.CloseAsync());
            try
            {
                session.CloseAsync();
                throw new Exception("closing twice did not throw");
            }
            catch (ObjectDisposedException) { }
            var gone = Failure(connection.AttachSessionAsync(id), TimeSpan.FromSeconds(10)) as MeshException;
            Check(gone != null && gone.Status == MeshStatus.ErrorSessionNotFound, "closed on the server: " + gone);
        }
    }

    static void AThousandConcurrentReads()
    {
        const int n = 1000;
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            // Warm up (the library's threads, the thread pool), then count.
            Await(Task.WhenAll(session.ReadTimeseriesAsync(DemoKey, DemoStart, DemoEnd),
                session.ReadTimeseriesAsync(DemoKey, DemoStart, DemoEnd)));
            int before = ThreadCount();
            var clock = Stopwatch.StartNew();
            var reads = new Task<TimeseriesPoints>[n];
            for (int i = 0; i < n; i++) reads[i] = session.ReadTimeseriesAsync(DemoKey, DemoStart, DemoEnd);
            var started = clock.ElapsedMilliseconds;
            var all = Task.WhenAll(reads);
            int most = before;
            while (!all.Wait(5)) most = Math.Max(most, ThreadCount());
            var elapsed = clock.ElapsedMilliseconds;
            most = Math.Max(most, ThreadCount());
            foreach (var points in Await(all)) Equal(DemoPoints, points.Count, "points");
            Console.WriteLine("  " + n + " concurrent reads: started in " + started + " ms, all done in " + elapsed
                + " ms; threads " + before + " before, at most " + most + " during");
            // A thread per call would add a thousand; thread pool workers
            // running continuations may come and go.
            Check(most - before <= 16, "threads grew from " + before + " to " + most);

            // Tokens cancelled at all moments of the calls: each read ends
            // with its points or cancelled, never otherwise (cancel and
            // completion race on the same operation).
            var random = new Random(7);
            var sources = new CancellationTokenSource[500];
            var raced = new Task<TimeseriesPoints>[sources.Length];
            for (int i = 0; i < sources.Length; i++)
            {
                sources[i] = new CancellationTokenSource();
                raced[i] = session.ReadTimeseriesAsync(DemoKey, DemoStart, DemoEnd, sources[i].Token);
                if (i % 3 == 0) sources[i].Cancel();
            }
            for (int i = 0; i < sources.Length; i++)
            {
                if (random.Next(4) == 0) Thread.Sleep(1);
                sources[i].Cancel();
            }
            int cancelled = 0;
            for (int i = 0; i < raced.Length; i++)
            {
                if (!((IAsyncResult)raced[i]).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)))
                    throw new Exception("read " + i + " did not end");
                if (raced[i].IsCanceled) cancelled++;
                else Equal(DemoPoints, Await(raced[i]).Count, "points of read " + i);
                sources[i].Dispose();
            }
            Console.WriteLine("  " + raced.Length + " reads with cancelled tokens: " + cancelled + " cancelled, "
                + (raced.Length - cancelled) + " done first");
            Check(cancelled > 0, "some were cancelled");
            Equal(DemoPoints, Await(session.ReadTimeseriesAsync(DemoKey, DemoStart, DemoEnd)).Count, "a read after");
        }
    }

    static void CancelACallInFlight()
    {
        using (var connection = Connection.Connect(slowAddress))
        {
            var session = connection.OpenSession();

            // The commit is held 10 s: a token cancelled after 200 ms ends it.
            using (var cancel = new CancellationTokenSource())
            {
                var clock = Stopwatch.StartNew();
                var commit = session.CommitAsync(cancel.Token);
                cancel.CancelAfter(200);
                var e = Failure(commit, TimeSpan.FromSeconds(5)) as OperationCanceledException;
                var elapsed = clock.Elapsed;
                Check(e != null, "an OperationCanceledException");
                Check(commit.IsCanceled, "the Task is cancelled, not faulted");
                Equal(cancel.Token, e.CancellationToken, "the exception carries the token");
                Check(elapsed < TimeSpan.FromSeconds(2), "promptly: " + elapsed);
                Console.WriteLine("  a cancelled commit ended after " + (long)elapsed.TotalMilliseconds + " ms");
            }
            // The session goes on.
            Check(!session.IsExpired, "not expired");
            Equal(DemoPoints, Await(session.ReadTimeseriesAsync(DemoKey, DemoStart, DemoEnd)).Count, "a read after");
            Check(session.Extend() > TimeSpan.Zero, "extended after");

            // A token cancelled already: nothing starts, the Task is cancelled at once.
            using (var cancelled = new CancellationTokenSource())
            {
                cancelled.Cancel();
                var clock = Stopwatch.StartNew();
                var commit = session.CommitAsync(cancelled.Token);
                Check(commit.IsCanceled, "cancelled on return");
                Check(clock.Elapsed < TimeSpan.FromSeconds(1), "at once: " + clock.Elapsed);
                Check(Failure(commit, TimeSpan.Zero) is TaskCanceledException, "a TaskCanceledException");
            }

            // Cancelling after the end changes nothing.
            using (var late = new CancellationTokenSource())
            {
                var read = session.ReadTimeseriesAsync(DemoKey, DemoStart, DemoEnd, late.Token);
                Equal(DemoPoints, Await(read).Count, "read");
                late.Cancel();
                Equal(TaskStatus.RanToCompletion, read.Status, "still done");
            }

            // Interrupt (not the token) gives the blocking call's MeshException.
            var interrupted = session.CommitAsync(new CancellationTokenSource().Token);
            Thread.Sleep(200);
            session.Interrupt();
            var m = Failure(interrupted, TimeSpan.FromSeconds(2)) as MeshException;
            Check(m != null, "a MeshException");
            Equal(MeshStatus.ErrorCancelled, m.Status, "status (" + m.Message + ")");

            // Closing the session cancels its pending calls.
            var pending = session.CommitAsync();
            Thread.Sleep(100);
            Await(session.CloseAsync());
            var closed = Failure(pending, TimeSpan.FromSeconds(2)) as MeshException;
            Check(closed != null && closed.Status == MeshStatus.ErrorCancelled, "cancelled by the close: " + closed);
        }

        // Shutdown ends a pending call too (its Task does not hang).
        using (var connection = Connection.Connect(slowAddress))
        {
            var session = connection.OpenSession();
            var pending = session.CommitAsync();
            Thread.Sleep(100);
            MeshLibrary.Shutdown();
            var ended = Failure(pending, TimeSpan.FromSeconds(5)) as MeshException;
            Check(ended != null && ended.Status == MeshStatus.ErrorCancelled, "cancelled by the shutdown: " + ended);
        }
        // The library starts again.
        using (var connection = Await(Connection.ConnectAsync(address)))
        using (var session = Await(connection.OpenSessionAsync()))
            Equal(DemoPoints, Await(session.ReadTimeseriesAsync(DemoKey, DemoStart, DemoEnd)).Count, "after shutdown");
    }
}
