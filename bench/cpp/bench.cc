// bench.cc: a grpc++ synchronous client with stubs generated from this
// project's proto/, the C++ peer of the benchmarks (see bench/src/main.rs).
//
//   bench_cpp ADDRESS rtt N
//   bench_cpp ADDRESS openclose N THREADS
//
// Prints "RESULT key value" lines for the harness; CPU times are this
// process's (all its threads, grpc's own included).
#include <grpcpp/grpcpp.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "volue/mesh/grpc/session/v1alpha/session.grpc.pb.h"

using volue::mesh::grpc::session::v1alpha::SessionService;
using volue::mesh::grpc::type::Guid;

static long long now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

static double cpu_seconds() {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(const grpc::Status &status, const char *what) {
    if (!status.ok()) {
        std::fprintf(stderr, "%s: %d %s\n", what, (int)status.error_code(), status.error_message().c_str());
        std::exit(14);
    }
}

static Guid start(SessionService::Stub &stub) {
    grpc::ClientContext ctx;
    google::protobuf::Empty empty;
    volue::mesh::grpc::session::v1alpha::StartSessionResponse response;
    check(stub.StartSession(&ctx, empty, &response), "StartSession");
    return response.session_id();
}

static void end(SessionService::Stub &stub, const Guid &id) {
    grpc::ClientContext ctx;
    volue::mesh::grpc::session::v1alpha::EndSessionResponse response;
    check(stub.EndSession(&ctx, id, &response), "EndSession");
}

static void extend(SessionService::Stub &stub, const Guid &id) {
    grpc::ClientContext ctx;
    volue::mesh::grpc::session::v1alpha::ExtendSessionResponse response;
    check(stub.ExtendSession(&ctx, id, &response), "ExtendSession");
}

int main(int argc, char **argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s ADDRESS rtt N | openclose N THREADS\n", argv[0]);
        return 1;
    }
    auto channel = grpc::CreateChannel(argv[1], grpc::InsecureChannelCredentials());
    auto stub = SessionService::NewStub(channel);
    long n = std::atol(argv[3]);
    if (std::strcmp(argv[2], "rtt") == 0) {
        Guid id = start(*stub);
        for (long i = 0; i < n / 10 + 10; i++) extend(*stub, id);
        std::vector<long long> ns(n);
        double cpu0 = cpu_seconds();
        for (long i = 0; i < n; i++) {
            long long t0 = now_ns();
            extend(*stub, id);
            ns[i] = now_ns() - t0;
        }
        double cpu = cpu_seconds() - cpu0;
        std::sort(ns.begin(), ns.end());
        std::printf("RESULT median_ns %lld\nRESULT p99_ns %lld\nRESULT cpu_ns_per_call %.0f\n", ns[n / 2],
                    ns[(n * 99) / 100], cpu * 1e9 / n);
        end(*stub, id);
    } else if (std::strcmp(argv[2], "openclose") == 0 && argc > 4) {
        int threads = std::max(1, std::atoi(argv[4]));
        long per = n / threads;
        double cpu0 = cpu_seconds();
        long long t0 = now_ns();
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; t++) {
            pool.emplace_back([&] {
                for (long i = 0; i < per; i++) end(*stub, start(*stub));
            });
        }
        for (auto &t : pool) t.join();
        double seconds = (now_ns() - t0) / 1e9;
        double sessions = (double)(per * threads);
        std::printf("RESULT sessions_per_s %.1f\nRESULT cpu_ns_per_session %.0f\n", sessions / seconds,
                    (cpu_seconds() - cpu0) * 1e9 / sessions);
    } else {
        std::fprintf(stderr, "unknown mode %s\n", argv[2]);
        return 1;
    }
    return 0;
}
