import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// Brute-force references for similarity.
enum SimilarityReference {
    /// Cosine in Double, straight from the definition.
    static func cosine(_ model: ALSModel, _ side: _Side, _ a: Int, _ b: Int) -> Double {
        let f = side == .user ? model.userFactors : model.itemFactors
        let k = model.factors
        var dot = 0.0, na = 0.0, nb = 0.0
        for j in 0 ..< k {
            let x = Double(f[a * k + j]), y = Double(f[b * k + j])
            dot += x * y; na += x * x; nb += y * y
        }
        return na == 0 || nb == 0 ? 0 : dot / (na.squareRoot() * nb.squareRoot())
    }

    /// Every candidate scored with the model's canonical cosine, fully sorted, k kept.
    static func exact(_ model: ALSModel, _ side: _Side, _ q: Int, k: Int, excluded: Set<Int> = [],
                      allowed: Set<Int>? = nil) -> [Scored] {
        let n = side == .user ? model.users : model.items
        let norms = model._cache.norms(side, of: model).norms
        let all = (0 ..< n).filter { $0 != q && !excluded.contains($0) && (allowed?.contains($0) ?? true) }
            .map { Scored(index: $0, score: model._cosine(side, q, $0, norms: norms)) }
        return Array(all.sorted(by: _TopK.ranksBefore).prefix(k))
    }
}

@Suite("Similar items and users")
struct SimilarTests {
    @Test("similar items match brute-force cosine and never include the query", arguments: [51, 52, 53] as [UInt64])
    func similarItems(seed: UInt64) throws {
        let model = try ServingFixture.model(users: 30, items: 211, k: 20, seed: seed)
        for q in stride(from: 0, to: model.items, by: 7) {
            let got = try model.similarItems(to: q, k: 12)
            #expect(got.count == 12)
            #expect(!got.contains { $0.index == q })
            #expect(got == SimilarityReference.exact(model, .item, q, k: 12))
            for r in got {
                #expect(abs(Double(r.score) - SimilarityReference.cosine(model, .item, q, r.index)) < 1e-5)
            }
            // The brute-force ranking agrees wherever its scores are not within float noise.
            let brute = (0 ..< model.items).filter { $0 != q }
                .map { ($0, SimilarityReference.cosine(model, .item, q, $0)) }.sorted { $0.1 > $1.1 }
            let cut = brute[11].1
            for (j, s) in brute where s > cut + 1e-5 { #expect(got.contains { $0.index == j }) }
        }
    }

    @Test("similar users match brute-force cosine and never include the query")
    func similarUsers() throws {
        let model = try ServingFixture.model(users: 90, items: 20, k: 6, seed: 54, grid: true)
        for q in 0 ..< model.users {
            let got = try model.similarUsers(to: q, k: 10)
            #expect(!got.contains { $0.index == q })
            #expect(got == SimilarityReference.exact(model, .user, q, k: 10))
            for r in got {
                #expect(abs(Double(r.score) - SimilarityReference.cosine(model, .user, q, r.index)) < 1e-5)
            }
        }
    }

    @Test("allow and deny filters apply; all-zero rows have similarity 0")
    func filtersAndZeroRows() throws {
        var model = try ServingFixture.model(users: 5, items: 50, k: 4, seed: 55)
        model = try model.updating(itemFactors: [0, 0, 0, 0], for: 7)
        let deny = [1, 2, 3], allow = Array(0 ..< 25)
        for q in [0, 7, 49] {
            let got = try model.similarItems(to: q, k: 8, allow: allow, deny: deny)
            #expect(got == SimilarityReference.exact(model, .item, q, k: 8, excluded: Set(deny), allowed: Set(allow)))
            #expect(got.allSatisfy { $0.index < 25 && !deny.contains($0.index) && $0.index != q })
            let everything = try model.similarItems(to: q, k: 100)
            #expect(everything.count == 49)
            #expect(everything.first { $0.index == 7 }.map(\.score) ?? 0 == 0 || q == 7)
        }
        #expect(try model.similarItems(to: 7, k: 49).allSatisfy { $0.score == 0 })
        #expect(try model.similarItems(to: 0, k: 5, allow: [0]).isEmpty)
    }

    @Test("external ids and typed errors")
    func externalIDs() throws {
        let model = try ServingFixture.model(users: 12, items: 30, k: 5, seed: 56, stringIDs: true)
        let q = model.itemIDs.externalID(4)
        let got = try model.similarItems(toID: q, k: 5, deny: [model.itemIDs.externalID(9)])
        #expect(got == (try model.similarItems(to: 4, k: 5, deny: [9])).map { ScoredID(id: model.itemIDs.externalID($0.index), score: $0.score) })
        let users = try model.similarUsers(toID: model.userIDs.externalID(2), k: 3)
        #expect(users.map(\.id) == (try model.similarUsers(to: 2, k: 3)).map { model.userIDs.externalID($0.index) })
        #expect(throws: ALSError.unknownID(kind: "item", id: "zzz")) { try model.similarItems(toID: "zzz", k: 3) }
        #expect(throws: ALSError.unknownID(kind: "user", id: "zzz")) { try model.similarUsers(toID: "zzz", k: 3) }
        #expect(throws: ALSError.self) { try model.similarItems(to: 30, k: 3) }
        #expect(throws: ALSError.self) { try model.similarUsers(to: 0, k: -2) }
    }
}
