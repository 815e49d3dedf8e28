"""grpcio side of the benchmarks (see bench/src/main.rs), with stubs generated
from this project's proto/ by grpc_tools.protoc into STUBS_DIR.

  bench.py STUBS_DIR ADDRESS rtt N
  bench.py STUBS_DIR ADDRESS openclose N THREADS
  bench.py STUBS_DIR ADDRESS threads N     the official client's model: a thread
                                           per open session; prints "baseline",
                                           waits for a line, opens, prints "ready",
                                           waits for EOF
Prints "RESULT key value" lines for the harness.
"""
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from google.protobuf import empty_pb2  # noqa: E402
from volue.mesh.grpc.session.v1alpha import session_pb2_grpc  # noqa: E402


def main():
    address, mode, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
    channel = grpc.insecure_channel(address)
    stub = session_pb2_grpc.SessionServiceStub(channel)
    if mode == "rtt":
        sid = stub.StartSession(empty_pb2.Empty()).session_id
        for _ in range(n // 10 + 10):
            stub.ExtendSession(sid)
        ns = []
        for _ in range(n):
            t0 = time.perf_counter_ns()
            stub.ExtendSession(sid)
            ns.append(time.perf_counter_ns() - t0)
        ns.sort()
        print(f"RESULT median_ns {ns[n // 2]}\nRESULT p99_ns {ns[n * 99 // 100]}")
        stub.EndSession(sid)
    elif mode == "openclose":
        threads = max(1, int(sys.argv[5]))
        per = n // threads

        def work():
            for _ in range(per):
                stub.EndSession(stub.StartSession(empty_pb2.Empty()).session_id)

        t0 = time.perf_counter()
        pool = [threading.Thread(target=work) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        print(f"RESULT sessions_per_s {per * threads / (time.perf_counter() - t0):.1f}")
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
