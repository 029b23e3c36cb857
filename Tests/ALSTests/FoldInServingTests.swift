import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// The serving path of fold-in: `foldIn` against the model's cached item Gram (fast) versus a
/// user half-step of `_TrainingState` (the reference), and recommendations for users who are
/// not in the model.
@Suite("Fold-in as a serving path")
struct FoldInServingTests {
    static let modes = FoldInTests.modes

    static func model(_ name: String, iterations: Int = 3) throws -> (ALSModel, InteractionMatrix) {
        var config = try #require(modes.first { $0.0 == name }).1
        config.iterations = iterations
        let data = try smallProblem(users: 30, items: 20, count: 200, seed: 13)
        return (try ALSTrainer(config).fit(data), data)
    }

    /// Interactions that exercise the row building: unsorted, one repeated item, one value 0.
    static let interactions: [(item: Int, value: Float)] = [(7, 2), (1, 1), (12, 0.5), (7, 1), (3, 0), (19, 4)]

    @Test("foldIn is the trainer's user half-step, bit for bit", arguments: modes.map(\.0))
    func equalsTrainerHalfStep(name: String) throws {
        let (model, data) = try Self.model(name)
        for pairs in [Self.interactions, [(item: 5, value: 3)], []] {
            let fast = try model.foldIn(interactions: pairs)
            let reference = try model._referenceFoldIn(interactions: pairs)
            #expect(fast == reference, "\(name), \(pairs.count) interactions")
        }
        // Existing users: the half-step on their own training row.
        for u in [0, 11, 29] {
            let row = data.byUser.range(of: u).map { (item: Int(data.byUser.innerIndices[$0]), value: data.byUser.values[$0]) }
            #expect(try model.foldIn(interactions: row) == model._referenceFoldIn(interactions: row))
        }
    }

    /// Item fold-in against the users: an item of the model folded in from its own training
    /// column gets back the factors and bias of training's last item half-step (which solved it
    /// against the same user factors), for every mode but eALS, which refuses it.
    @Test("foldInItem is the trainer's item half-step, bit for bit", arguments: modes.map(\.0) + ["implicit + frequency λ"])
    func itemEqualsTrainerHalfStep(name: String) throws {
        var config = try #require((Self.modes + [("implicit + frequency λ", FoldInTests.modes[1].1)]).first { $0.0 == name }).1
        if name == "implicit + frequency λ" { config.regularizationExponent = 0.5 }
        config.iterations = 3
        let data = try smallProblem(users: 30, items: 20, count: 200, seed: 13)
        let model = try ALSTrainer(config).fit(data)
        for i in [0, 7, 19] {
            let column = data.byItem.range(of: i).map {
                (id: model.userIDs.externalID(Int(data.byItem.innerIndices[$0])), value: data.byItem.values[$0])
            }
            if config.missingWeightExponent != 0 {
                #expect(throws: ALSError.self) { try model.foldInItem(userIDs: column) }
                continue
            }
            let folded = try model.foldInItem(userIDs: column)
            let trained = Array(model.itemFactors[i * model.factors ..< (i + 1) * model.factors])
            #expect(folded.factors == trained, "\(name), item \(i)")
            if model.hasBiases { #expect(folded.bias == model.itemBiases[i]) }
        }
    }

    @Test("foldingIn(itemID:) appends a new item that similarItems and recommend then know, seen by its users")
    func foldingInItem() throws {
        let (model, data) = try Self.model("implicit")
        let fans = (0 ..< 5).map { (id: model.userIDs.externalID($0), value: Float(2)) }
        let grown = try model.foldingIn(itemID: "1000", userIDs: fans)
        #expect(grown.items == model.items + 1)
        let index = try #require(grown.itemIDs.index(of: "1000"))
        #expect(Array(grown.itemFactors[index * grown.factors ..< (index + 1) * grown.factors])
                == (try model.foldInItem(userIDs: fans)).factors)
        #expect(try grown.similarItems(toID: "1000", k: 3).count == 3)
        // Its fans have seen it, so it is never recommended back to them; the others may get it.
        for u in 0 ..< 5 {
            #expect(!(try grown.recommend(userID: model.userIDs.externalID(u), k: grown.items)).contains { $0.id == "1000" })
        }
        #expect(try grown.recommend(userID: model.userIDs.externalID(10), k: grown.items).contains { $0.id == "1000" })
        // The receiver is unchanged; unknown users are typed errors.
        #expect(model.items == data.items)
        #expect(throws: ALSError.self) { try model.foldInItem(userIDs: [(id: "nobody", value: 1)]) }
    }

    /// Regression: `foldingIn(itemID:)` rebuilt the whole seen matrix once per user of the item
    /// (`settingRow` in a loop, O(users × nonZeros)). `insertingColumn` does it in one pass and
    /// must give what the row-at-a-time edit gave.
    @Test("insertingColumn equals setting each row in turn (random matrices, rows and columns)")
    func insertingColumnMatchesRowEdits() {
        var rng = _SplitMix64(seed: 7)
        for trial in 0 ..< 200 {
            let users = 1 + Int(rng.next() % 12), items = 1 + Int(rng.next() % 9)
            var offsets: [Int64] = [0], indices: [Int32] = []
            for _ in 0 ..< users {
                indices += (0 ..< Int32(items)).filter { _ in rng.next() % 3 == 0 }
                offsets.append(Int64(indices.count))
            }
            let seen = _SeenMatrix(CompressedMatrix(outerCount: users, innerCount: items, outerOffsets: offsets,
                                                    innerIndices: indices, values: [Float](repeating: 1, count: indices.count)))
            let column = Int32(rng.next() % UInt64(items + 1))  // `items`: a column being appended
            let rows = Set((0 ..< users).filter { _ in rng.next() % 2 == 0 })
            var expected = seen
            for u in rows.sorted() {
                var row = expected.items(of: u).map(Int32.init)
                if !row.contains(column) { row.insert(column, at: row.firstIndex { $0 > column } ?? row.count) }
                expected = expected.settingRow(u, to: row)
            }
            let fast = seen.insertingColumn(column, intoRows: rows)
            for u in 0 ..< users { #expect(fast.items(of: u) == expected.items(of: u), "trial \(trial), user \(u)") }
        }
    }

    @Test("training keeps the item counts that fold-in needs, and the counts given per call match them",
          arguments: modes.map(\.0))
    func keepsItemCounts(name: String) throws {
        let (model, data) = try Self.model(name)
        let counts = (0 ..< data.items).map { data.byItem.count(of: $0) }
        #expect(model.itemCounts == (model.foldInNeedsItemCounts ? counts : nil))
        #expect(try model.foldIn(interactions: Self.interactions, itemCounts: counts) == model.foldIn(interactions: Self.interactions))
    }

    @Test("a model without its item counts refuses fold-in until given them (withItemCounts)")
    func missingCounts() throws {
        let (trained, data) = try Self.model("weighted")
        let bare = try ALSModel(factors: trained.factors, userFactors: trained.userFactors, itemFactors: trained.itemFactors,
                                userIDs: trained.userIDs, itemIDs: trained.itemIDs, configuration: trained.configuration)
        #expect(bare.itemCounts == nil)
        #expect(throws: ALSError.self) { try bare.foldIn(interactions: Self.interactions) }
        #expect(throws: ALSError.self) { try bare.recommend(interactions: Self.interactions, k: 3) }
        let counts = (0 ..< data.items).map { data.byItem.count(of: $0) }
        let restored = try bare.withItemCounts(counts)
        #expect(try restored.foldIn(interactions: Self.interactions) == trained.foldIn(interactions: Self.interactions))
        #expect(throws: ALSError.self) { try bare.withItemCounts([1, 2]) }
    }

    @Test("recommend(interactions:) equals recommend on a model with the user appended", arguments: modes.map(\.0))
    func equalsAppendedUser(name: String) throws {
        let (model, _) = try Self.model(name)
        let appended = try model.foldingIn(userID: "100000", interactions: Self.interactions)
        let seen = Self.interactions.map(\.item)
        #expect(try model.recommend(interactions: Self.interactions, k: 8)
            == appended.recommend(user: model.users, k: 8, excludeSeen: .items(seen)))
        #expect(try model.recommend(interactions: Self.interactions, k: 8, excludeSeen: .nothing, deny: [0, 2])
            == appended.recommend(user: model.users, k: 8, excludeSeen: .nothing, deny: [0, 2]))
        #expect(try model.recommend(interactions: Self.interactions, k: 4, allow: [1, 2, 3, 4, 5, 6])
            == appended.recommend(user: model.users, k: 4, excludeSeen: .items(seen), allow: [1, 2, 3, 4, 5, 6]))
        // By external ids.
        let named = Self.interactions.map { (itemID: model.itemIDs.externalID($0.item), value: $0.value) }
        #expect(try model.recommend(interactions: named, k: 8, deny: [model.itemIDs.externalID(0)])
            == appended.recommend(userID: "100000", k: 8, excludeSeen: .items(seen), deny: [model.itemIDs.externalID(0)]))
    }

    @Test("the default leaves the given items out; .interactions is refused for a user not in the model")
    func excludeSeen() throws {
        let (model, data) = try Self.model("implicit")
        let top = try model.recommend(interactions: Self.interactions, k: model.items)
        #expect(top.count == model.items - Set(Self.interactions.map(\.item)).count)
        #expect(!top.contains { Self.interactions.map(\.item).contains($0.index) })
        #expect(try model.recommend(interactions: Self.interactions, k: model.items, excludeSeen: .nothing).count == model.items)
        #expect(throws: ALSError.self) {
            try model.recommend(interactions: Self.interactions, k: 3, excludeSeen: .interactions(data))
        }
        #expect(throws: ALSError.unknownID(kind: "item", id: "no-such-item")) {
            try model.recommend(interactions: [(itemID: "no-such-item", value: 1)], k: 3)
        }
        #expect(throws: ALSError.self) { try model.recommend(interactions: [(item: 1, value: -1)], k: 3) }
    }

    @Test("batch recommend for new users equals the single call for each", arguments: [1, 2])
    func batchEqualsSingle(threads: Int) throws {
        let (model, _) = try Self.model("explicit+biases")
        let users: [[(itemID: String, value: Float)]] = (0 ..< 40).map { j in
            (0 ..< (j % 7)).map { n in (itemID: model.itemIDs.externalID((j * 3 + n * 5) % model.items), value: Float(1 + n)) }
        }
        let batch = try model.recommend(newUsers: users, k: 5, deny: [model.itemIDs.externalID(4)], threads: threads)
        #expect(batch.count == users.count)
        for (j, pairs) in users.enumerated() {
            #expect(batch[j] == (try model.recommend(interactions: pairs, k: 5, deny: [model.itemIDs.externalID(4)])))
        }
        #expect(try model.recommend(newUsers: [], k: 5).isEmpty)
    }

    @Test("concurrent first fold-ins share one Gram and agree")
    func concurrentFirstUse() async throws {
        let (trained, _) = try Self.model("implicit eALS + frequency λ")
        // A fresh model: the Gram is not cached yet, so the tasks race to compute it.
        let model = try trained.withItemCounts(try #require(trained.itemCounts))
        let expected = try trained.recommend(interactions: Self.interactions, k: 6)
        let results = try await withThrowingTaskGroup(of: [Scored].self) { group in
            for _ in 0 ..< 8 { group.addTask { try model.recommend(interactions: Self.interactions, k: 6) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        for r in results { #expect(r == expected) }
    }
}
