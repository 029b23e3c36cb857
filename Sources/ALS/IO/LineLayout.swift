/// What a field of a delimited line holds.
enum _FieldRole: UInt8, Sendable {
    case ignored, user, item, value, timestamp

    /// The field's name in error messages.
    var label: String {
        switch self {
        case .ignored: return "field"
        case .user: return "user id"
        case .item: return "item id"
        case .value: return "value"
        case .timestamp: return "timestamp"
        }
    }
}

/// How the ids of one column are collected while parsing.
enum _IDMode: Sendable, Equatable {
    /// Integers in `0 ..< 2³²` stored as they are and mapped to dense indices after parsing
    /// through a presence table (or a sorted list when the largest id is far above the count).
    /// The fast path: MovieLens, Gowalla and most public data sets have such ids.
    case direct
    /// Any `Int64`, numbered per thread through a dictionary, then sorted.
    case wideIntegers
    /// Text, numbered per thread in order of first appearance, then merged in file order.
    case text
}

/// Everything the line parser needs to know about a file's lines, settled before parsing starts
/// (from the options, the format and a look at the first lines).
struct _LineLayout: Sendable {
    /// Field separator; empty means runs of spaces and tabs.
    var delimiter: [UInt8]
    /// `user item item …` lines instead of fixed fields.
    var adjacency = false
    /// Exact number of fields per line (delimited formats only).
    var fieldCount = 0
    /// Role of each field, `fieldCount` entries.
    var roles: [_FieldRole] = []
    /// The first non-blank line is a header and is not data.
    var skipsHeader = false
    var userKind: IDKind = .auto
    var itemKind: IDKind = .auto
    var userMode: _IDMode = .direct
    var itemMode: _IDMode = .direct
    /// Average bytes per stored entry in the sample, to reserve column capacity.
    var bytesPerEntry = 16.0

    var hasTimestamps: Bool { roles.contains(.timestamp) }

    /// The collection mode a kind starts with.
    static func initialMode(_ kind: IDKind) -> _IDMode { kind == .text ? .text : .direct }
}
