"""grpcio side of the benchmarks (see bench/src/main.rs), with stubs generated
from this project's proto/ by grpc_tools.protoc into STUBS_DIR.

  bench.py STUBS_DIR ADDRESS rtt N
  bench.py STUBS_DIR ADDRESS openclose N THREADS
  bench.py STUBS_DIR ADDRESS ts N CHUNK RECV_MB
                                           write N points (pyarrow tables) in requests
                                           of at most CHUNK points (and never over the
                                           server's 4 MB), read them back in requests
                                           of CHUNK points, decode with pyarrow
  bench.py STUBS_DIR ADDRESS model R START QUERY VIEW
                                           search QUERY from START R times with VIEW
                                           (full|nodefs), read every object's name and
                                           every attribute's name, type and first value
  bench.py STUBS_DIR ADDRESS pathread R PATH START END
                                           read the series at attribute PATH over
                                           [START, END) ms R times, decoded with pyarrow
  bench.py STUBS_DIR ADDRESS calc R KEY PATH START END
                                           daily sums (UTC) of the hourly series KEY at
                                           PATH over [START, END) ms, R times with
                                           ReadTransformedTimeseries and R times with
                                           RunCalculation, decoded with pyarrow
  bench.py STUBS_DIR ADDRESS manyreads R KEYFILE START END STYLE
                                           read [START, END) ms of every series whose
                                           key is in KEYFILE (one a line), R times
                                           after a pass to warm up:
                                           STYLE blocking (the synchronous stub, one
                                           read after another) or async (the asyncio
                                           stub, asyncio.gather of all the reads);
                                           decoded with pyarrow, values summed
  bench.py STUBS_DIR ADDRESS threads N     the official client's model: a thread
                                           per open session; prints "baseline",
                                           waits for a line, opens, prints "ready",
                                           waits for EOF
Prints "RESULT key value" lines for the harness; CPU times are this
process's (all its threads, grpcio's own included).
"""
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from google.protobuf import empty_pb2  # noqa: E402
from volue.mesh.grpc.session.v1alpha import session_pb2_grpc  # noqa: E402


TS_START = 1924992000000  # 2031-01-01T00:00Z, as bench.c
SERVER_MAX_POINTS = 200_000  # 4 MB at 20 bytes a point


def timeseries(channel, stub, n, chunk):
    import numpy as np
    import pyarrow as pa
    from volue.mesh.grpc.time_series.v1alpha import time_series_pb2, time_series_pb2_grpc
    from volue.mesh.grpc.type import resources_pb2
    from google.protobuf import timestamp_pb2

    ts = time_series_pb2_grpc.TimeseriesServiceStub(channel)
    sid = stub.StartSession(empty_pb2.Empty()).session_id
    schema = pa.schema([("utc_time", pa.timestamp("ms")), ("flags", pa.uint32()), ("value", pa.float64())])
    times = TS_START + np.arange(n, dtype=np.int64) * 1000
    flags = np.zeros(n, dtype=np.uint32)
    values = np.arange(n, dtype=np.float64) * 0.5

    def interval(start_ms, end_ms):
        s = timestamp_pb2.Timestamp()
        s.FromMilliseconds(int(start_ms))
        e = timestamp_pb2.Timestamp()
        e.FromMilliseconds(int(end_ms))
        return resources_pb2.UtcInterval(start_time=s, end_time=e)

    mesh_id = resources_pb2.MeshId(timeseries_key=1)
    step = min(chunk, SERVER_MAX_POINTS)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for i in range(0, n, step):
        j = min(n, i + step)
        table = pa.Table.from_arrays(
            [pa.array(times[i:j], type=pa.timestamp("ms")), pa.array(flags[i:j]), pa.array(values[i:j])],
            schema=schema,
        )
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, schema) as writer:
            writer.write_table(table)
        ts.WriteTimeseries(
            time_series_pb2.WriteTimeseriesRequest(
                session_id=sid,
                timeseries=time_series_pb2.Timeseries(
                    id=mesh_id, interval=interval(times[i], times[j - 1] + 1000), data=sink.getvalue().to_pybytes()
                ),
            )
        )
    write_s = time.perf_counter() - t0
    write_cpu = time.process_time() - cpu0
    got = 0
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for i in range(0, n, chunk):
        j = min(n, i + chunk)
        response = ts.ReadTimeseries(
            time_series_pb2.ReadTimeseriesRequest(
                session_id=sid, timeseries_id=mesh_id, interval=interval(times[i], times[j - 1] + 1000)
            )
        )
        for series in response.timeseries:
            table = pa.ipc.open_stream(series.data).read_all()
            got += table.num_rows
    read_s = time.perf_counter() - t0
    read_cpu = time.process_time() - cpu0
    if got != n:
        sys.exit(f"read {got} points, wrote {n}")
    print(f"RESULT write_points_per_s {n / write_s:.0f}\nRESULT read_points_per_s {n / read_s:.0f}")
    print(f"RESULT write_cpu_s {write_cpu:.6f}\nRESULT read_cpu_s {read_cpu:.6f}")
    stub.Rollback(sid)
    stub.EndSession(sid)


def rss_bytes():
    import os

    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def model(channel, stub, repeats, start, query, view):
    from google.protobuf import field_mask_pb2
    from volue.mesh.grpc.model.v1alpha import model_pb2, model_pb2_grpc
    from volue.mesh.grpc.type import resources_pb2

    models = model_pb2_grpc.ModelServiceStub(channel)
    sid = stub.StartSession(empty_pb2.Empty()).session_id
    mask = None
    if view == "nodefs":
        # The official client's default: attributes without definitions.
        mask = field_mask_pb2.FieldMask(
            paths=["id", "path", "name", "values", "value_type", "value_type_collection", "owner_id"]
        )
    request = model_pb2.SearchObjectsRequest(
        session_id=sid,
        start_object_id=resources_pb2.MeshId(path=start),
        query=query,
        attributes_masks=model_pb2.AttributesMasks(),
        attribute_field_mask=mask,
    )
    seconds = []
    cpu = []
    rss_per_object = 0
    objects = attributes = 0
    total = 0.0
    for r in range(repeats):
        rss0 = rss_bytes()
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        found = list(models.SearchObjects(request))
        total = 0.0
        attributes = 0
        for o in found:
            total += len(o.name)
            attributes += len(o.attributes)
            for a in o.attributes:
                total += len(a.name) + a.value_type
                if not a.values:
                    continue
                v = a.values[0]
                kind = v.WhichOneof("value_oneof")
                if kind in ("int_value", "double_value", "boolean_value"):
                    total += getattr(v, kind)
                elif kind == "string_value":
                    total += len(v.string_value)
                elif kind == "utc_time_value":
                    total += v.utc_time_value.nanos // 1_000_000
                elif kind == "timeseries_value":
                    total += v.timeseries_value.time_series_resource.timeseries_key
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - cpu0)
        objects = len(found)
        if r == 0 and objects:
            rss_per_object = (rss_bytes() - rss0) // objects
        del found
    seconds.sort()
    cpu.sort()
    print(f"RESULT objects {objects}\nRESULT attributes {attributes}\nRESULT seconds {seconds[repeats // 2]:.6f}")
    print(f"RESULT cpu_seconds {cpu[repeats // 2]:.6f}")
    print(f"RESULT rss_per_object {rss_per_object}\nRESULT checksum {total:.0f}")
    stub.EndSession(sid)


def path_read(channel, stub, repeats, path, start, end):
    import numpy as np
    import pyarrow as pa
    from google.protobuf import timestamp_pb2
    from volue.mesh.grpc.time_series.v1alpha import time_series_pb2, time_series_pb2_grpc
    from volue.mesh.grpc.type import resources_pb2

    ts = time_series_pb2_grpc.TimeseriesServiceStub(channel)
    sid = stub.StartSession(empty_pb2.Empty()).session_id
    s = timestamp_pb2.Timestamp()
    s.FromMilliseconds(start)
    e = timestamp_pb2.Timestamp()
    e.FromMilliseconds(end)
    request = time_series_pb2.ReadTimeseriesRequest(
        session_id=sid,
        timeseries_id=resources_pb2.MeshId(path=path),
        interval=resources_pb2.UtcInterval(start_time=s, end_time=e),
    )
    seconds, cpu = [], []
    points, total = 0, 0.0
    for _ in range(repeats):
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        points, total = 0, 0.0
        for series in ts.ReadTimeseries(request).timeseries:
            table = pa.ipc.open_stream(series.data).read_all()
            points += table.num_rows
            # A linear series ends with a point at the interval's end, NaN
            # when nothing follows it.
            total += float(np.nansum(table.column("value").to_numpy()))
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - cpu0)
    seconds.sort()
    cpu.sort()
    print(f"RESULT seconds {seconds[repeats // 2]:.6f}\nRESULT cpu_seconds {cpu[repeats // 2]:.6f}")
    print(f"RESULT points {points}\nRESULT total {total:.3f}")
    stub.EndSession(sid)


def calculations(channel, stub, repeats, key, path, start, end):
    import pyarrow as pa
    from google.protobuf import timestamp_pb2
    from volue.mesh.grpc.calc.v1alpha import calc_pb2, calc_pb2_grpc
    from volue.mesh.grpc.time_series.v1alpha import time_series_pb2, time_series_pb2_grpc
    from volue.mesh.grpc.type import resources_pb2

    ts = time_series_pb2_grpc.TimeseriesServiceStub(channel)
    calc = calc_pb2_grpc.CalculationServiceStub(channel)
    sid = stub.StartSession(empty_pb2.Empty()).session_id
    s = timestamp_pb2.Timestamp()
    s.FromMilliseconds(start)
    e = timestamp_pb2.Timestamp()
    e.FromMilliseconds(end)
    interval = resources_pb2.UtcInterval(start_time=s, end_time=e)
    day = resources_pb2.Resolution(type=resources_pb2.Resolution.DAY)
    read_request = time_series_pb2.ReadTransformedTimeseriesRequest(
        session_id=sid,
        requests=[
            time_series_pb2.ReadTransformedTimeseriesSingleRequest(
                timeseries_id=resources_pb2.MeshId(timeseries_key=key),
                interval=interval,
                resolution=day,
                transformation_method=time_series_pb2.SUM,
                transformation_timezone=time_series_pb2.UTC,
            )
        ],
    )
    # The expression the official client sends for this transformation.
    calc_request = calc_pb2.CalculationRequest(
        session_id=sid,
        expression="## = @TRANSFORM(@t(), 'DAY', 'SUM', 'UTC')\n",
        interval=interval,
        relative_to=resources_pb2.MeshId(path=path),
    )

    def decode(series_list):
        days = 0
        total = 0.0
        for series in series_list:
            table = pa.ipc.open_stream(series.data).read_all()
            days += table.num_rows
            total += sum(table.column("value").to_pylist())
        return days, total

    read_s, calc_s = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        read_days, read_total = decode(
            [series for response in ts.ReadTransformedTimeseries(read_request) for series in response.timeseries]
        )
        read_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        calc_days, calc_total = decode(calc.RunCalculation(calc_request).timeseries_results.timeseries)
        calc_s.append(time.perf_counter() - t0)
    read_s.sort()
    calc_s.sort()
    print(f"RESULT read_s {read_s[repeats // 2]:.6f}\nRESULT calc_s {calc_s[repeats // 2]:.6f}")
    print(f"RESULT read_days {read_days}\nRESULT calc_days {calc_days}")
    print(f"RESULT read_total {read_total:.3f}\nRESULT calc_total {calc_total:.3f}")
    stub.EndSession(sid)


def many_reads(address, repeats, key_file, start, end, style):
    import asyncio

    import numpy as np
    import pyarrow as pa
    from google.protobuf import timestamp_pb2
    from volue.mesh.grpc.time_series.v1alpha import time_series_pb2, time_series_pb2_grpc
    from volue.mesh.grpc.type import resources_pb2

    with open(key_file) as f:
        keys = [int(k) for k in f.read().split()]
    s = timestamp_pb2.Timestamp()
    s.FromMilliseconds(start)
    e = timestamp_pb2.Timestamp()
    e.FromMilliseconds(end)
    interval = resources_pb2.UtcInterval(start_time=s, end_time=e)

    def request(sid, key):
        return time_series_pb2.ReadTimeseriesRequest(
            session_id=sid, timeseries_id=resources_pb2.MeshId(timeseries_key=key), interval=interval
        )

    def decode(response):
        points, total = 0, 0.0
        for series in response.timeseries:
            table = pa.ipc.open_stream(series.data).read_all()
            points += table.num_rows
            total += float(np.sum(table.column("value").to_numpy()))
        return points, total

    def report(seconds, cpu, points, total):
        seconds.sort()
        cpu.sort()
        print(f"RESULT seconds {seconds[repeats // 2]:.6f}\nRESULT cpu_seconds {cpu[repeats // 2]:.6f}")
        print(f"RESULT points {points}\nRESULT total {total:.3f}")

    if style == "blocking":
        channel = grpc.insecure_channel(address)
        sessions = session_pb2_grpc.SessionServiceStub(channel)
        ts = time_series_pb2_grpc.TimeseriesServiceStub(channel)
        sid = sessions.StartSession(empty_pb2.Empty()).session_id

        def one_pass(keys):
            points, total = 0, 0.0
            for key in keys:
                p, t = decode(ts.ReadTimeseries(request(sid, key)))
                points += p
                total += t
            return points, total

        one_pass(keys)  # warm-up: one pass
        seconds, cpu = [], []
        for _ in range(repeats):
            cpu0 = time.process_time()
            t0 = time.perf_counter()
            points, total = one_pass(keys)
            seconds.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - cpu0)
        report(seconds, cpu, points, total)
        sessions.EndSession(sid)
        channel.close()
    elif style == "async":

        async def run():
            async with grpc.aio.insecure_channel(address) as channel:
                sessions = session_pb2_grpc.SessionServiceStub(channel)
                ts = time_series_pb2_grpc.TimeseriesServiceStub(channel)
                sid = (await sessions.StartSession(empty_pb2.Empty())).session_id

                async def read(key):
                    return decode(await ts.ReadTimeseries(request(sid, key)))

                async def one_pass(keys):
                    results = await asyncio.gather(*(read(key) for key in keys))
                    return sum(p for p, _ in results), sum(t for _, t in results)

                await one_pass(keys)  # warm-up: one pass
                seconds, cpu = [], []
                for _ in range(repeats):
                    cpu0 = time.process_time()
                    t0 = time.perf_counter()
                    points, total = await one_pass(keys)
                    seconds.append(time.perf_counter() - t0)
                    cpu.append(time.process_time() - cpu0)
                report(seconds, cpu, points, total)
                await sessions.EndSession(sid)

        asyncio.run(run())
    else:
        sys.exit(f"unknown style {style}")


def main():
    address, mode, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
    if mode == "manyreads":
        many_reads(address, max(1, n), sys.argv[5], int(sys.argv[6]), int(sys.argv[7]), sys.argv[8])
        return
    options = []
    if mode == "ts":
        recv = int(sys.argv[6]) * 1024 * 1024
        options = [("grpc.max_receive_message_length", recv), ("grpc.max_send_message_length", recv)]
    channel = grpc.insecure_channel(address, options=options)
    stub = session_pb2_grpc.SessionServiceStub(channel)
    if mode == "rtt":
        sid = stub.StartSession(empty_pb2.Empty()).session_id
        for _ in range(n // 10 + 10):
            stub.ExtendSession(sid)
        ns = []
        cpu0 = time.process_time()
        for _ in range(n):
            t0 = time.perf_counter_ns()
            stub.ExtendSession(sid)
            ns.append(time.perf_counter_ns() - t0)
        cpu = time.process_time() - cpu0
        ns.sort()
        print(f"RESULT median_ns {ns[n // 2]}\nRESULT p99_ns {ns[n * 99 // 100]}")
        print(f"RESULT cpu_ns_per_call {cpu * 1e9 / n:.0f}")
        stub.EndSession(sid)
    elif mode == "openclose":
        threads = max(1, int(sys.argv[5]))
        per = n // threads

        def work():
            for _ in range(per):
                stub.EndSession(stub.StartSession(empty_pb2.Empty()).session_id)

        cpu0 = time.process_time()
        t0 = time.perf_counter()
        pool = [threading.Thread(target=work) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        print(f"RESULT sessions_per_s {per * threads / (time.perf_counter() - t0):.1f}")
        print(f"RESULT cpu_ns_per_session {(time.process_time() - cpu0) * 1e9 / (per * threads):.0f}")
    elif mode == "ts":
        timeseries(channel, stub, n, int(sys.argv[5]))
    elif mode == "model":
        model(channel, stub, n, sys.argv[5], sys.argv[6], sys.argv[7])
    elif mode == "pathread":
        path_read(channel, stub, n, sys.argv[5], int(sys.argv[6]), int(sys.argv[7]))
    elif mode == "calc":
        calculations(channel, stub, n, int(sys.argv[5]), sys.argv[6], int(sys.argv[7]), int(sys.argv[8]))
    elif mode == "threads":
        # As the official client: each open session has a thread that extends
        # it every 150 s until the session is closed.
        stop = threading.Event()

        def keep_alive(sid):
            while not stop.wait(150):
                stub.ExtendSession(sid)

        print("baseline", flush=True)
        sys.stdin.readline()
        opened = 0
        try:
            for _ in range(n):
                sid = stub.StartSession(empty_pb2.Empty()).session_id
                t = threading.Thread(target=keep_alive, args=(sid,), daemon=True)
                t.start()
                opened += 1
        except Exception as e:  # the number at which the model fails
            print(f"RESULT failed_at {opened}\nRESULT error {type(e).__name__}", flush=True)
        print(f"RESULT opened {opened}", flush=True)
        print("ready", flush=True)
        sys.stdin.read()
        stop.set()
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
