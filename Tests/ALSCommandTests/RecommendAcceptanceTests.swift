@_spi(Engine) import ALS
import Foundation
import Testing
@testable import ALSCommand

/// The shared ML-100K implicit split, `../shared/data/splits/ml100k-implicit` beside the package.
enum AcceptanceData {
    static let directory: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent("../shared/data/splits/ml100k-implicit").standardized.path
    }()

    static var train: String { directory + "/train.tsv" }
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: train) }

    /// Every user's training items, read with a plain TSV split (not the library's loader).
    static func trainingItems() throws -> [String: Set<String>] {
        var items: [String: Set<String>] = [:]
        for line in try String(contentsOfFile: train, encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: "\t")
            guard f.count >= 2 else { continue }
            items[String(f[0]), default: []].insert(String(f[1]))
        }
        return items
    }
}

@Suite("Acceptance: als train, then als recommend --exclude-seen, on the ML-100K implicit split",
       .enabled(if: AcceptanceData.isAvailable, "skipped: ../shared/data/splits/ml100k-implicit is not next to the package"))
struct RecommendAcceptanceTests {
    @Test("every user gets exactly 10 items, none of them a training item")
    func everyUser() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("als-acceptance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelPath = directory.appendingPathComponent("m.als").path
        var train = try ALSTool.parseAsRoot([
            "train", AcceptanceData.train, "--mode", "implicit", "--factors", "32", "--regularization", "1",
            "--alpha", "10", "--iterations", "5", "--output", modelPath, "--quiet"])
        try train.run()

        let seen = try AcceptanceData.trainingItems()
        let catalogue = seen.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        #expect(seen.count == 942)
        func check(_ user: String, _ items: [String], sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(items.count == 10, "user \(user): \(items.count) items", sourceLocation: sourceLocation)
            #expect(Set(items).count == items.count, "user \(user): repeated items", sourceLocation: sourceLocation)
            #expect(Set(items).isDisjoint(with: seen[user]!), "user \(user) got a training item", sourceLocation: sourceLocation)
            #expect(Set(items).isSubset(of: catalogue), sourceLocation: sourceLocation)
        }
        func arguments(_ user: String) -> [String] {
            ["recommend", modelPath, "--user", user, "--k", "10", "--exclude-seen", AcceptanceData.train, "--quiet"]
        }

        // The whole command, loading included, for a few users ...
        for user in seen.keys.sorted().prefix(3) {
            check(user, ServingCommandFixture.tableRows(try ServingCommandFixture.output(arguments(user))).map(\.id))
        }
        // ... then every user, through the command as parsed once (parsing and loading DATA 942
        // times would dominate a debug test run) with --user set to each id in turn.
        let parsed = try #require(try ALSTool.parseAsRoot(arguments("1")) as? RecommendCommand)
        let inputs = try parsed.loadInputs()
        for user in seen.keys.sorted() {
            var command = parsed
            command.user = user
            var out = ""
            try command.write(to: &out, inputs: inputs)
            check(user, ServingCommandFixture.tableRows(out).map(\.id))
        }
        // The batch path over everyone, end to end.
        let tsv = try ServingCommandFixture.output(["recommend", modelPath, "--all-users", "--exclude-seen", AcceptanceData.train, "--quiet"])
        var lists: [String: [String]] = [:]
        for line in tsv.split(separator: "\n") {
            let f = line.split(separator: "\t")
            lists[String(f[0]), default: []].append(String(f[2]))
        }
        #expect(Set(lists.keys) == Set(seen.keys))
        for (user, items) in lists { check(user, items) }
    }
}
