// Serving latency at the ML-20M shape (138,493 users × 26,744 items, k = 64), one thread, without
// the benchmark package (whose runner ran no benchmark under Swift 6.3.1 here): plain wall-clock
// samples and the thread's CPU time per sample, p50 and p99. Built from the release (-O,
// whole-module) objects of the ALS target; see Benchmarks/latency/run.sh and BENCHMARKS.md
// ("Fold-in and seen items"). Not a suite of the benchmark package: Package.swift declares only
// Benchmarks/<Suite>/<Suite>.swift, hence this file's name.
//
//   - fold-in + top-10 for a new user with 50 interactions, by item id;
//   - top-10 for a user of the model with the seen items read from the model (a saved and loaded
//     file: they stay in the mapping), and, on the same model, with the training matrix passed
//     in (`.interactions(train)`, the path measured before).
@_spi(Engine) import ALS
import ALSSynthetic
import Dispatch
import Foundation

let shape = SyntheticData.Shape.ml20m.size
let k = 64
let samples = 10_000

func percentiles(_ name: String, _ nanos: [UInt64]) {
    let s = nanos.sorted()
    func p(_ q: Double) -> Double { Double(s[min(s.count - 1, Int(q * Double(s.count)))]) / 1000 }
    print(String(format: "%@: p50 %.1f µs, p99 %.1f µs, max %.1f µs (%d samples)", name, p(0.5), p(0.99), p(1), s.count))
}

/// This thread's CPU time in nanoseconds: unlike the wall clock, it does not count the time the
/// thread waits for a core, which on a machine shared with other builds dominates the tail.
func threadCPUNanos() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

func measure(_ name: String, warmup: Int = 100, _ body: (Int) throws -> Int) rethrows {
    var sink = 0
    for j in 0 ..< warmup { sink &+= try body(j) }
    var wall: [UInt64] = [], cpu: [UInt64] = []
    wall.reserveCapacity(samples)
    cpu.reserveCapacity(samples)
    for j in 0 ..< samples {
        let t0 = DispatchTime.now().uptimeNanoseconds, c0 = threadCPUNanos()
        sink &+= try body(j)
        let c1 = threadCPUNanos(), t1 = DispatchTime.now().uptimeNanoseconds
        wall.append(t1 - t0)
        cpu.append(c1 - c0)
    }
    percentiles(name + " [wall clock]", wall)
    percentiles(name + " [thread CPU time]", cpu)
    if sink == .min { print(sink) }
}

var rng = SystemRandomNumberGenerator()
func draw(_ n: Int) -> [Float] { (0 ..< n).map { _ in Float.random(in: -0.1 ..< 0.1, using: &rng) } }
var config = ALSConfiguration(mode: .implicit)
config.factors = k
let model = try ALSModel(
    factors: k, userFactors: draw(shape.users * k), itemFactors: draw(shape.items * k),
    userIDs: try IDMap(integers: (1 ... Int64(shape.users)).map { $0 }),
    itemIDs: try IDMap(integers: (1 ... Int64(shape.items)).map { $0 }), configuration: config)

// 1,000 new users of 50 distinct items each, play counts 1…5, drawn before timing.
let queries = (0 ..< 1_000).map { _ -> [(itemID: String, value: Float)] in
    var items = Set<Int>()
    while items.count < 50 { items.insert(Int.random(in: 0 ..< shape.items, using: &rng)) }
    return items.map { (itemID: model.itemIDs.externalID($0), value: Float(Int.random(in: 1 ... 5, using: &rng))) }
}
let gramStart = DispatchTime.now().uptimeNanoseconds
_ = try model.recommend(interactions: queries[0], k: 10)
print(String(format: "first fold-in (computes the item Gram once): %.1f ms",
             Double(DispatchTime.now().uptimeNanoseconds - gramStart) / 1e6))
try measure("fold-in + top-10, new user with 50 interactions") { j in
    try model.recommend(interactions: queries[(j &* 48_271) % queries.count], k: 10).count
}

let train = try SyntheticData(shape: .ml20m, seed: 42, values: .playCounts, timestamps: false).matrix()
let url = FileManager.default.temporaryDirectory.appendingPathComponent("als-latency-\(getpid()).als")
try model.withSeenItems(train).save(to: url)
let loaded = try ALSModel.load(from: url)
try? FileManager.default.removeItem(at: url)
print("seen items: \(train.nonZeros) interactions kept with the model")
try measure("top-10, one user, seen items read from the model") { j in
    try loaded.recommend(user: (j &* 48_271) % loaded.users, k: 10).count
}
try measure("top-10, one user, seen items from the training matrix (.interactions)") { j in
    try loaded.recommend(user: (j &* 48_271) % loaded.users, k: 10, excludeSeen: .interactions(train)).count
}
// The scan alone, nothing left out: what every path above pays for scoring all items.
try measure("top-10, one user, nothing left out (the scan alone)") { j in
    try loaded.recommend(user: (j &* 48_271) % loaded.users, k: 10, excludeSeen: .nothing).count
}
