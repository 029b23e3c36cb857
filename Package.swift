// swift-tools-version: 6.1
//
// SwiftALS: a sparse-first Alternating Least Squares engine.
//
// Benchmark suites live at Benchmarks/<Suite>/<Suite>.swift and are declared at the end of
// this file only when ALS_BENCHMARKS=1.
import Foundation
import PackageDescription

// Benchmarks (ordo-one/benchmark) are declared only when ALS_BENCHMARKS=1 is set, so library users
// and the test suite never fetch or build the benchmark dependencies:
//     ALS_BENCHMARKS=1 swift package benchmark
let withBenchmarks = ProcessInfo.processInfo.environment["ALS_BENCHMARKS"] == "1"

// The libFuzzer harnesses (Fuzz/ALSFuzz) are declared only when ALS_FUZZ=1, as scripts/fuzz.sh
// sets it: they need -sanitize=fuzzer, which an ordinary build must never see.
let withFuzzers = ProcessInfo.processInfo.environment["ALS_FUZZ"] == "1"

// The distributed layer (CMPI, ALSDistributed, `als-mpi` and its tests) is declared only when
// ALS_MPI=1, so the ALS library, `als`, `make demo` and a library user's build never need Open MPI
// (`bash scripts/setup.sh mpi` installs it):
//     ALS_MPI=1 swift build --product als-mpi
let withMPI = ProcessInfo.processInfo.environment["ALS_MPI"] == "1"

let package = Package(
    name: "SwiftALS",
    products: [
        .library(name: "ALS", targets: ["ALS"]),
        // The raw kernels, for benchmarks and for users who drive their own loops.
        .library(name: "CALSKernels", targets: ["CALSKernels"]),
        .executable(name: "als", targets: ["ALSCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // OpenBLAS (CBLAS + the LAPACK routines it bundles). Debian ships `openblas.pc`.
        .systemLibrary(
            name: "COpenBLAS",
            path: "CSources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // SuiteSparse CHOLMOD. Debian 12 (SuiteSparse 5.12) ships no pkg-config file, so the
        // module map links `cholmod` directly and the headers come from /usr/include/suitesparse.
        .systemLibrary(
            name: "CSuiteSparse",
            path: "CSources/CSuiteSparse",
            providers: [.apt(["libsuitesparse-dev"])]
        ),
        // Kernels over raw offsets/indices/values pointers. No allocation, no global state.
        .target(
            name: "CALSKernels",
            path: "CSources/CALSKernels",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        .target(
            name: "ALS",
            dependencies: ["CALSKernels", "COpenBLAS", "CSuiteSparse"],
            path: "Sources/ALS"
        ),
        .executableTarget(
            name: "ALSCommand",
            dependencies: [
                "ALS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/ALSCommand"
        ),
        .testTarget(name: "ALSTests", dependencies: ["ALS", "CALSKernels"], path: "Tests/ALSTests"),
        .testTarget(
            name: "ALSCommandTests",
            dependencies: ["ALSCommand", "ALS"],
            path: "Tests/ALSCommandTests"
        ),
    ]
)

if withMPI {
    package.products.append(.executable(name: "als-mpi", targets: ["ALSMPICommand"]))
    package.targets += [
        // Open MPI 4.1 (Debian's libopenmpi-dev ships `ompi-c.pc`).
        .systemLibrary(
            name: "CMPI",
            path: "CSources/CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]
        ),
        .target(name: "ALSDistributed", dependencies: ["ALS", "CMPI"], path: "Sources/ALSDistributed"),
        .executableTarget(
            name: "ALSMPICommand",
            dependencies: ["ALSDistributed", "ALS", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/ALSMPICommand"
        ),
        .testTarget(
            name: "ALSDistributedTests",
            // The two executables are dependencies so that `--build-tests` builds them: the
            // tests run `als` and `mpirun … als-mpi` as child processes.
            dependencies: ["ALSDistributed", "ALS", "ALSMPICommand", "ALSCommand"],
            path: "Tests/ALSDistributedTests"
        ),
    ]
}

if withFuzzers {
    package.targets.append(.executableTarget(name: "ALSFuzz", dependencies: ["ALS"], path: "Fuzz/ALSFuzz"))
}

if withBenchmarks {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]))
    // Every folder Benchmarks/<Suite> holding <Suite>.swift is a suite.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Benchmarks")
    let suites = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted().filter {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/\($0).swift").path)
    }
    for suite in suites {
        package.targets.append(.executableTarget(
            name: suite,
            dependencies: ["ALS", "CALSKernels", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/\(suite)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ))
    }
}
