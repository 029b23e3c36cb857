/// Why a line of an input file was rejected.
public enum InvalidLineReason: String, Sendable, CaseIterable {
    case notANumber = "not a number"
    case emptyField = "empty field"
    case missingColumns = "missing columns"
    case extraColumns = "extra columns"
    case nonFinite = "NaN or infinite value"
    case negativeValue = "negative value"
    case idOutOfRange = "id out of range"
    case invalidUTF8 = "invalid UTF-8"
    /// A text id in an `.auto` id column whose first id was an integer (`ALSError.mixedIDKinds`).
    case textAfterIntegerIDs = "text id after integer ids"
}

/// One rejected line: where it is, what was wrong, and the offending text.
public struct InvalidLine: Sendable, Equatable {
    /// 1-based line number in the file.
    public var line: Int
    /// 1-based character column of the offending field, or 0 when the whole line is at fault
    /// (a wrong number of fields).
    public var column: Int
    /// The offending field, or the whole line when `column == 0` (cut to 120 characters).
    public var text: String
    public var reason: InvalidLineReason
    /// The reason in words, naming the column: "not a number: rating".
    public var detail: String

    /// The error `DataLoader` throws for this line when `skipInvalid` is off.
    @_spi(Engine) public func error(file: String) -> ALSError {
        if reason == .textAfterIntegerIDs {
            // `detail` is the column's label, "user id" or "item id".
            return .mixedIDKinds(file: file, line: line, column: column, text: text,
                                 side: detail.hasPrefix("user") ? "user" : "item")
        }
        return .malformedLine(file: file, line: line, column: column, text: text, reason: detail, skippable: true)
    }
}

/// The lines `DataLoader` skipped with `skipInvalid` on: how many for each reason and the first
/// few examples. Blank lines (a final newline, say) are not data and are not counted here.
public struct SkippedLines: Sendable, Equatable, CustomStringConvertible {
    /// How many examples are kept.
    @_spi(Engine) public static let exampleLimit = 5

    public var counts: [InvalidLineReason: Int] = [:]
    /// The first `exampleLimit` skipped lines, in file order.
    public var examples: [InvalidLine] = []

    @_spi(Engine) public init() {}

    /// Total number of skipped lines.
    public var total: Int { counts.values.reduce(0, +) }

    /// A few lines of text for standard error: the total, the count per reason, the examples.
    public var description: String {
        guard total > 0 else { return "skipped lines: none" }
        var s = "skipped lines: \(total)"
        // In declaration order, the order every report uses.
        for reason in InvalidLineReason.allCases {
            if let n = counts[reason] { s += "\n  \(reason.rawValue): \(n)" }
        }
        for e in examples {
            let at = e.column > 0 ? "\(e.line):\(e.column)" : "\(e.line)"
            s += "\n  line \(at): \(e.detail) (text: \"\(e.text)\")"
        }
        return s
    }

    /// Adds the counts and examples of `other`, which must come later in the file.
    mutating func append(_ other: SkippedLines) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
        examples += other.examples.prefix(Self.exampleLimit - examples.count)
    }
}

/// What `DataLoader.load(path:options:)` returns.
public struct LoadResult: Sendable {
    /// The interactions, CSR and CSC, with the id maps.
    public var matrix: InteractionMatrix
    /// The format that was read (detected or forced).
    public var format: DataFormat
    /// The lines skipped with `skipInvalid`; empty otherwise.
    public var skipped: SkippedLines
    /// Size of the file in bytes.
    @_spi(Engine) public var bytes: Int

    @_spi(Engine) public init(matrix: InteractionMatrix, format: DataFormat, skipped: SkippedLines = SkippedLines(), bytes: Int) {
        self.matrix = matrix
        self.format = format
        self.skipped = skipped
        self.bytes = bytes
    }
}
