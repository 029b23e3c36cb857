// Serving benchmarks at MovieLens-20M shape (138,493 users × 26,744 items, k = 64):
//   - single-user top-10 latency, one query per sample, 10,000 samples (p50 and p99 matter);
//   - loading a model file of that shape (mmap, checksum, id maps);
//   - batch top-10 for every user on 2 threads.
// Factors are random values: latency and load time do not depend on what the factors mean.
// The seen items are the synthetic ML-20M-shaped training data (`SyntheticData`), as a user of
// the model would exclude them.
//
// Setup (factors, data, the model file) happens outside the measured region.
//
//   ALS_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark --target Serving
import ALS
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
