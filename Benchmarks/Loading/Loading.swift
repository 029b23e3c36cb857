// Load-throughput benchmarks: `DataLoader.load` (parse + CSR + CSC) of a synthetic
// MovieLens-1M-shaped CSV (`user,item,rating,timestamp`, 1,000,209 lines), and reloading the
// same matrix from its binary cache (mmap, no parsing). The suite prints the CSV's size, so the
// wall-clock figures convert to MB/s.
//
// Setup (writing the CSV and the cache to the temporary directory) happens outside the measured
// region; the files are read from the page cache.
//
//   ALS_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark --target Loading
@_spi(Engine) import ALS
import ALSSynthetic
import Benchmark
import Foundation

/// The CSV and the cache of one synthetic ml1m-shaped data set, and the CSV's size in bytes.
struct Files {
    /// One folder per benchmark process, removed by each benchmark's teardown.
    static let folder = FileManager.default.temporaryDirectory.path + "/als-loading-bench-\(getpid())"
    let csv = Files.folder + "/ml1m.csv"
    let cache = Files.folder + "/ml1m.als-cache"
    let bytes: Int

    init() throws {
        try FileManager.default.createDirectory(atPath: Files.folder, withIntermediateDirectories: true)
        bytes = try SyntheticData(shape: .ml1m, seed: 42, values: .ratings, timestamps: true).writeCSV(to: csv)
        try BinaryCache.write(try DataLoader.load(path: csv, options: quiet).matrix, to: cache)
        print("ml1m-shaped CSV: \(bytes) bytes")
    }

    static func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

let quiet: LoadOptions = { var o = LoadOptions(); o.progress = .quiet; return o }()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .milliseconds,
                                           warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 50)

    Benchmark("load ml1m-shaped CSV (parse + CSR + CSC)") { benchmark, files in
        blackHole(try! DataLoader.load(path: files.csv, options: quiet))
    } setup: {
        try Files()
    } teardown: {
        Files.remove()
    }

    Benchmark("reload ml1m-shaped binary cache (mmap)") { benchmark, files in
        blackHole(try! BinaryCache.read(path: files.cache))
    } setup: {
        try Files()
    } teardown: {
        Files.remove()
    }
}
