import Foundation
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// Writes what `scripts/implicit_interop.py` compares: a model exported for implicit and our
/// top-10 of its first 100 users. Runs in every test run (into a scratch directory, checking what
/// it wrote); with `ALS_INTEROP_DIR` set it writes there for the script.
@Suite("Model file: implicit interop export")
struct ModelFileInteropTests {
    struct Expected: Codable, Equatable {
        var npz: String
        var users: [Int]
        var top10: [[Int]]
        var scores: [[Float]]
        var seenIndptr: [Int]
        var seenIndices: [Int]
        var shape: [Int]
    }

    @Test("export model.npz and our top-10 for 100 users")
    func export() throws {
        let scratch = try ScratchDirectory()
        let dir = ProcessInfo.processInfo.environment["ALS_INTEROP_DIR"].map { URL(fileURLWithPath: $0) } ?? scratch.url
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let model = try ServingFixture.model(users: 400, items: 300, k: 32, seed: 91)
        let data = try ServingFixture.interactions(for: model, perUser: 15, seed: 92)
        let users = Array(0 ..< 100)
        let top = try model.recommend(users: users, k: 10, excludeSeen: .interactions(data))
        let expected = Expected(
            npz: "model.npz", users: users, top10: top.map { $0.map(\.index) }, scores: top.map { $0.map(\.score) },
            seenIndptr: data.byUser.outerOffsets.map(Int.init), seenIndices: data.byUser.innerIndices.map(Int.init),
            shape: [model.users, model.items])
        try model.exportNPZ(to: dir.appendingPathComponent("model.npz"))
        let json = dir.appendingPathComponent("top10.json")
        try JSONEncoder().encode(expected).write(to: json)
        // What the script will read back.
        #expect(try JSONDecoder().decode(Expected.self, from: Data(contentsOf: json)) == expected)
        let back = try ALSModel.importNPZ(from: dir.appendingPathComponent("model.npz"))
        #expect(try back.recommend(users: users, k: 10, excludeSeen: .interactions(data)) == top)
        #expect(top.allSatisfy { $0.count == 10 })
    }
}
