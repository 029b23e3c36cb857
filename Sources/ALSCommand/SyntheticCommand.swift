@_spi(Engine) import ALS
import ALSSynthetic
import ArgumentParser

/// `als synthetic OUT`: a hidden helper that writes a seeded MovieLens-shaped CSV, for the loader
/// benchmark (`Benchmarks/loader/run.sh`) and for trying commands without a download.
struct SyntheticCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthetic",
        abstract: "Write seeded synthetic interactions as CSV (user,item,rating,timestamp).",
        shouldDisplay: false)

    @Argument(help: ArgumentHelp("Where to write the CSV.", valueName: "out"))
    var output: String

    @Option(help: "Shape: \(SyntheticData.Shape.allCases.map(\.rawValue).joined(separator: ", ")).")
    var shape: SyntheticData.Shape = .ml100k

    @Option(help: "Scale the shape to this many interactions (users and items scale with it), e.g. 5000000.")
    var interactions: Int?

    @Option(help: "Values: ratings (half stars 1–5) or play-counts (1–50).")
    var values: SyntheticData.Values = .ratings

    @Option(help: "Random seed; the same seed writes the same file.")
    var seed: UInt64 = 42

    @Flag(inversion: .prefixedNo, help: "Write a timestamp column.")
    var timestamps = true

    @Option(help: "How users choose items: planted (a low-rank preference model plus popularity) or popularity (popularity alone, the generator of the earlier benchmarks).")
    var structure: SyntheticData.Structure = .planted

    func run() throws {
        try checkOutputPaths(output)
        let data = try interactions.map {
            try SyntheticData(shape: shape, interactions: $0, seed: seed, values: values, timestamps: timestamps,
                              structure: structure)
        } ?? SyntheticData(shape: shape, seed: seed, values: values, timestamps: timestamps, structure: structure)
        let bytes = try data.writeCSV(to: output)
        StandardOutput.print("wrote \(output): \(data.interactions) interactions, \(data.users) users, \(data.items) items, \(bytes) bytes")
    }
}

extension SyntheticData.Shape: ExpressibleByArgument {}
extension SyntheticData.Values: ExpressibleByArgument {}
extension SyntheticData.Structure: ExpressibleByArgument {}
