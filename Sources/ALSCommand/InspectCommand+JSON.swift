@_spi(Engine) import ALS

/// What `als inspect --format json` prints: the same figures as the text report, as numbers.
/// `timestamps` is null when the file has none; the `load_*` figures are null without --timing.
struct InspectReport: Encodable {
    struct Bin: Encodable {
        var lower: Float
        var upper: Float
        var count: Int
    }

    struct Quantiles: Encodable {
        var min, p25, p50, p75, p90, p99, max: Int

        init(_ q: MatrixSummary.Quantiles) {
            (min, p25, p50, p75, p90, p99, max) = (q.min, q.p25, q.p50, q.p75, q.p90, q.p99, q.max)
        }
    }

    struct TimeRange: Encodable {
        var first: Int64
        var last: Int64
    }

    struct Skipped: Encodable {
        var total: Int
        /// Lines skipped per reason (reason names as in the text report).
        var reasons: [String: Int]
    }

    var file: String
    var format: String
    var users: Int
    var items: Int
    var nonZeros: Int
    /// Non-zeros over users × items, a fraction (the text report prints it as a percentage).
    var density: Double
    var duplicatesMerged: Int
    var timestamps: Nullable<TimeRange>
    var values: [Bin]
    var perUser: Quantiles
    var perItem: Quantiles
    var skipped: Skipped
    var loadSeconds: Nullable<Double>
    var throughputMBPerSecond: Nullable<Double>
    var memoryBytes: Nullable<Int>

    init(_ result: LoadResult, file: String, loadSeconds: Double?) {
        let s = MatrixSummary(result.matrix)
        self.file = file
        format = result.format.rawValue
        users = s.users
        items = s.items
        nonZeros = s.nonZeros
        density = s.density
        duplicatesMerged = s.duplicatesMerged
        timestamps = Nullable(s.timestamps.map { TimeRange(first: $0.lowerBound, last: $0.upperBound) })
        values = s.values.map { Bin(lower: $0.lower, upper: $0.upper, count: $0.count) }
        perUser = Quantiles(s.perUser)
        perItem = Quantiles(s.perItem)
        skipped = Skipped(total: result.skipped.total,
                          reasons: Dictionary(uniqueKeysWithValues: result.skipped.counts.map { ($0.key.rawValue, $0.value) }))
        self.loadSeconds = Nullable(loadSeconds)
        throughputMBPerSecond = Nullable(loadSeconds.map { Double(result.bytes) / 1e6 / max($0, 1e-9) })
        memoryBytes = Nullable(loadSeconds.map { _ in s.storageBytes })
    }

    enum CodingKeys: String, CodingKey {
        case file, format, users, items, density, timestamps, values, skipped
        case nonZeros = "non_zeros"
        case duplicatesMerged = "duplicates_merged"
        case perUser = "per_user"
        case perItem = "per_item"
        case loadSeconds = "load_seconds"
        case throughputMBPerSecond = "load_mb_per_second"
        case memoryBytes = "memory_bytes"
    }
}
