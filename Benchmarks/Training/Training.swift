// Training benchmarks: one epoch (a user half-step and an item half-step) of implicit ALS on a
// synthetic MovieLens-1M-shaped matrix (6,040 users × 3,706 items, 1,000,209 play counts), for
// both solvers at 32–256 factors, 2 threads.
//
// Setup (the data, built in memory by `SyntheticData`) happens outside the measured region; the
// loss is not computed, so an epoch is exactly the two half-steps.
//
//   ALS_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark --target Training
@_spi(Engine) import ALS
import ALSSynthetic
import Benchmark

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds,
                                           warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20)
    for solver in [ALSConfiguration.Solver.cg, .cholesky] {
        for k in [32, 64, 128, 256] {
            Benchmark("epoch, implicit, \(solver), k=\(k), ml1m shape (1,000,209 nnz), 2 threads") { benchmark, data in
                var config = ALSConfiguration(mode: .implicit)
                config.factors = k
                config.solver = solver
                config.iterations = 1
                config.regularization = 10
                config.threads = 2
                config.computeLoss = false
                let trainer = try! ALSTrainer(config)
                benchmark.startMeasurement()
                let model = try! trainer.fit(data)
                benchmark.stopMeasurement()
                blackHole(model)
            } setup: {
                try SyntheticData(shape: .ml1m, seed: 42, values: .playCounts, timestamps: false).matrix()
            }
        }
    }
}
