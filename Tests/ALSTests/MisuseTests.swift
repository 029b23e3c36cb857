import Foundation
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// Library misuse that once gave a wrong answer, each test named after its failure.
@Suite("Misuse: the library refuses what would give a wrong answer")
struct MisuseTests {
    /// Items 10, 20, 30, 40 with scores 4, 3, 2, 1 for the only user, 7.
    static func model() throws -> ALSModel {
        try ALSModel(factors: 1, userFactors: [1], itemFactors: [4, 3, 2, 1],
                     userIDs: try IDMap(integers: [7]), itemIDs: try IDMap(integers: [10, 20, 30, 40]),
                     configuration: ALSConfiguration.plain(mode: .implicit))
    }

    @Test("seenFilterIDMapLeak: a seen matrix whose item map is not the model's is refused, not misread")
    func seenFilterIDMapLeak() throws {
        let model = try Self.model()
        // User 7 has seen items 10 and 20, the model's best two, in a matrix whose item ids come
        // in another order (as text ids do, in the order of a file): 40, 30, 10, 20.
        let other = try InteractionMatrix(
            users: 1, items: 4, triplets: Triplets(users: [0, 0], items: [2, 3], values: [1, 1]),
            userIDs: try IDMap(integers: [7]), itemIDs: try IDMap(strings: ["40", "30", "10", "20"]))
        #expect(other.items == model.items)
        // Before: the item count matched, so dense items 2 and 3 (40 and 30 here, 30 and 40 in the
        // model) were left out, and the seen items 10 and 20 came back.
        #expect(throws: ALSError.self) { try model.recommend(userID: "7", k: 2, excludeSeen: .interactions(other)) }
        #expect(throws: ALSError.self) { try model.recommend(users: [0], k: 2, excludeSeen: .interactions(other)) }
        // Re-indexed over the model's ids, the right items are left out.
        let aligned = try model.reindexed(other)
        #expect(try model.recommend(userID: "7", k: 2, excludeSeen: .interactions(aligned)).map(\.id) == ["30", "40"])
        // The same ids as text, in the model's order, line up by their text and are accepted.
        let same = TemporaryFile("7\t10\t1\n7\t20\t1\n7\t30\t1\n7\t40\t1\n")
        defer { same.cleanup() }
        let text = try DataLoader.load(path: same.path, options: LoadOptions(itemIDs: .text)).matrix
        #expect(try model.recommend(userID: "7", k: 2, excludeSeen: .interactions(text)).isEmpty)
    }

    @Test("kernelStatusRowAsIteration: a kernel's non-finite status names the row, not an iteration")
    func kernelStatusRowAsIteration() throws {
        #expect(throws: ALSError.nonFiniteSolution(side: "user", row: 5)) { try _check(3, "als_solve_cg_row", side: "user", row: 5) }
        #expect(throws: ALSError.notPositiveDefinite(side: "item", row: 2)) { try _check(2, "als_solve_cholesky_row", side: "item", row: 2) }
        let message = ALSError.nonFiniteSolution(side: "user", row: 5).description
        #expect(message.contains("user 5") && !message.contains("iteration"))
    }

    @Test("dsyevdNotPositiveDefinite: a LAPACK eigen-decomposition failure is reported as one, not as a Cholesky failure")
    func dsyevdNotPositiveDefinite() throws {
        #expect(throws: ALSError.self) { try _checkLAPACK(2, "dsyevd_") }
        do {
            try _checkLAPACK(2, "dsyevd_")
        } catch let error as ALSError {
            guard case .notConverged(function: "dsyevd_", _) = error else {
                Issue.record("expected notConverged, got \(error)")
                return
            }
        }
        #expect(throws: ALSError.kernelFailure(function: "dsyevd_", status: -4)) { try _checkLAPACK(-4, "dsyevd_") }
        try _checkLAPACK(0, "dsyevd_")
    }

    @Test("every library message names parameters, never command-line flags")
    func libraryMessagesNameNoFlags() throws {
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = -5
        #expect(throws: ALSError.invalidConfiguration(parameter: "factors", reason: "must be in 1...4096 (got -5); pass `factors: 64` for a start")) {
            try config.validate()
        }
        config = ALSConfiguration.plain(mode: .implicit)
        config.cgSteps = 0
        #expect(throws: ALSError.invalidConfiguration(parameter: "cgSteps", reason: "must be ≥ 1 (got 0)")) { try config.validate() }
        let negative = TemporaryFile("1,2,-3\n")
        defer { negative.cleanup() }
        do {
            _ = try DataLoader.load(path: negative.path)
            Issue.record("a negative value loaded")
        } catch let error as ALSError {
            #expect(!error.description.contains("--") && error.description.contains("`allowNegative: true`"), "\(error)")
        }
    }
}
