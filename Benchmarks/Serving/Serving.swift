// Serving benchmarks at MovieLens-20M shape (138,493 users × 26,744 items, k = 64):
//   - single-user top-10 latency, one query per sample, 10,000 samples (p50 and p99 matter);
//   - loading a model file of that shape (mmap, checksum, id maps);
//   - batch top-10 for every user on 2 threads;
//   - fold-in plus top-10 for a new user with 50 interactions (by item id), one query per sample;
//   - single-user top-10 with the seen items read from the model (`SeenItems.training`).
// Factors are random values: latency and load time do not depend on what the factors mean.
// The seen items are the synthetic ML-20M-shaped training data (`SyntheticData`), as a user of
// the model would exclude them.
//
// Setup (factors, data, the model file) happens outside the measured region.
//
//   ALS_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark --target Serving
@_spi(Engine) import ALS
import ALSSynthetic
import Benchmark
import Foundation

let shape = SyntheticData.Shape.ml20m.size
let factors = 64

/// A model of the ML-20M shape with factors uniform in [−0.1, 0.1), and the synthetic training
/// data of that shape (ids 1 … users and 1 … items, as the model's).
struct Fixture {
    let model: ALSModel
    let train: InteractionMatrix

    init(withTrain: Bool) throws {
        func draw(_ n: Int) -> [Float] { (0 ..< n).map { _ in Float.random(in: -0.1 ..< 0.1) } }
        model = try ALSModel(
            factors: factors, userFactors: draw(shape.users * factors), itemFactors: draw(shape.items * factors),
            userIDs: try IDMap(integers: (1 ... Int64(shape.users)).map { $0 }),
            itemIDs: try IDMap(integers: (1 ... Int64(shape.items)).map { $0 }),
            configuration: { var c = ALSConfiguration(mode: .implicit); c.factors = factors; return c }())
        train = withTrain
            ? try SyntheticData(shape: .ml20m, seed: 42, values: .playCounts, timestamps: false).matrix()
            : try InteractionMatrix(users: 0, items: 0, triplets: Triplets())
    }
}

/// The user of each successive query: a fixed pseudo-random walk over all users, so that
/// successive queries do not reuse one user's row from the cache.
final class QueryCursor: @unchecked Sendable {
    private var n = 0
    func next(users: Int) -> Int {
        n += 1
        return (n &* 48_271) % users
    }
}

/// A new user's interactions: (external item id, value).
typealias NewUser = [(itemID: String, value: Float)]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .microseconds)

    Benchmark("recommend top-10, one user, 26,744 items, k=64, seen excluded",
              configuration: .init(metrics: [.wallClock], timeUnits: .microseconds, warmupIterations: 100,
                                   maxDuration: .seconds(60), maxIterations: 10_000)) { benchmark, state in
        let (fixture, cursor) = state
        let user = cursor.next(users: fixture.model.users)
        benchmark.startMeasurement()
        let top = try! fixture.model.recommend(user: user, k: 10, excludeSeen: .interactions(fixture.train))
        benchmark.stopMeasurement()
        blackHole(top)
    } setup: {
        (try Fixture(withTrain: true), QueryCursor())
    }

    Benchmark("fold-in + top-10, new user with 50 interactions, 26,744 items, k=64",
              configuration: .init(metrics: [.wallClock], timeUnits: .microseconds, warmupIterations: 100,
                                   maxDuration: .seconds(60), maxIterations: 10_000)) { (benchmark, state: (Fixture, [NewUser], QueryCursor)) in
        let (fixture, queries, cursor) = state
        let interactions = queries[cursor.next(users: queries.count)]
        benchmark.startMeasurement()
        let top = try! fixture.model.recommend(interactions: interactions, k: 10)
        benchmark.stopMeasurement()
        blackHole(top)
    } setup: {
        let fixture = try Fixture(withTrain: false)
        // 1,000 new users, each 50 distinct items with play counts 1…5, drawn outside the
        // measured region; the first fold-in (the warm-up) computes the model's item Gram.
        var rng = SystemRandomNumberGenerator()
        let queries = (0 ..< 1_000).map { _ -> NewUser in
            var items = Set<Int>()
            while items.count < 50 { items.insert(Int.random(in: 0 ..< shape.items, using: &rng)) }
            return items.map { (itemID: fixture.model.itemIDs.externalID($0), value: Float(Int.random(in: 1 ... 5, using: &rng))) }
        }
        return (fixture, queries, QueryCursor())
    }

    Benchmark("recommend top-10, one user, seen items read from the model",
              configuration: .init(metrics: [.wallClock], timeUnits: .microseconds, warmupIterations: 100,
                                   maxDuration: .seconds(60), maxIterations: 10_000)) { (benchmark, state: (ALSModel, QueryCursor)) in
        let (model, cursor) = state
        let user = cursor.next(users: model.users)
        benchmark.startMeasurement()
        let top = try! model.recommend(user: user, k: 10)
        benchmark.stopMeasurement()
        blackHole(top)
    } setup: {
        // Saved and loaded, as a service would serve it: the seen items stay in the mapping.
        let fixture = try Fixture(withTrain: true)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("als-serving-seen-\(getpid()).als")
        defer { try? FileManager.default.removeItem(at: url) }
        try fixture.model.withSeenItems(fixture.train).save(to: url)
        return (try ALSModel.load(from: url), QueryCursor())
    }

    Benchmark("load a 138,493 × 26,744 × 64 model file",
              configuration: .init(metrics: [.wallClock], timeUnits: .milliseconds, warmupIterations: 1,
                                   maxDuration: .seconds(20), maxIterations: 50)) { benchmark, url in
        let model = try! ALSModel.load(from: url)
        blackHole(model)
    } setup: {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("als-serving-bench-\(getpid()).als")
        try Fixture(withTrain: false).model.save(to: url)
        return url
    } teardown: {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("als-serving-bench-\(getpid()).als")
        try? FileManager.default.removeItem(at: url)
    }

    Benchmark("recommend top-10, all 138,493 users, seen excluded, 2 threads",
              configuration: .init(metrics: [.wallClock], timeUnits: .milliseconds, warmupIterations: 0,
                                   maxDuration: .seconds(30), maxIterations: 3)) { benchmark, fixture in
        let all = try! fixture.model.recommendAll(k: 10, excludeSeen: .interactions(fixture.train), threads: 2)
        blackHole(all)
    } setup: {
        try Fixture(withTrain: true)
    }
}
