import Dispatch
import Foundation
import Synchronization
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Concurrency: concurrent serving equals sequential serving")
struct ConcurrencyTests {
    /// One query of the mix: recommend with or without filters, similar items, or a small batch.
    enum Answer: Equatable, Sendable {
        case single([Scored])
        case batch([[Scored]])
    }

    static func ask(_ model: ALSModel, _ data: InteractionMatrix, _ q: Int) throws -> Answer {
        let user = (q * 7) % model.users, k = 1 + q % 20
        switch q % 6 {
        case 0: return .single(try model.recommend(user: user, k: k, excludeSeen: .interactions(data)))
        case 1: return .single(try model.recommend(user: user, k: k, excludeSeen: .nothing, deny: [q % model.items, 3]))
        case 2: return .single(try model.recommend(user: user, k: k, excludeSeen: .interactions(data),
                                                   allow: Array(stride(from: q % 5, to: model.items, by: 5))))
        case 3: return .single(try model.similarItems(to: q % model.items, k: k))
        case 4: return .single(try model.similarUsers(to: user, k: k, deny: [0]))
        default: return .batch(try model.recommend(users: [user, (user + 1) % model.users, 0], k: k,
                                                   excludeSeen: .interactions(data), threads: 2))
        }
    }

    @Test("thousands of concurrent queries from tasks give the sequential answers")
    func taskGroup() async throws {
        let model = try ServingFixture.model(users: 120, items: 400, k: 24, seed: 81, biases: true, globalMean: 0.5)
        let data = try ServingFixture.interactions(for: model, perUser: 10, seed: 82)
        let queries = 3000
        let expected = try (0 ..< queries).map { try Self.ask(model, data, $0) }
        // Fresh copies (built from arrays, and loaded through a mapping): their norm caches are
        // empty, so the first concurrent queries race to fill them.
        let fresh = try ALSModel(factors: model.factors, userFactors: model.userFactors, itemFactors: model.itemFactors,
                                 userBiases: model.userBiases, itemBiases: model.itemBiases, globalMean: model.globalMean,
                                 userIDs: model.userIDs, itemIDs: model.itemIDs, configuration: model.configuration)
        let dir = try ScratchDirectory()
        try model.save(to: dir.file("c.als"))
        let loaded = try ALSModel.load(from: dir.file("c.als"))
        for candidate in [fresh, loaded] {
            let answers = try await withThrowingTaskGroup(of: (Int, Answer).self) { group in
                for q in 0 ..< queries {
                    group.addTask { (q, try Self.ask(candidate, data, q)) }
                }
                var out = [Answer?](repeating: nil, count: queries)
                for try await (q, a) in group { out[q] = a }
                return out
            }
            for q in 0 ..< queries { #expect(answers[q] == expected[q], "query \(q)") }
        }
    }

    @Test("overlapping single-threaded BLAS regions restore the thread count once, at the end")
    func blasThreadRegions() {
        let threads = _Locked(4)
        let scope = _SingleThreadedBLAS(get: { threads.withLock { $0 } }, set: { n in threads.withLock { $0 = n } })
        scope.run {
            #expect(threads.withLock { $0 } == 1)
            scope.run { #expect(threads.withLock { $0 } == 1) }
            #expect(threads.withLock { $0 } == 1, "an inner region must not restore while the outer runs")
        }
        #expect(threads.withLock { $0 } == 4)
        let violations = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            for _ in 0 ..< 200 {
                scope.run { if threads.withLock({ $0 }) != 1 { violations.add(1, ordering: .relaxed) } }
            }
        }
        #expect(violations.load(ordering: .relaxed) == 0)
        #expect(threads.withLock { $0 } == 4)
    }
}
