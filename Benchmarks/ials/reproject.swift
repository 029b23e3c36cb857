// Scores a SwiftALS model the way iALS++'s evaluation scores its own (ials/vae_benchmarks,
// `IALSppRecommender::EvaluateDataset`): every user's factors are projected again from zero
// against the trained item factors, with `sweeps` passes of the block solver (block `block`),
// before ranking. Prints capped-recall@20 (iALS++'s Rec20: hits over min(20, held out)) for the
// trained user factors and for the projected ones, as JSON on one line.
//
//   reproject MODEL TRAIN TEST [BLOCK] [SWEEPS]     (defaults 128 and 8, iALS++'s)
//
// The projection is one user half-step of SwiftALS's subspace solver started at zero, with the
// model's own objective (mode, confidence, λ and its frequency scaling, α₀): `ALSShardSolver`,
// the engine's entry for solving one side against a fixed other side. Built by
// Benchmarks/ials/reproject.sh from the release objects of the ALS target, like
// Benchmarks/latency/serving_latency.swift; not a suite of the benchmark package.
@_spi(Engine) import ALS
import Dispatch
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("reproject: \(message)\n".utf8))
    exit(1)
}

let args = CommandLine.arguments
guard args.count >= 4 else { fail("usage: reproject MODEL TRAIN TEST [BLOCK] [SWEEPS]") }
let block = args.count > 4 ? Int(args[4]) : 128
let sweeps = args.count > 5 ? Int(args[5]) : 8
guard let block, let sweeps, block > 0, sweeps > 0 else { fail("BLOCK and SWEEPS must be positive integers") }

do {
    let model = try ALSModel.load(from: URL(fileURLWithPath: args[1]))
    let joint = try SplitFiles.load(train: args[2], test: args[3])
    let split = try model.aligned(DataSplit(train: joint.train, test: joint.test)).split
    let train = split.train
    let k = model.factors
    guard model.configuration.mode == .implicit else { fail("the model is not an implicit-mode model") }
    // Items of the split the model does not know (test-only) get zero factors: they have no
    // train entry, so they never enter a user's system.
    var items = model.itemFactors
    items += [Float](repeating: 0, count: (train.items - model.items) * k)

    var config = model.configuration
    config.solver = .subspace
    config.blockSize = block
    config.sweeps = sweeps
    let counts = (0 ..< train.items).map { train.byItem.count(of: $0) }
    let valueSum = train.byUser.values.reduce(0.0) { $0 + Double($1) }
    let solver = try ALSShardSolver(configuration: config, users: train.users, items: train.items, itemCounts: counts,
                                    valueSum: valueSum, nonZeros: train.nonZeros)
    let start = DispatchTime.now().uptimeNanoseconds
    let fixed = solver.fixedSide(items)
    let gram = solver.partialGram(fixed, of: .items, firstRow: 0)
    var users = [Float](repeating: 0, count: train.users * k)
    try solver.solve(.users, rows: train.byUser, firstRow: 0, fixed: fixed, columns: nil, gram: gram, into: &users)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

    var trained = model.userFactors
    trained += [Float](repeating: 0, count: (train.users - model.users) * k)
    func recall(_ userFactors: [Float]) throws -> Double {
        let m = try ALSModel(factors: k, userFactors: userFactors, itemFactors: items, userIDs: train.userIDs,
                             itemIDs: train.itemIDs, configuration: config)
        return try EvaluationMetric.cappedRecall(k: 20).evaluate(m, on: split)
    }
    let before = try recall(trained), after = try recall(users)
    print(String(format: "{\"trained\": %.4f, \"projected\": %.4f, \"block\": %d, \"sweeps\": %d, \"projection_seconds\": %.2f}",
                 before, after, block, sweeps, seconds))
} catch {
    fail("\(error)")
}
