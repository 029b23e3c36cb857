/// The file formats `DataLoader` reads. The raw values are the names `--input-format` accepts.
public enum DataFormat: String, Sendable, CaseIterable {
    /// MovieLens 100K `u.data`: `user<TAB>item<TAB>rating<TAB>timestamp`, no header, integer ids.
    case movieLens100K = "movielens-100k"
    /// MovieLens 1M/10M `ratings.dat`: `user::item::rating::timestamp`, no header, integer ids.
    case movieLensDat = "movielens-dat"
    /// Comma-separated values, header optional (MovieLens latest/20M/25M `ratings.csv` has
    /// `userId,movieId,rating,timestamp`). Columns are found by header name when there is one.
    case csv
    /// Any other delimited text: tab, semicolon, whitespace, `|`, … with columns given by position
    /// or header name.
    case delimited
    /// LightGCN-style adjacency lists: `user item item …` separated by spaces, each pair value 1.
    case adjacency
    /// Matrix Market coordinate file (rows = users, columns = items), read through CHOLMOD.
    case matrixMarket = "mtx"
    /// SwiftALS's binary cache of a built `InteractionMatrix` (see `BinaryCache`).
    case binaryCache = "cache"
}

/// How `DataLoader` finds one column of a delimited file.
public enum ColumnSelector: Sendable, Hashable {
    /// The format's default: MovieLens order (user, item, rating, timestamp), or a well-known
    /// header name (`userId`, `user`, `movieId`, `item`, `rating`, `value`, `timestamp`, …).
    case automatic
    /// A 1-based field position, as `cut -f` and `awk` count.
    case position(Int)
    /// A header name, compared without regard to case.
    case name(String)
    /// The file has no such column: a missing value is an implicit 1, a missing timestamp is
    /// simply not stored. Not allowed for the user and item columns.
    case absent

    /// Parses a command-line spelling: a 1-based position (`3`), `none`, `auto`, or a header name.
    @_spi(Engine) public init(argument: String) {
        switch argument.lowercased() {
        case "none", "absent": self = .absent
        case "auto", "automatic", "": self = .automatic
        default:
            if let n = Int(argument) { self = .position(n) } else { self = .name(argument) }
        }
    }
}

/// The separator between the fields of a delimited line.
public struct Delimiter: Sendable, Hashable, CustomStringConvertible {
    /// The separator's bytes; empty means "a run of spaces and tabs".
    @_spi(Engine) public let bytes: [UInt8]

    public static let tab = Delimiter(bytes: [9])
    public static let comma = Delimiter(bytes: [UInt8(ascii: ",")])
    public static let semicolon = Delimiter(bytes: [UInt8(ascii: ";")])
    public static let doubleColon = Delimiter(bytes: [UInt8(ascii: ":"), UInt8(ascii: ":")])
    /// One or more spaces or tabs; leading and trailing whitespace on a line is ignored.
    public static let whitespace = Delimiter(bytes: [])

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// A delimiter from its text: a literal separator (`,`, `::`, `|`, …), an escape (`\t`), or
    /// one of the names `tab`, `comma`, `semicolon`, `space`, `whitespace`. Nil when empty or when
    /// it contains a newline or carriage return (which could never separate fields of a line).
    public init?(_ text: String) {
        switch text.lowercased() {
        case "tab", "\\t", "\t": self = .tab
        case "comma": self = .comma
        case "semicolon": self = .semicolon
        case "space", " ": self = Delimiter(bytes: [32])
        case "whitespace", "ws": self = .whitespace
        default:
            let b = Array(text.utf8)
            guard !b.isEmpty, b.count <= 8, !b.contains(10), !b.contains(13) else { return nil }
            self.init(bytes: b)
        }
    }

    public var description: String {
        switch bytes {
        case []: return "whitespace"
        case [9]: return "tab"
        default: return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Whether the first non-blank line of a delimited file names the columns.
public enum HeaderMode: String, Sendable, CaseIterable {
    /// Decide from the content: the first line is a header when it holds a well-known column
    /// name, or when a value or timestamp field of it is not a number while the second line's is.
    case auto
    /// The first non-blank line is a header.
    case yes
    /// There is no header.
    case no
}

/// Which kind of external id a column holds.
public enum IDKind: String, Sendable, CaseIterable {
    /// The kind of the column's first id: integers when it is an integer (a later text id is
    /// then `ALSError.mixedIDKinds`, naming its line), text otherwise.
    case auto
    /// Integers; anything else is a malformed line. Dense indices follow ascending numeric order.
    case integer
    /// Text, kept verbatim (UTF-8). Dense indices follow the order of first appearance.
    case text
}

/// How loading reports progress.
public enum LoadProgress: Sendable {
    /// A one-line percentage on standard error, for files of 64 MiB or more, and only when
    /// standard error is a terminal (so logs and pipes stay clean).
    case automatic
    /// Nothing.
    case quiet
    /// Calls the closure with (bytes done, bytes total) from a worker thread, about once every
    /// few megabytes; the last call has done == total.
    case callback(@Sendable (Int, Int) -> Void)
}

/// Everything `DataLoader.load(path:options:)` can be told about a file. The defaults read every
/// supported format correctly, so most callers pass `LoadOptions()`.
public struct LoadOptions: Sendable {
    /// The format; nil detects it from the content (see `DataLoader`).
    public var format: DataFormat?
    /// The field separator of delimited text; nil takes the format's (or detects it).
    public var delimiter: Delimiter?
    public var userColumn: ColumnSelector
    public var itemColumn: ColumnSelector
    /// `.absent` makes every interaction worth 1 (implicit feedback).
    public var valueColumn: ColumnSelector
    public var timestampColumn: ColumnSelector
    public var header: HeaderMode
    public var userIDs: IDKind
    public var itemIDs: IDKind
    /// Accept negative values. Off by default: ratings, counts and clicks are never negative, so a
    /// negative value is far more often a shifted column than data.
    public var allowNegative: Bool
    /// What to do when the same (user, item) appears twice. Matrix Market files honour it too.
    public var duplicates: DuplicatePolicy
    /// Skip malformed lines, counting them by reason in `LoadResult.skipped`, instead of
    /// throwing `ALSError.malformedLine` at the first one.
    public var skipInvalid: Bool
    public var progress: LoadProgress
    /// Worker threads for parsing and building; nil uses every online core.
    public var threads: Int?

    public init(format: DataFormat? = nil, delimiter: Delimiter? = nil,
                userColumn: ColumnSelector = .automatic, itemColumn: ColumnSelector = .automatic,
                valueColumn: ColumnSelector = .automatic, timestampColumn: ColumnSelector = .automatic,
                header: HeaderMode = .auto, userIDs: IDKind = .auto, itemIDs: IDKind = .auto,
                allowNegative: Bool = false, duplicates: DuplicatePolicy = .sum,
                skipInvalid: Bool = false, progress: LoadProgress = .automatic, threads: Int? = nil) {
        self.format = format
        self.delimiter = delimiter
        self.userColumn = userColumn
        self.itemColumn = itemColumn
        self.valueColumn = valueColumn
        self.timestampColumn = timestampColumn
        self.header = header
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.allowNegative = allowNegative
        self.duplicates = duplicates
        self.skipInvalid = skipInvalid
        self.progress = progress
        self.threads = threads
    }

    /// Throws `ALSError.invalidConfiguration` for combinations that cannot work.
    @_spi(Engine) public func validate() throws {
        for (name, c) in [("user column", userColumn), ("item column", itemColumn)] where c == .absent {
            throw ALSError.invalidConfiguration(parameter: name, reason: "every interaction needs a user and an item; pass a position or a header name")
        }
        for (name, c) in [("user column", userColumn), ("item column", itemColumn),
                          ("value column", valueColumn), ("timestamp column", timestampColumn)] {
            if case .position(let n) = c, n < 1 {
                throw ALSError.invalidConfiguration(parameter: name, reason: "positions count from 1, got \(n)")
            }
        }
        if let t = threads, t < 1 {
            throw ALSError.invalidConfiguration(parameter: "threads", reason: "need at least 1, got \(t)")
        }
    }
}
