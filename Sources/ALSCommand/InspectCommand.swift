@_spi(Engine) import ALS
import ArgumentParser

/// `als inspect FILE`: what is in an interactions file, and which lines were skipped.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the shape, density, value histogram and per-user/per-item count quantiles of an interactions file.")

    @Argument(help: ArgumentHelp("The interactions file (any format als reads, or a cache).", valueName: "file"))
    var file: String

    @OptionGroup var input: InputOptions

    @Flag(help: "Also print how long loading took and its throughput in MB/s (10⁶ bytes per second).")
    var timing = false

    @Option(help: "Report format: text, or json (one object, the same figures as numbers).")
    var format: ReportFormat = .text

    func run() throws {
        StandardOutput.print(try report(), terminator: "")
    }

    /// Loads the file and renders the report.
    func report() throws -> String {
        let clock = Stopwatch()
        let result = try input.load(file)
        let seconds = clock.seconds
        switch format {
        case .text: return Self.render(result, file: file, loadSeconds: timing ? seconds : nil)
        case .json: return try jsonReport(InspectReport(result, file: file, loadSeconds: timing ? seconds : nil))
        }
    }

    /// The report text for a loaded file (`loadSeconds` adds the timing lines).
    static func render(_ result: LoadResult, file: String, loadSeconds: Double?) -> String {
        let s = MatrixSummary(result.matrix)
        var out = ""
        func line(_ label: String, _ value: String) { out += label.padding(12) + value + "\n" }
        line("file", file)
        line("format", result.format.rawValue)
        line("users", "\(s.users)")
        line("items", "\(s.items)")
        line("non-zeros", "\(s.nonZeros)")
        line("density", formatPercent(s.density))
        line("duplicates", "\(s.duplicatesMerged) merged")
        if let t = s.timestamps { line("timestamps", "\(t.lowerBound) to \(t.upperBound)") }
        if let seconds = loadSeconds {
            line("load time", formatFixed(seconds, 3) + " s")
            line("throughput", formatFixed(Double(result.bytes) / 1e6 / max(seconds, 1e-9), 1) + " MB/s")
            line("in memory", "\(s.storageBytes) bytes (CSR, CSC and id lists)")
        }
        let exact = s.values.allSatisfy { $0.lower == $0.upper }
        out += exact ? "values      count per value\n" : "values      count per range (10 equal bins)\n"
        for bin in s.values {
            let label = exact ? formatValue(bin.lower) : "\(formatValue(bin.lower)) to \(formatValue(bin.upper))"
            out += "  " + label.padding(10) + "\(bin.count)\n"
        }
        out += "counts".padding(12) + ["min", "p25", "p50", "p75", "p90", "p99", "max"].map { $0.leftPadding(8) }.joined() + "\n"
        for (label, q) in [("per user", s.perUser), ("per item", s.perItem)] {
            out += label.padding(12) + [q.min, q.p25, q.p50, q.p75, q.p90, q.p99, q.max].map { "\($0)".leftPadding(8) }.joined() + "\n"
        }
        out += "\(result.skipped)\n"
        return out
    }

    /// A value as the file would write it: `4`, `3.5`, `0.25`.
    static func formatValue(_ v: Float) -> String {
        v == v.rounded() && abs(v) < 1e9 ? "\(Int(v))" : "\(v)"
    }

    static func formatFixed(_ v: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0 ..< decimals { scale *= 10 }
        let n = Int((v * scale).rounded())
        let whole = "\(n / Int(scale))"
        guard decimals > 0 else { return whole }
        let frac = "\(abs(n) % Int(scale))"
        return whole + "." + String(repeating: "0", count: decimals - frac.count) + frac
    }

    static func formatPercent(_ fraction: Double) -> String { formatFixed(fraction * 100, 4) + "%" }
}

extension String {
    /// The string padded with spaces on the right to `width` characters.
    fileprivate func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
    /// The string padded with spaces on the left to `width` characters.
    fileprivate func leftPadding(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
