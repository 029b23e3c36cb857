import Dispatch
import Foundation
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS
@testable import ALSTuning

/// 0/1 interactions with a planted rank-3 structure: user u likes item i with probability rising
/// in a_u·b_i, `perUser` items each.
func plantedImplicit(users: Int = 120, items: Int = 80, perUser: Int = 12, seed: UInt64 = 5) throws -> InteractionMatrix {
    var rng = _SplitMix64(seed: seed)
    let u = (0 ..< users).map { _ in (0 ..< 3).map { _ in rng.nextGaussian() } }
    let v = (0 ..< items).map { _ in (0 ..< 3).map { _ in rng.nextGaussian() } }
    var t = Triplets()
    for user in 0 ..< users {
        // Gumbel-top-k over the affinities: a seeded sample without replacement.
        var keyed = (0 ..< items).map { i -> (Double, Int) in
            let affinity = Double(zip(u[user], v[i]).map { $0 * $1 }.reduce(0, +))
            return (2 * affinity - Foundation.log(-Foundation.log(max(rng.nextUnit(), 1e-12))), i)
        }
        keyed.sort { $0.0 > $1.0 }
        for (_, item) in keyed.prefix(perUser) {
            t.users.append(Int32(user))
            t.items.append(Int32(item))
            t.values.append(1)
        }
    }
    return try InteractionMatrix(users: users, items: items, triplets: t)
}

@Suite("Automatic search: seeded, within its budget, validation only, every axis it may touch")
struct AutoSearchTests {
    func search(_ mode: ALSConfiguration.Mode, budget: Double, seed: UInt64 = 1) -> AutoSearch {
        var base = ALSConfiguration(mode: mode)
        base.threads = 1
        base.iterations = 6
        var s = AutoSearch(base: base, metric: mode == .explicit ? .rmse : .ndcg(k: 5), budget: budget)
        s.seed = seed
        s.largestFactors = 64
        return s
    }

    /// The state of an implicit search on the default planted data, before any trial.
    func searchRun(budget: Double) throws -> _SearchRun {
        let s = search(.implicit, budget: budget)
        let split = try Splits.validation(from: try plantedImplicit(), fraction: s.validationFraction, seed: s.splitSeed)
        return _SearchRun(search: s, validation: split, refitScale: 1.25, progress: nil)
    }

    /// An implicit search within 120 s on 200 × 160 planted interactions (14 a user), doubling
    /// the factor count up to `largestFactors`.
    func plantedSearch(largestFactors: Int) throws -> AutoSearch.Result {
        let data = try plantedImplicit(users: 200, items: 160, perUser: 14)
        var s = search(.implicit, budget: 120)
        s.largestFactors = largestFactors
        return try s.run(train: data)
    }

    @Test("the same seed gives the same trials and the same choice; the plan completes within an ample budget")
    func deterministic() throws {
        let data = try plantedImplicit()
        let a = try search(.implicit, budget: 120).run(train: data)
        let b = try search(.implicit, budget: 120).run(train: data)
        #expect(!a.budgetCut && !b.budgetCut)
        #expect(a.trials.count == b.trials.count && a.trials.count > 20)
        #expect(a.trials.map(\.configuration) == b.trials.map(\.configuration))
        #expect(a.trials.map(\.value) == b.trials.map(\.value))
        #expect(a.best == b.best)
        // Every phase ran, and the capacity phase doubled the placement's factor count.
        let phases = Set(a.trials.map(\.phase))
        #expect(phases == [.placement, .refinement, .capacity, .polish])
        #expect(a.trials.contains { $0.phase == .capacity && $0.configuration.factors == 64 })
        // The finalists were scored again on a second split, and the winner is one of them.
        let confirmed = a.trials.indices.filter { a.trials[$0].confirmation != nil }
        #expect(confirmed.count >= 2 && a.best.map(confirmed.contains) == true)
        // Another seed samples other configurations.
        let c = try search(.implicit, budget: 120, seed: 2).run(train: data)
        #expect(c.trials.map(\.configuration) != a.trials.map(\.configuration))
    }

    @Test("the search spans decades of λ and α, plain and frequency-scaled λ, and β")
    func space() throws {
        let data = try plantedImplicit()
        let r = try search(.implicit, budget: 120).run(train: data)
        let placed = r.trials.filter { $0.phase == .placement }.map(\.configuration)
        let lambdas = placed.map { Double($0.regularization) }, alphas = placed.map { Double($0.alpha) }
        #expect(lambdas.max()! / lambdas.min()! > 100 && alphas.max()! / alphas.min()! > 100)
        #expect(Set(placed.map(\.regularizationExponent)) == [0, 1])
        #expect(placed.contains { $0.missingWeightExponent == 0 } && placed.contains { $0.missingWeightExponent > 0 })
        // 0/1 values: the confidence kind is not searched (it is a reparametrisation there).
        #expect(Set(placed.map(\.confidence)).count == 1)
        // The winner is a finalist near the top, well above the median trial.
        let best = try #require(r.best.flatMap { r.trials[$0].value })
        let values = r.trials.compactMap(\.value).sorted()
        #expect(best >= values[values.count * 9 / 10] && best > values[values.count / 2])
    }

    @Test("fixed hyperparameters keep their values in every trial")
    func fixedAxes() throws {
        let data = try plantedImplicit()
        var s = search(.implicit, budget: 120)
        s.base.factors = 8
        s.base.alpha = 3
        s.fixed = [.factors, .alpha]
        let r = try s.run(train: data)
        #expect(r.trials.allSatisfy { $0.configuration.factors == 8 && $0.configuration.alpha == 3 })
        #expect(!r.trials.contains { $0.phase == .capacity })
    }

    @Test("explicit mode searches λ and the bias λ, never α")
    func explicitMode() throws {
        let data = try lowRankRatings()
        let r = try search(.explicit, budget: 120).run(train: data)
        #expect(r.trials.allSatisfy { $0.configuration.alpha == ALSConfiguration(mode: .explicit).alpha && $0.configuration.biases })
        #expect(Set(r.trials.compactMap(\.configuration.biasRegularization)).count > 10)
        let best = try #require(r.best.flatMap { r.trials[$0].value })
        // The rank-2 signal: far better than the spread of the ratings.
        #expect(best < 0.9 * r.trials.compactMap(\.value).max()!)
    }

    @Test("budgetCutBeforeAnyFigure: a budget that ends before a figure counts still chooses, at the pruning figure's iterations, and says it cut the plan (the whole suite under ASan)")
    func budgetCutBeforeAnyFigure() throws {
        let s = search(.implicit, budget: 1000)
        let validation = try Splits.validation(from: try plantedImplicit(), fraction: s.validationFraction, seed: s.splitSeed)
        var run = _SearchRun(search: s, validation: validation, refitScale: 1, progress: nil)
        var probe = _SearchPoint()
        probe.factors = 8
        let (index, fit) = run.begin(probe, phase: .placement)
        var f = try #require(fit)
        #expect(run.advance(index, &f, to: run.rungs[0], end: 1000) != nil)
        #expect(run.best == nil)  // the first rung prunes; its figure does not count
        run.stopped(at: run.searchEnd)
        #expect(run.budgetCut)
        run.fallBackToPruningFigures()
        #expect(run.best == index)
        #expect(run.trials[index].value == run.lastFigures[index])
        #expect(run.trials[index].configuration.iterations == run.rungs[0])
    }

    @Test("capacityRetriesPrunedHedges: a distant configuration that successive halving pruned at one factor count is not trained again at a larger one")
    func capacityRetriesPrunedHedges() throws {
        let r = try plantedSearch(largestFactors: 256)
        #expect(!r.budgetCut)
        // The same point at another count: factor count, rung and the solver chosen by count aside.
        let key = _SearchRun.countFree
        let placed = r.trials.filter { $0.phase == .placement }.map { key($0.configuration) }
        let capacity = r.trials.filter { $0.phase == .capacity }
        let counts = Set(capacity.map(\.configuration.factors)).sorted()
        #expect(counts.count >= 2)  // the check needs two doublings
        // The hedges: capacity trials of a placed configuration (the centre's neighbours are new points).
        let hedges = capacity.filter { placed.contains(key($0.configuration)) }
        #expect(!hedges.isEmpty)
        // Pruned: short of the iterations the level's best trained to (its last rung).
        func lastRung(_ factors: Int) -> Int { capacity.filter { $0.configuration.factors == factors }.map(\.iterationsTrained).max() ?? 0 }
        for h in hedges where h.failure == nil && h.iterationsTrained < lastRung(h.configuration.factors) {
            let again = capacity.filter { key($0.configuration) == key(h.configuration) && $0.configuration.factors > h.configuration.factors }
            #expect(again.isEmpty, "pruned at \(h.configuration.factors) factors, trained again at \(again.map(\.configuration.factors))")
        }
    }

    @Test("capacityNeighboursGoBothWays: at a new factor count the centre's neighbours move λ and α down as well as up, and skip retired configurations")
    func capacityNeighboursGoBothWays() throws {
        let run = try searchRun(budget: 60)
        var centre = _SearchPoint()
        centre.factors = 64
        centre.missingExponent = 0.2
        let all = run.neighbours(centre, count: 7)
        #expect(all.count == 7)
        #expect(all.first == centre)
        #expect(all.contains { $0.logRho < centre.logRho })
        #expect(all.contains { $0.logRho > centre.logRho })
        #expect(all.contains { $0.logConfidence < centre.logConfidence })
        #expect(all.contains { $0.logConfidence > centre.logConfidence })
        #expect(all.contains { $0.missingExponent == 0 })
        // A retired configuration (pruned at another count) is skipped, the count masked; the centre never.
        var smaller = all[1]
        smaller.factors = 32
        let retired = [_SearchRun.countFree(run.configuration(smaller)), _SearchRun.countFree(run.configuration(centre))]
        let rest = run.neighbours(centre, count: 7, retired: retired)
        #expect(rest.first == centre)
        #expect(!rest.contains(all[1]))
        #expect(rest.count == 6)
    }

    @Test("confirmationFinalistsApart: the finalists confirmed on a second split are not near-copies of each other (on ml100k-implicit all three were one point)")
    func confirmationFinalistsApart() throws {
        let r = try plantedSearch(largestFactors: 128)
        let confirmed = r.trials.filter { $0.confirmation != nil }.map(\.configuration)
        #expect(confirmed.count >= 2)
        func decades(_ a: Float, _ b: Float) -> Double { abs(Foundation.log10(Double(max(a, 1e-12)) / Double(max(b, 1e-12)))) }
        for (i, a) in confirmed.enumerated() {
            for b in confirmed[(i + 1)...] {
                let copies = a.factors == b.factors && a.regularizationExponent == b.regularizationExponent
                    && a.confidence == b.confidence && decades(a.regularization, b.regularization) < 0.1
                    && decades(a.alpha, b.alpha) < 0.1 && abs(a.missingWeightExponent - b.missingWeightExponent) < 0.05
                #expect(!copies, "finalists \(a) and \(b) are one point")
            }
        }
    }

    @Test("the search keeps time for the confirmation while two trainings of the best fit in a sixth of the budget, and none beyond")
    func confirmationReserve() throws {
        var run = try searchRun(budget: 120)
        #expect(run.confirmationReserve == 0)  // no best yet
        var c = ALSConfiguration(mode: .implicit)
        c.iterations = 5
        // 1 s per iteration: two 5-iteration trainings with the 10 % margin take 11 s ≤ 120 / 6.
        run.trials = [AutoSearch.Trial(number: 1, phase: .capacity, configuration: c, value: 0.3, iterationsTrained: 5, seconds: 5, failure: nil)]
        run.points = [_SearchPoint()]
        run.best = 0
        #expect(abs(run.confirmationReserve - 11) < 1e-9)
        #expect(abs(run.budgetEnd - (120 - run.refitReserve - 11)) < 1e-9)
        // 2 s per iteration: 22 s > 20 s, so the search may use the time.
        run.trials[0].seconds = 10
        #expect(run.confirmationReserve == 0)
        #expect(abs(run.budgetEnd - (120 - run.refitReserve)) < 1e-9)
    }

    @Test("a budget too small for the plan is respected within 10 %, and says it cut the plan")
    func budget() throws {
        let data = try plantedImplicit(users: 600, items: 400, perUser: 30)
        var s = search(.implicit, budget: 4)
        s.largestFactors = 512
        s.base.threads = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let r = try s.run(train: data)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let (cut, chose) = (r.budgetCut, r.best != nil)
        #expect(cut)
        #expect(seconds <= 4 * 1.1)
        #expect(chose)
    }
}
