@_spi(Engine) import ALS
import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DataFormat: ExpressibleByArgument {}
extension HeaderMode: ExpressibleByArgument {}
extension IDKind: ExpressibleByArgument {}
extension DuplicatePolicy: ExpressibleByArgument {}

/// How to read an interactions file: the flags every command that reads one shares
/// (`als inspect`, `als convert`, `als train`, …) through `@OptionGroup`.
///
/// Everything defaults to detection, so `als inspect u.data` needs no flag at all.
struct InputOptions: ParsableArguments {
    /// `--input-format`: `--format` is what a command prints (`als train --format json`).
    @Option(help: ArgumentHelp("Input format; detected from the content when omitted.", valueName: "format"))
    var inputFormat: DataFormat?

    @Option(help: ArgumentHelp(
        "Field separator of delimited text: a literal (',', '::', '|'), '\\t', or tab, comma, semicolon, space, whitespace.",
        valueName: "separator"))
    var delimiter: String?

    @Option(help: ArgumentHelp("User column: a 1-based position or a header name.", valueName: "column"))
    var userColumn: String?

    @Option(help: ArgumentHelp("Item column: a 1-based position or a header name.", valueName: "column"))
    var itemColumn: String?

    @Option(help: ArgumentHelp(
        "Value column: a 1-based position, a header name, or 'none' to give every interaction value 1.",
        valueName: "column"))
    var valueColumn: String?

    @Option(help: ArgumentHelp(
        "Timestamp column: a 1-based position, a header name, or 'none' to ignore timestamps.", valueName: "column"))
    var timestampColumn: String?

    @Option(help: "Whether the first line names the columns: yes, no or auto.")
    var header: HeaderMode = .auto

    @Option(help: ArgumentHelp(
        "Kind of user ids: auto, integer (ascending numeric order) or text (order of first appearance).",
        valueName: "kind"))
    var userIds: IDKind = .auto

    @Option(help: ArgumentHelp(
        "Kind of item ids: auto, integer (ascending numeric order) or text (order of first appearance).",
        valueName: "kind"))
    var itemIds: IDKind = .auto

    @Flag(help: "Accept negative values (rejected by default as a likely shifted column).")
    var allowNegative = false

    @Option(help: "What to do when a (user, item) pair repeats: sum, last, max or error.")
    var duplicates: DuplicatePolicy = .sum

    @Flag(help: "Skip malformed lines and report them by reason, instead of stopping at the first one.")
    var skipInvalid = false

    @Flag(help: "Print no progress while loading.")
    var quiet = false

    @Option(help: ArgumentHelp("Threads for loading (default: every core).", valueName: "n"))
    var loadThreads: Int?

    func validate() throws {
        if let d = delimiter, Delimiter(d) == nil {
            throw ValidationError("--delimiter '\(d)' cannot separate fields; give a non-empty separator without a line break.")
        }
        for (flag, value) in [("--user-column", userColumn), ("--item-column", itemColumn)] {
            if let value, ColumnSelector(argument: value) == .absent {
                throw ValidationError("\(flag) cannot be 'none': every interaction needs a user and an item.")
            }
        }
        for (flag, value) in [("--user-column", userColumn), ("--item-column", itemColumn),
                              ("--value-column", valueColumn), ("--timestamp-column", timestampColumn)] {
            if let value, case .position(let n) = ColumnSelector(argument: value), n < 1 {
                throw ValidationError("\(flag) \(n): positions count from 1.")
            }
        }
        if let n = loadThreads, n < 1 { throw ValidationError("--load-threads must be at least 1.") }
    }

    /// The library options these flags stand for.
    func loadOptions() throws -> LoadOptions {
        let options = LoadOptions(
            format: inputFormat, delimiter: delimiter.flatMap(Delimiter.init),
            userColumn: userColumn.map(ColumnSelector.init(argument:)) ?? .automatic,
            itemColumn: itemColumn.map(ColumnSelector.init(argument:)) ?? .automatic,
            valueColumn: valueColumn.map(ColumnSelector.init(argument:)) ?? .automatic,
            timestampColumn: timestampColumn.map(ColumnSelector.init(argument:)) ?? .automatic,
            header: header, userIDs: userIds, itemIDs: itemIds, allowNegative: allowNegative,
            duplicates: duplicates, skipInvalid: skipInvalid, progress: quiet ? .quiet : .automatic,
            threads: loadThreads)
        try options.validate()
        return options
    }

    /// Loads `path` with these options and prints the skipped-lines report to standard error
    /// when lines were skipped.
    func load(_ path: String) throws -> LoadResult {
        let result = try DataLoader.load(path: path, options: try loadOptions())
        if result.skipped.total > 0 { Self.printToStandardError(CommandLineText.rewrite("\(path): \(result.skipped)")) }
        return result
    }

    /// Prints a line to standard error (file descriptor 2, unbuffered).
    static func printToStandardError(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { b in _ = write(2, b.baseAddress, b.count) }
    }
}
