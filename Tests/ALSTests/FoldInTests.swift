import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Fold-in of new users without retraining")
struct FoldInTests {
    /// Converged training on a small problem; Cholesky, many iterations.
    func converged(_ config: ALSConfiguration, _ data: InteractionMatrix) throws -> ALSModel {
        var c = config
        c.iterations = 400
        return try ALSTrainer(c).fit(data)
    }

    static let modes: [(String, ALSConfiguration)] = {
        func make(_ mode: ALSConfiguration.Mode, _ edit: (inout ALSConfiguration) -> Void = { _ in }) -> ALSConfiguration {
            var c = ALSConfiguration.plain(mode: mode)
            c.factors = 4
            c.regularization = 2
            edit(&c)
            return c
        }
        return [
            ("explicit+biases", make(.explicit) { $0.biases = true; $0.globalMean = true }),
            ("implicit", make(.implicit) { $0.alpha = 2 }),
            ("implicit eALS + frequency λ", make(.implicit) { $0.missingWeightExponent = 0.5; $0.regularizationExponent = 0.5 }),
            ("weighted", make(.weighted) { $0.walsWeighting = .linear(w0: 0.5, wk: 2) }),
            ("dense", make(.dense)),
        ]
    }()

    @Test("folding in an existing user's own training row reproduces its factors", arguments: modes.map(\.0))
    func reproducesTrainedUser(name: String) throws {
        let config = Self.modes.first { $0.0 == name }!.1
        let data = try smallProblem(users: 30, items: 20, count: 200, seed: 13)
        let model = try converged(config, data)
        let counts = (0 ..< data.items).map { data.byItem.count(of: $0) }
        let k = model.factors
        var worst: Float = 0, scale: Float = 0
        for u in [0, 7, 19] {
            let row = data.byUser.range(of: u).map { (item: Int(data.byUser.innerIndices[$0]), value: data.byUser.values[$0]) }
            let folded = try model.foldIn(interactions: row, itemCounts: counts)
            for d in 0 ..< k {
                worst = max(worst, abs(folded.factors[d] - model.userFactors[u * k + d]))
                scale = max(scale, abs(model.userFactors[u * k + d]))
            }
            if model.hasBiases { worst = max(worst, abs(folded.bias - model.userBiases[u])) }
        }
        #expect(scale > 0)
        #expect(worst <= 1e-4 * max(scale, 1))
    }

    @Test("a folded-in new user is appended, gets recommendations, and the original model is unchanged")
    func appendNewUser() throws {
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = 4; config.regularization = 1; config.iterations = 5
        let data = try smallProblem(users: 30, items: 20, count: 200, seed: 13)
        let model = try ALSTrainer(config).fit(data)
        let updated = try model.foldingIn(userID: "100000", interactions: [(item: 1, value: 3), (item: 4, value: 1)])
        #expect(updated.users == model.users + 1)
        #expect(model.users == 30)
        let index = try #require(updated.userIDs.index(of: "100000"))
        let recs = try updated.recommend(user: index, k: 5, excludeSeen: .items([1, 4]))
        #expect(recs.count == 5)
        #expect(!recs.contains { $0.index == 1 || $0.index == 4 })
    }

    @Test("modes weighted by item counts demand them when the model lacks them; unknown items are typed errors")
    func typedErrors() throws {
        var config = ALSConfiguration.plain(mode: .weighted)
        config.factors = 3; config.iterations = 2
        let data = try smallProblem()
        let model = try ALSTrainer(config).fit(data)
        let bare = try ALSModel(factors: model.factors, userFactors: model.userFactors, itemFactors: model.itemFactors,
                                userIDs: model.userIDs, itemIDs: model.itemIDs, configuration: model.configuration)
        #expect(throws: ALSError.self) { try bare.foldIn(interactions: [(item: 0, value: 1)]) }
        #expect(throws: ALSError.unknownID(kind: "item", id: "99")) {
            try model.foldIn(interactions: [(item: 99, value: 1)], itemCounts: [Int](repeating: 1, count: data.items))
        }
    }
}
