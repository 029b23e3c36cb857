@_spi(Engine) import ALS
import Dispatch

/// Chooses hyperparameters within a wall-clock budget, on a validation split carved from the
/// train matrix (`Splits.validation`), never looking at any test data. What `als tune` runs when
/// no grid is given.
///
/// The method. Each trial trains on the validation split's train part and is scored on its
/// held-out part with `metric`. A pass has five phases:
///
/// 1. **Placement** at a small factor count (32, or 16 in explicit mode): configurations drawn
///    by a seeded Latin hypercube over the whole scale-free space (`_SearchPoint`: λ and α over
///    three to four decades on log scales, plain and frequency-scaled λ, popularity-weighted
///    missing data, the confidence kind when the values are not 0/1, the bias λ), pruned by
///    successive halving (Jamieson and Talwalkar 2016; one Hyperband bracket): every
///    configuration trains a fifth of the iterations, the best third goes on to half, the best
///    ninth to all of them. How many (6 to 54) follows from one timed probe. Small k is where λ
///    and α are cheap to place.
/// 2. **Refinement**: rounds of configurations drawn around the three best so far, with steps
///    that halve each round (coarse to fine), pruned the same way.
/// 3. **Capacity**: doubling factor counts (the conjugate-gradient solver from 64) while the
///    best figure at the new count beats the last count's by 0.3 % (two misses end it) and the
///    predicted time of the next count fits; at each count, λ and α are placed again among the
///    centre's neighbours (moves up and down in λ and α) and two distant earlier configurations,
///    by successive halving (a placed configuration that halving prunes at one count is not
///    tried at the next).
/// 4. **Polish** at the best factor count: λ and α moved by ±¼ decade, then ±⅛, and so on.
/// 5. **Refinement at the chosen factor count**, while time remains.
///
/// The placement and refinement take at most a quarter and a tenth of a pass's time. Up to three
/// passes run within 88 % of the budget, the placement factor count four times larger each time:
/// where a pass ends early (small data), the rest of the budget looks again from larger models,
/// where the best λ and α can lie elsewhere; on large data the first pass takes it all. Of the trials within
/// 0.1 % of the best figure, the one with the fewest factors leads; then three finalists apart
/// from each other (another factor count, or a fifth of a decade away) are confirmed on a second
/// validation split and the best mean of the two figures wins (`confirm(train:)`).
///
/// The budget covers the whole search and the refit on all of the train matrix that follows it:
/// the search stops early enough to leave the refit's predicted time, and the confirmation's
/// while two trainings of the best take at most a sixth of the budget. The result depends only on
/// the data, the configuration and `seed` as long as the plan completes within the budget: the
/// trials are seeded and their figures do not depend on the thread count, and the plan's sizes
/// follow from timed probes rounded down to multiples of six trials. When the budget cuts the
/// plan short, `Result.budgetCut` says so, and a faster or slower machine may stop elsewhere.
public struct AutoSearch: Sendable {
    /// The search phases, in order.
    public enum Phase: String, Sendable, Codable {
        case placement, refinement, capacity, polish
        /// The finalists on a second validation split (a status, not a trial's phase).
        case confirmation
    }

    /// One trained configuration.
    public struct Trial: Sendable {
        /// 1-based, in the order trained.
        public var number: Int
        public var phase: Phase
        /// The configuration, its `iterations` set to where it scored `value` best.
        public var configuration: ALSConfiguration
        /// The best validation figure over the iterations it was scored at, or nil.
        public var value: Double?
        /// Iterations trained before it was scored for the last time or pruned.
        public var iterationsTrained: Int
        /// Seconds spent training and scoring it.
        public var seconds: Double
        /// Why it has no figure (a numerical failure, or `Trial.stoppedByBudget`), else nil.
        public var failure: String?
        /// The `failure` of a trial the deadline stopped before its first counted figure.
        public static let stoppedByBudget = "stopped by the budget"
        /// Its figure on a second validation split (another seed), for the finalists.
        public var confirmation: Double? = nil
    }

    /// What the search reports after each scoring.
    public struct Status: Sendable {
        public var trials: Int
        public var phase: Phase
        public var best: Double?
        public var elapsed: Double
        /// Seconds left of the search's share of the budget (the refit's reserve excluded).
        public var remaining: Double
    }

    public struct Result: Sendable {
        public var trials: [Trial]
        /// Index in `trials` of the best figure, nil when every trial failed.
        public var best: Int?
        /// The split the trials were scored on.
        public var validation: DataSplit
        /// Wall-clock seconds of the search.
        public var seconds: Double
        /// True when the budget ended the search before its plan was done.
        public var budgetCut: Bool
    }

    /// Every hyperparameter in `fixed` (and the mode) keeps this configuration's value.
    public var base: ALSConfiguration
    /// The hyperparameters not searched.
    public var fixed: Set<HyperparameterGrid.Parameter>
    /// Keep `base.confidence` instead of searching the confidence kind.
    public var keepConfidence: Bool = false
    /// Keep `base.solver` instead of choosing it by factor count.
    public var keepSolver: Bool = false
    public var metric: EvaluationMetric
    /// Wall-clock seconds for the search and the refit that follows it.
    public var budget: Double
    /// Seed of the sampled configurations (the factor initialisation uses `base.seed`).
    public var seed: UInt64 = 1
    /// Fraction of each user's train interactions held out for validation. Default 0.2, as
    /// `GridSearch`.
    public var validationFraction: Double = Splits.defaultValidationFraction
    /// Seed of the validation split.
    public var splitSeed: UInt64 = 1
    /// Bounds of rating predictions for the rating metrics, or nil.
    public var clamp: ClosedRange<Float>? = nil
    /// The largest factor count the capacity phase tries. Default 2048.
    public var largestFactors = 2048

    public init(base: ALSConfiguration, fixed: Set<HyperparameterGrid.Parameter> = [], metric: EvaluationMetric,
                budget: Double) {
        self.base = base
        self.fixed = fixed
        self.metric = metric
        self.budget = budget
    }

    /// The budget `als tune` uses when none is given: a minute plus five per million non-zeros,
    /// at most an hour.
    public static func defaultBudget(nonZeros: Int) -> Double {
        min(3600, 60 + 300 * Double(nonZeros) / 1e6)
    }

    /// Runs the search on `train`. `progress` is called after every scoring, on the calling
    /// thread. Throws when the base configuration is invalid or the validation split is empty;
    /// a configuration that fails numerically is recorded as a failed trial.
    public func run(train: InteractionMatrix, progress: ((Status) -> Void)? = nil) throws -> Result {
        try base.validate()
        guard budget > 0, budget.isFinite else {
            throw ALSError.invalidConfiguration(parameter: "budget", reason: "must be a positive number of seconds (got \(budget))")
        }
        let validation = try Splits.validation(from: train, fraction: validationFraction, seed: splitSeed)
        guard validation.test.nonZeros > 0 else {
            throw ALSError.invalidConfiguration(
                parameter: "validationFraction",
                reason: "\(validationFraction) of each user's interactions leaves no validation entry; raise it (each user sends floor(n · fraction) entries)")
        }
        var run = _SearchRun(search: self, validation: validation,
                             refitScale: Double(train.nonZeros) / Double(max(validation.train.nonZeros, 1)),
                             progress: progress)
        try run.passes()
        run.fallBackToPruningFigures()
        run.preferSmaller()
        try run.confirm(train: train)
        return Result(trials: run.trials, best: run.best, validation: validation, seconds: run.elapsed,
                      budgetCut: run.budgetCut)
    }
}

/// The state of one `AutoSearch.run`.
struct _SearchRun {
    typealias Trial = AutoSearch.Trial
    let search: AutoSearch
    let validation: DataSplit
    let scale: _DataScale
    /// Train non-zeros over validation-fit non-zeros: how much longer the refit takes.
    let refitScale: Double
    let progress: ((AutoSearch.Status) -> Void)?
    let start = DispatchTime.now().uptimeNanoseconds
    let confidences: [ALSConfiguration.Confidence]
    /// Successive-halving rungs: iterations at which configurations are scored.
    let rungs: [Int]
    var placementFactors: Int
    /// The fewest iterations a configuration is chosen with: the middle rung.
    var countedIterations: Int { rungs[rungs.count / 2] }
    /// The current pass's window of the budget, in seconds since the start.
    var windowStart = 0.0
    var windowEnd = 0.0

    var trials: [Trial] = []
    var points: [_SearchPoint] = []
    var best: Int? = nil
    var budgetCut = false
    /// True when a phase of the current pass was cut short.
    var passCut = false
    var rng: _SplitMix64
    /// Seconds per iteration and per scoring measured at the placement factor count.
    var iterationSeconds = 0.0
    var scoreSeconds = 0.0
    /// Rounds of refinement: a third of the placement's trials or fewer (six trials a round).
    var refinementRounds = 0

    init(search: AutoSearch, validation: DataSplit, refitScale: Double, progress: ((AutoSearch.Status) -> Void)?) {
        self.search = search
        self.validation = validation
        self.refitScale = refitScale
        self.progress = progress
        scale = _DataScale(validation.train, epsilon: search.base.confidenceEpsilon)
        confidences = search.keepConfidence || scale.constantValues ? [search.base.confidence] : [.scaled, .log]
        let last = search.base.iterations
        rungs = Array(Set([max(1, last / 5), max(1, last / 2), last])).sorted()
        placementFactors = search.fixed.contains(.factors) ? search.base.factors
            : min(search.base.mode == .explicit ? 16 : 32, search.largestFactors)
        rng = _SplitMix64(seed: search.seed &+ 0x5EA2C4)
    }

    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Seconds the refit of the best configuration so far is predicted to take, with a margin.
    var refitReserve: Double {
        guard let b = best else { return 0 }
        let t = trials[b]
        let perIteration = t.seconds / Double(max(t.iterationsTrained, 1))
        return 1.2 * (perIteration * Double(t.configuration.iterations) * refitScale + scoreSeconds)
    }

    /// The end of the search's share of the budget.
    var budgetEnd: Double { search.budget - refitReserve - confirmationReserve }

    /// Seconds two confirmation trainings of the best configuration so far are predicted to take,
    /// or 0 when they would take more than a sixth of the budget. Trainings that long mean large
    /// data, whose validation split already scores precisely (on Gowalla's 29,858 users two
    /// splits differed by 0.002 on one configuration, against 0.019 on ml100k-implicit's 943), and
    /// the time is worth more to the search at the chosen size: kept for the confirmation, it
    /// left Gowalla's 1,024-factor level three trials and no polish, then could not confirm
    /// anyway. The confirmation still runs when time is left (`confirm(train:)`).
    var confirmationReserve: Double {
        guard let b = best else { return 0 }
        let t = trials[b]
        let two = 2 * (1.1 * t.seconds / Double(max(t.iterationsTrained, 1)) * Double(t.configuration.iterations) + scoreSeconds)
        return two <= search.budget / 6 ? two : 0
    }
    /// The end of the current pass (never past the budget's).
    var searchEnd: Double { min(budgetEnd, windowEnd) }
    var remaining: Double { budgetEnd - elapsed }
    /// The end of the placement and of the refinement in the current pass.
    var placementEnd: Double { min(searchEnd, windowStart + 0.25 * (windowEnd - windowStart)) }
    var refinementEnd: Double { min(searchEnd, windowStart + 0.35 * (windowEnd - windowStart)) }

    /// Records that the plan was cut short at `end`, when that is the end of the budget's
    /// share for the search (not a phase's end). Every pass's window ends at that share, so a
    /// stop there is the budget's doing even before any figure has reserved a refit.
    mutating func stopped(at end: Double = .infinity) {
        passCut = true
        if end >= searchEnd - 1e-6 { budgetCut = true }
    }

    /// When the budget ran out before any figure counted (a slow machine, a tiny budget), the
    /// best pruning figure stands in for one, at the iterations it was measured after, so that
    /// the search still chooses a trained configuration; `budgetCut` says the plan was cut.
    mutating func fallBackToPruningFigures() {
        guard best == nil else { return }
        var pick: Int? = nil
        for i in trials.indices where isBetter(lastFigures[i], than: pick.flatMap { lastFigures[$0] }) { pick = i }
        guard let i = pick, let value = lastFigures[i] else { return }
        trials[i].value = value
        trials[i].configuration.iterations = max(1, trials[i].iterationsTrained)
        best = i
    }

    func deadline(_ seconds: Double) -> UInt64 {
        start + UInt64(max(0, seconds) * 1e9)
    }

    func isBetter(_ a: Double?, than b: Double?) -> Bool {
        guard let a, !a.isNaN else { return false }
        guard let b else { return true }
        return search.metric.isBetter(a, than: b)
    }

    var bestValue: Double? { best.flatMap { trials[$0].value } }

    // MARK: Trials

    /// A configuration of a point, with the solver chosen by factor count unless kept.
    func configuration(_ p: _SearchPoint) -> ALSConfiguration {
        var c = p.configuration(search.base, fixed: search.fixed, keepConfidence: search.keepConfidence, scale: scale)
        if !search.keepSolver { c.solver = ALSConfiguration.recommendedSolver(factors: c.factors) }
        return c
    }

    /// Starts a trial; returns its index and its fit, or nil when the configuration fails.
    mutating func begin(_ p: _SearchPoint, phase: AutoSearch.Phase) -> (Int, _ResumableFit?) {
        let c = configuration(p)
        let index = trials.count
        trials.append(Trial(number: index + 1, phase: phase, configuration: c, value: nil, iterationsTrained: 0,
                            seconds: 0, failure: nil))
        points.append(p)
        do {
            // Until its first iteration is timed, a fit expects the placement's time per iteration
            // grown with the square of the factor count.
            let growth = Double(c.factors) / Double(max(placementFactors, 1))
            let expected = iterationSeconds * growth * growth
            return (index, try _ResumableFit(configuration: c, data: validation.train, expectedIterationSeconds: expected))
        } catch {
            trials[index].failure = "\(error)"
            return (index, nil)
        }
    }

    /// Trains trial `index` to `iterations` and scores it. Returns the figure, nil on failure
    /// or when the budget ran out first.
    mutating func advance(_ index: Int, _ fit: inout _ResumableFit, to iterations: Int, end: Double) -> Double? {
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer { trials[index].seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
        do {
            guard try fit.advance(to: iterations, deadline: deadline(end)) else {
                stopped(at: end)
                if trials[index].value == nil { trials[index].failure = Trial.stoppedByBudget }
                return nil
            }
            trials[index].iterationsTrained = fit.iterations
            let s0 = DispatchTime.now().uptimeNanoseconds
            let value = try search.metric.evaluate(try fit.model(), on: validation, clamp: search.clamp,
                                                   threads: trials[index].configuration.threads)
            let scored = Double(DispatchTime.now().uptimeNanoseconds - s0) / 1e9
            lastFigures[index] = value.isNaN ? nil : value
            if trials[index].configuration.factors == placementFactors { scoreSeconds = max(scoreSeconds, scored) }
            // A figure counts from the middle rung on (the first is for pruning only: a few
            // iterations from a random start flatter strongly regularised configurations), and
            // only at the last when the iterations are fixed.
            let counts = search.fixed.contains(.iterations) ? iterations == search.base.iterations : iterations >= countedIterations
            if counts, !value.isNaN, isBetter(value, than: trials[index].value) {
                trials[index].value = value
                trials[index].configuration.iterations = iterations
            }
            if counts, isBetter(value, than: bestValue) { best = index }
            report(trials[index].phase)
            return value
        } catch {
            trials[index].failure = "\(error)"
            report(trials[index].phase)
            return nil
        }
    }

    func report(_ phase: AutoSearch.Phase) {
        progress?(AutoSearch.Status(trials: trials.count, phase: phase, best: bestValue, elapsed: elapsed,
                                    remaining: max(0, remaining)))
    }

    /// Successive halving over `candidates`: all train to the first rung, the best third of
    /// those scored goes on to the next, and so on. New work starts only before `end`.
    mutating func halving(_ candidates: [_SearchPoint], started: [(index: Int, fit: _ResumableFit)] = [],
                          phase: AutoSearch.Phase, end softEnd: Double, rungs custom: [Int]? = nil) {
        let rungs = custom ?? self.rungs
        // A phase's own end holds only once some trial has a figure; before that, the budget's.
        var end: Double { best == nil ? searchEnd : softEnd }
        var alive = started
        for p in candidates {
            if elapsed >= end { stopped(at: end); break }
            let (index, fit) = begin(p, phase: phase)
            guard var fit else { continue }
            if advance(index, &fit, to: rungs[0], end: end) != nil { alive.append((index, fit)) }
        }
        for rung in rungs.dropFirst() {
            let ranked = alive.sorted { a, b in
                isBetter(lastFigure(a.index), than: lastFigure(b.index)) || (lastFigure(a.index) == lastFigure(b.index) && a.index < b.index)
            }
            alive = Array(ranked.prefix(max(1, (ranked.count + 2) / 3)))
            var next: [(index: Int, fit: _ResumableFit)] = []
            for var entry in alive {
                if elapsed >= end { stopped(at: end); return }
                if advance(entry.index, &entry.fit, to: rung, end: end) != nil { next.append(entry) }
            }
            alive = next
        }
    }

    /// The figure a trial scored at its last scoring (what successive halving ranks by).
    var lastFigures: [Int: Double] = [:]
    func lastFigure(_ index: Int) -> Double? { lastFigures[index] ?? trials[index].value }

    // MARK: Phases

    /// Up to three passes, each placing λ and α at four times the factor count of the one
    /// before (the same count when it is fixed) and going on from there, all within 88 % of the
    /// budget (the rest is the confirmation's): when a pass ends early, as on small data, the
    /// rest of the budget looks again from a larger model, where the best λ and α can lie
    /// elsewhere; on large data the first pass takes it all.
    mutating func passes() throws {
        let rank = min(validation.train.users, validation.train.items)
        for pass in 0 ..< 3 {
            let share = 0.88
            if pass > 0 {
                // Only a pass that ran its whole plan leaves time worth another.
                guard !passCut, !budgetCut else { return }
                if !search.fixed.contains(.factors) {
                    let next = placementFactors * 4
                    guard next <= min(search.largestFactors, 2 * rank) else { return }
                    placementFactors = next
                }
            }
            windowStart = elapsed
            windowEnd = share * search.budget
            passCut = false
            let first = trials.count
            try placement()
            try refinement()
            try capacity(from: first)
            try polish()
            try refinement(atChosenFactors: true)
        }
    }

    mutating func placement() throws {
        let dimensions = 6
        // Latin hypercube: each coordinate's n strata in a seeded random order.
        func plan(_ n: Int) -> [_SearchPoint] {
            var strata = (0 ..< dimensions).map { _ in Array(0 ..< n) }
            for d in 0 ..< dimensions { rng.choose(n, from: &strata[d]) }
            return (0 ..< n).map { i in
                _SearchPoint.sample((0 ..< dimensions).map { d in (Double(strata[d][i]) + rng.nextUnit()) / Double(n) },
                                    factors: placementFactors, confidences: confidences)
            }
        }
        // One probe (the default configuration's neighbourhood: the centre of the space) times
        // an iteration and a scoring; the plan's size follows from them.
        var probe = _SearchPoint()
        probe.factors = placementFactors
        probe.confidence = confidences[0]
        let (index, fit) = begin(probe, phase: .placement)
        guard var fit, advance(index, &fit, to: rungs[0], end: searchEnd) != nil else { return }
        iterationSeconds = fit.seconds / Double(max(fit.iterations, 1))
        var steps = Double(rungs[0]), scorings = 1.0, share = 1.0
        for (a, b) in zip(rungs, rungs.dropFirst()) {
            share /= 3
            steps += share * Double(b - a)
            scorings += share
        }
        let perTrial = max(1e-3, steps * iterationSeconds + scorings * scoreSeconds)
        let count = min(54, max(6, Int(0.8 * (placementEnd - elapsed) / perTrial) / 6 * 6))
        refinementRounds = min(3, max(1, count / 18))
        halving(plan(count - 1), started: [(index, fit)], phase: .placement, end: placementEnd)
    }

    /// Rounds of six configurations drawn around the three best so far (two each), with steps
    /// that halve each round, pruned by successive halving: at the placement's factor count
    /// right after it, and, with `atChosenFactors`, at the chosen factor count once the other
    /// phases are done, while the budget lasts (three rounds at most).
    mutating func refinement(atChosenFactors: Bool = false) throws {
        var width = atChosenFactors ? 0.3 : 0.5
        for _ in 0 ..< (atChosenFactors ? 3 : refinementRounds) {
            let end = atChosenFactors ? searchEnd : refinementEnd
            guard elapsed < end else { stopped(at: end); return }
            guard let b = best else { return }
            let factors = atChosenFactors ? points[b].factors : placementFactors
            let top = topTrials(3, factors: factors)
            var candidates: [_SearchPoint] = []
            for t in top {
                for _ in 0 ..< 2 { candidates.append(points[t].perturbed(width: width, rng: &rng)) }
            }
            if atChosenFactors {
                // About four full trainings of the chosen size, and its refit, must fit.
                let t = trials[b]
                let full = t.seconds / Double(max(t.iterationsTrained, 1)) * Double(laterRungs.last ?? 1)
                guard elapsed + 4 * full < searchEnd else { stopped(at: searchEnd); return }
                halving(candidates, phase: .polish, end: end, rungs: laterRungs)
            } else {
                halving(candidates, phase: .refinement, end: end)
            }
            width /= 2
        }
    }

    /// Confirmation: the finalists (`finalists(3)`: the best trial and the two best others apart
    /// from it) train again on a second validation split carved with another seed, and the best
    /// mean of the two figures wins (ties to fewer factors). With well over a hundred trials
    /// scored on one split, the best of them is partly the luckiest; a second, independent split
    /// takes that luck out of the choice. Finalists are confirmed in order while the budget holds
    /// them and the refit (the search keeps time for two while they take at most a sixth of the
    /// budget, `confirmationReserve`); with fewer than two confirmed, the choice stands.
    mutating func confirm(train: InteractionMatrix) throws {
        guard best != nil else { return }
        windowEnd = search.budget
        let finalists = finalists(3)
        let second = try Splits.validation(from: train, fraction: search.validationFraction, seed: search.splitSeed &+ 0x9E37)
        var confirmed: [Int] = []
        for i in finalists {
            let t = trials[i]
            let predicted = 1.2 * t.seconds / Double(max(t.iterationsTrained, 1)) * Double(t.configuration.iterations) + scoreSeconds
            guard elapsed + predicted + refitReserve < search.budget else { stopped(); break }
            var fit: _ResumableFit
            do { fit = try _ResumableFit(configuration: t.configuration, data: second.train) } catch { continue }
            do {
                guard try fit.advance(to: t.configuration.iterations, deadline: deadline(search.budget - refitReserve)) else { stopped(); break }
                let v = try search.metric.evaluate(try fit.model(), on: second, clamp: search.clamp, threads: t.configuration.threads)
                if !v.isNaN {
                    trials[i].confirmation = v
                    confirmed.append(i)
                }
            } catch {
                continue
            }
            report(.confirmation)
        }
        guard confirmed.count >= 2 else { return }
        func mean(_ i: Int) -> Double { ((trials[i].value ?? .nan) + (trials[i].confirmation ?? .nan)) / 2 }
        best = confirmed.min { a, c in
            if mean(a) != mean(c) { return search.metric.isBetter(mean(a), than: mean(c)) }
            return trials[a].configuration.factors < trials[c].configuration.factors
        }
    }

    /// The best trial and, best first, up to `n - 1` others each apart from all chosen before it:
    /// another factor count, the other kind of λ or confidence, or a coordinate (λ, α, β, the
    /// bias λ) a fifth of a decade or more away. The polish's last steps are an eighth of a decade
    /// and less, so the runners-up by figure are often copies of the best within the split's
    /// noise (on ml100k-implicit all three finalists had 1,024 factors and λ and α within 2 %);
    /// confirming them would choose among one point. Apart finalists put the choice that matters,
    /// the factor count and the region, to the second split.
    func finalists(_ n: Int) -> [Int] {
        guard let b = best else { return [] }
        func apart(_ i: Int, _ j: Int) -> Bool {
            let p = points[i], q = points[j]
            return p.factors != q.factors || p.frequencyScaled != q.frequencyScaled || p.confidence != q.confidence
                || abs(p.logRho - q.logRho) >= 0.2 || abs(p.logConfidence - q.logConfidence) >= 0.2
                || abs(p.missingExponent - q.missingExponent) >= 0.1 || abs(p.logBiasRatio - q.logBiasRatio) >= 0.2
        }
        var result = [b]
        for i in topTrials(trials.count) where result.count < n && result.allSatisfy({ apart($0, i) }) {
            result.append(i)
        }
        return result
    }

    /// Among the trials within 0.1 % of the best figure, the one with the fewest factors (then
    /// the earliest): a figure that close is noise, and the smaller model is cheaper to train
    /// and to serve.
    mutating func preferSmaller() {
        guard let b = best, let v = trials[b].value else { return }
        let close = trials.indices.filter { i in
            guard let w = trials[i].value else { return false }
            return abs(w - v) <= 0.001 * abs(v)
        }
        if let smallest = close.min(by: { (trials[$0].configuration.factors, $0) < (trials[$1].configuration.factors, $1) }) {
            best = smallest
        }
    }

    /// The indices of the `n` best trials with distinct points (at `factors`, when given), best first.
    func topTrials(_ n: Int, factors: Int? = nil) -> [Int] {
        let scored = trials.indices.filter { trials[$0].value != nil && (factors == nil || points[$0].factors == factors) }
        let sorted = scored.sorted { isBetter(trials[$0].value, than: trials[$1].value) || (trials[$0].value == trials[$1].value && $0 < $1) }
        var seen: [_SearchPoint] = []
        var result: [Int] = []
        for i in sorted where !seen.contains(points[i]) {
            seen.append(points[i])
            result.append(i)
            if result.count == n { break }
        }
        return result
    }

    /// Trains `p` for the best trial's iterations and scores it.
    /// Returns false when the budget cannot hold it.
    mutating func single(_ p: _SearchPoint, phase: AutoSearch.Phase, predicted: Double) -> Bool {
        // Room for the trial, and for its refit should it win.
        guard elapsed + predicted < searchEnd, elapsed + predicted * (3 + 1.2 * refitScale) < search.budget else {
            stopped(at: searchEnd)
            return false
        }
        let (index, fit) = begin(p, phase: phase)
        guard var fit else { return true }
        for c in laterRungs.dropFirst() {
            if advance(index, &fit, to: c, end: searchEnd) == nil { break }
        }
        return true
    }

    /// The rungs of the later phases: half the counted minimum (for pruning) and the iterations
    /// of the best trial so far.
    var laterRungs: [Int] {
        let chosen = best.map { trials[$0].configuration.iterations } ?? search.base.iterations
        if search.fixed.contains(.iterations) { return [max(1, chosen / 2), chosen] }
        return Array(Set([max(1, countedIterations / 2), chosen])).sorted()
    }

    /// Configurations near `centre` for a new factor count, in order: itself, then moves in both
    /// directions — more ridge, no popularity weighting, less ridge, less and more confidence,
    /// more of both. A larger model can want more ridge and confidence (more capacity to
    /// regularise) or less (the centre was placed where a small model's bias hid the optimum);
    /// moving one way only left the other to the polish. Moves along a fixed hyperparameter are
    /// dropped, and so are repeats and configurations in `retired` (`countFree`): a move down
    /// and then up again can return to a placed configuration that halving pruned at a smaller
    /// count.
    func neighbours(_ centre: _SearchPoint, count: Int, retired: [ALSConfiguration] = []) -> [_SearchPoint] {
        let implicit = search.base.mode == .implicit && !search.fixed.contains(.alpha)
        // (Δ log ρ, Δ log C, β scale): popularity-weighted missing data acts as a regulariser
        // too, so a larger model may want less of it.
        let moves: [(Double, Double, Double)] = implicit
            ? [(0, 0, 1), (0.3, 0, 1), (0, 0, 0), (-0.3, 0, 1), (0, -0.3, 1), (0, 0.3, 1), (0.3, 0.3, 1)]
            : [(0, 0, 1), (0.3, 0, 1), (-0.3, 0, 1), (0.6, 0, 1), (0.15, 0, 1), (-0.15, 0, 1)]
        var result: [_SearchPoint] = []
        var seen: [ALSConfiguration] = []
        for (dr, dc, scaleBeta) in moves {
            if dr != 0, search.fixed.contains(.regularization) { continue }
            var p = centre
            p.logRho = min(max(p.logRho + dr, _SearchPoint.rhoRange.lowerBound), _SearchPoint.rhoRange.upperBound)
            p.logConfidence = min(max(p.logConfidence + dc, _SearchPoint.confidenceRange.lowerBound), _SearchPoint.confidenceRange.upperBound)
            p.missingExponent *= scaleBeta
            let c = configuration(p)
            if seen.contains(c) { continue }
            seen.append(c)
            if !result.isEmpty, retired.contains(Self.countFree(c)) { continue }
            result.append(p)
            if result.count == count { break }
        }
        return result
    }

    /// `c` with what differs from one factor count to the next masked: the factor count, the
    /// iterations it scored best at and the solver chosen by count. Two trials with the same
    /// `countFree` configuration are the same point of λ, α and the rest.
    static func countFree(_ c: ALSConfiguration) -> ALSConfiguration {
        var c = c
        c.factors = 0
        c.iterations = 0
        c.solver = .cholesky
        return c
    }

    /// The best placed configurations far from `centre` (the other kind of λ, or λ or α half a
    /// decade or more away), best first: a larger model can move the optimum to another region,
    /// so each factor count gives two of them a chance beside the centre's neighbours.
    func alternatives(to centre: _SearchPoint) -> [_SearchPoint] {
        // α matters only in implicit mode, and only when it is searched.
        let c = search.base.mode == .implicit && !search.fixed.contains(.alpha) ? 1.0 : 0.0
        func apart(_ a: _SearchPoint, _ b: _SearchPoint) -> Bool {
            a.frequencyScaled != b.frequencyScaled || c * abs(a.logConfidence - b.logConfidence) >= 0.5
                || abs(a.missingExponent - b.missingExponent) >= 0.2
                || abs((a.logRho + c * a.logConfidence) - (b.logRho + c * b.logConfidence)) >= 0.5
        }
        var result: [_SearchPoint] = []
        for i in topTrials(trials.count, factors: placementFactors) {
            let p = points[i]
            if apart(p, centre), result.allSatisfy({ apart($0, p) }) {
                result.append(p)
            }
            if result.count == 2 { break }
        }
        return result
    }

    /// Doubles the factor count from the best placement while the best figure at the new count
    /// beats the previous count's by more than 0.3 % (two misses end it), re-placing λ and α at
    /// each count among `neighbours` (moves both ways) and two `alternatives` by successive
    /// halving (a placed configuration pruned at one count is retired from the larger ones, and
    /// in implicit mode a retired alternative's place goes to another neighbour). Six candidates
    /// where the budget holds about four full trainings of the new size beside the refit, three
    /// where it holds two, one where it holds one. The size is predicted from the measured growth
    /// of the time per iteration from one count to the next (4× before the first measurement).
    mutating func capacity(from first: Int) throws {
        let mine = (first ..< trials.count).filter { trials[$0].value != nil }
        guard !search.fixed.contains(.factors),
              let b = mine.max(by: { isBetter(trials[$1].value, than: trials[$0].value) }) else { return }
        let rank = min(validation.train.users, validation.train.items)
        var centre = points[b]
        var levelValue = trials[b].value
        var perIteration = trials[b].seconds / Double(max(trials[b].iterationsTrained, 1))
        var misses = 0
        var growth = 4.0
        // Placed configurations (`countFree`) that successive halving cut at some count: a larger
        // count does not try them again, as a hedge or as a neighbour that a move down and then
        // up lands on. Pruned means ranked below two thirds of the configurations it was
        // measured against, at the factor count nearest the next one; re-trying the distant ones
        // at every doubling cost a quarter of a level's time on Gowalla. The centre's new
        // neighbours are not retired when pruned: a larger model can move the optimum to them.
        let placed = trials.filter { $0.phase == .placement || $0.phase == .refinement }.map { Self.countFree($0.configuration) }
        var retired: [ALSConfiguration] = []
        while centre.factors * 2 <= search.largestFactors, centre.factors < rank, misses < 2 {
            let levelRungs = laterRungs
            let full = growth * perIteration * Double(levelRungs.last ?? 1) + 2 * scoreSeconds
            let room = searchEnd - elapsed
            let refit = 1.2 * full * refitScale
            let count = room > 4 * full + refit ? 6 : room > 2 * full + refit ? 3 : room > full + refit ? 1 : 0
            guard count > 0, elapsed + full * (3 + 1.2 * refitScale) < search.budget else { stopped(); return }
            centre.factors *= 2
            let first = trials.count
            // The hedges first. In implicit mode a retired hedge's place goes to one more
            // neighbour: its moves span two axes (ρ and C) in both directions and need the slots;
            // explicit mode's move along λ alone, which the polish covers.
            let hedgeSlots = count == 6 ? 2 : count == 3 ? 1 : 0
            let hedges = alternatives(to: centre).filter { !retired.contains(Self.countFree(configuration($0))) }
                .prefix(hedgeSlots)
            let spare = search.base.mode == .implicit ? hedgeSlots - hedges.count : 0
            var candidates = neighbours(centre, count: count - hedgeSlots + spare, retired: retired)
            for var p in hedges {
                p.factors = centre.factors
                candidates.append(p)
            }
            halving(candidates, phase: .capacity, end: searchEnd, rungs: levelRungs)
            let level = first ..< trials.count
            // Pruned: trained, not stopped by the budget, and short of the level's last rung.
            for i in level where trials[i].failure == nil && trials[i].iterationsTrained < (levelRungs.last ?? 1) {
                let key = Self.countFree(trials[i].configuration)
                if placed.contains(key) { retired.append(key) }
            }
            guard let top = level.filter({ trials[$0].value != nil }).max(by: { isBetter(trials[$1].value, than: trials[$0].value) }) else { return }
            let t = trials[top]
            let measured = t.seconds / Double(max(t.iterationsTrained, 1))
            growth = min(8, max(1.5, measured / max(perIteration, 1e-9)))
            perIteration = measured
            let improved = levelValue.map { v in t.value.map { search.metric.isBetter($0, than: v) && abs($0 - v) > 0.003 * abs(v) } ?? false } ?? true
            misses = improved ? 0 : misses + 1
            if improved || isBetter(t.value, than: levelValue) { levelValue = t.value }
            centre = points[top]
        }
    }

    /// Rounds at the best factor count: λ and α moved by ±¼ decade, then ±⅛, and so on, while
    /// the budget holds the next trial (six rounds at most).
    mutating func polish() throws {
        var width = 0.25
        for _ in 0 ..< 6 {
            guard let b = best else { return }
            let centre = points[b]
            var candidates: [_SearchPoint] = []
            for (dr, dc) in [(width, 0.0), (-width, 0.0), (0.0, width), (0.0, -width)] {
                if dc != 0, search.base.mode != .implicit || search.fixed.contains(.alpha) { continue }
                if dr != 0, search.fixed.contains(.regularization) { continue }
                var p = centre
                p.logRho = min(max(p.logRho + dr, _SearchPoint.rhoRange.lowerBound), _SearchPoint.rhoRange.upperBound)
                p.logConfidence = min(max(p.logConfidence + dc, _SearchPoint.confidenceRange.lowerBound), _SearchPoint.confidenceRange.upperBound)
                if !points.contains(p) { candidates.append(p) }
            }
            let predicted = trials[b].seconds * 1.2
            for p in candidates {
                guard single(p, phase: .polish, predicted: predicted) else { return }
            }
            width /= 2
        }
    }
}
