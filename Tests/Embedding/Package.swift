// swift-tools-version: 6.1
//
// A package as a service would write it: one path dependency on SwiftALS and `import ALS`, in
// Swift 6 language mode. `scripts/embed_check.sh` copies this folder outside the repository,
// points the dependency at the repository, adds every Swift block of the README as a target of
// its own, builds with no warning allowed in these sources and runs `EmbeddingCheck`.
// The script makes `SwiftALS` a link to the repository: a path dependency is known by the name
// of its last folder, which is what `.product(…, package: "SwiftALS")` names.
import Foundation
import PackageDescription

// Every folder Sources/Snippet<N> (the script writes one per Swift block of the README and of
// any DocC article) is an executable target of its own, so a block may be top-level code.
let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Sources")
let snippets = ((try? FileManager.default.contentsOfDirectory(atPath: sources.path)) ?? [])
    .filter { $0.hasPrefix("Snippet") }.sorted()

let package = Package(
    name: "Embedding",
    dependencies: [
        .package(path: "SwiftALS"),
    ],
    targets: [
        .executableTarget(
            name: "EmbeddingCheck",
            dependencies: [.product(name: "ALS", package: "SwiftALS")]
        ),
    ] + snippets.map {
        .executableTarget(name: $0, dependencies: [.product(name: "ALS", package: "SwiftALS")])
    },
    swiftLanguageModes: [.v6]
)
