// swift-tools-version: 6.1
//
// SwiftALS: a sparse-first Alternating Least Squares engine.
//
// The benchmark suites live in their own nested package (`Benchmarks/Package.swift`)
// so that library users never fetch benchmark dependencies.
import PackageDescription

let package = Package(
    name: "SwiftALS",
    products: [
        .library(name: "ALS", targets: ["ALS"]),
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
