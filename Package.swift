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

// swift-docc-plugin is declared only when ALS_DOCS=1, so library users never fetch it:
//     ALS_DOCS=1 swift package generate-documentation --target ALS
let withDocs = ProcessInfo.processInfo.environment["ALS_DOCS"] == "1"

// The HTTP server (product `als-serve`, Sources/ALSServer + Sources/ALSServe) is declared only when
// ALS_SERVER=1, so the library, the `als` command and `make test` neither fetch nor build
// Hummingbird and SwiftNIO. scripts/serve_check.sh builds it in its own scratch path:
//     ALS_SERVER=1 swift build -c release --scratch-path .build-serve --product als-serve
let withServer = ProcessInfo.processInfo.environment["ALS_SERVER"] == "1"

// The distributed layer (CMPI, ALSDistributed, `als-mpi` and its tests) is declared only when
// ALS_MPI=1, so the ALS library, `als`, `make demo` and a library user's build never need Open MPI
// (`bash scripts/setup.sh mpi` installs it):
//     ALS_MPI=1 swift build --product als-mpi
let withMPI = ProcessInfo.processInfo.environment["ALS_MPI"] == "1"

let package = Package(
    name: "SwiftALS",
    products: [
        // The engine a service embeds: storage and loading, training, the model, evaluation.
        .library(name: "ALS", targets: ["ALS"]),
        // Seeded synthetic data in the shapes of public data sets, for scaling runs and tests.
        .library(name: "ALSSynthetic", targets: ["ALSSynthetic"]),
        // Hyperparameter search: the automatic budgeted search and fixed grids (`als tune`).
        .library(name: "ALSTuning", targets: ["ALSTuning"]),
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
        .target(name: "ALSSynthetic", dependencies: ["ALS"], path: "Sources/ALSSynthetic"),
        .target(name: "ALSTuning", dependencies: ["ALS"], path: "Sources/ALSTuning"),
        // SVG charts and PCA for `als plot`; not a product.
        .target(name: "ALSPlot", dependencies: ["ALS"], path: "Sources/ALSPlot"),
        .executableTarget(
            name: "ALSCommand",
            dependencies: [
                "ALS", "ALSSynthetic", "ALSTuning", "ALSPlot",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/ALSCommand"
        ),
        .testTarget(
            name: "ALSTests",
            dependencies: ["ALS", "ALSSynthetic", "ALSTuning", "ALSPlot", "CALSKernels"],
            path: "Tests/ALSTests"
        ),
        .testTarget(
            name: "ALSCommandTests",
            dependencies: ["ALSCommand", "ALS", "ALSTuning"],
            path: "Tests/ALSCommandTests"
        ),
    ]
)

if withDocs {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}

if withServer {
    package.products.append(.executable(name: "als-serve", targets: ["ALSServe"]))
    package.dependencies += [
        // Without its default ConfigurationSupport trait, so swift-configuration is not built.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ]
    package.targets += [
        // The service as a library: routes, error mapping, metrics, reload. The tests start it
        // in-process on an ephemeral port.
        .target(
            name: "ALSServer",
            dependencies: [
                "ALS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Sources/ALSServer"
        ),
        .executableTarget(
            name: "ALSServe",
            dependencies: [
                "ALSServer", "ALS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/ALSServe"
        ),
        .testTarget(
            name: "ALSServerTests",
            dependencies: [
                "ALSServer", "ALS",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ALSServerTests"
        ),
    ]
}

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
            dependencies: ["ALS", "ALSSynthetic", "CALSKernels", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/\(suite)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ))
    }
}
