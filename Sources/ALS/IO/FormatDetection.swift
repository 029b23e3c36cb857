/// The first lines of a file: enough to recognise its format and settle its layout.
struct _Sample {
    /// Up to `maxLines` non-blank lines, without line ends, byte order mark or carriage return.
    var lines: [[UInt8]] = []
    /// Bytes the sampled lines occupy in the file.
    var bytes = 0
    /// The raw first bytes (for magic numbers).
    var head: [UInt8] = []

    static let maxLines = 64

    init(_ raw: [UInt8], wholeFile: Bool) {
        head = raw
        var start = 0
        if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { start = 3 }
        var i = start
        while i < raw.count, lines.count < Self.maxLines {
            guard let nl = raw[i...].firstIndex(of: 10) ?? (wholeFile ? raw.count : nil) else { break }
            var line = Array(raw[i ..< nl])
            if line.last == 13 { line.removeLast() }
            if line.contains(where: { $0 != 32 && $0 != 9 }) { lines.append(line) }
            i = nl + 1
        }
        // A file whose first line does not fit in the window still gets one (partial) line.
        if lines.isEmpty, i == start, raw.count > start { lines.append(Array(raw[start...])) }
        bytes = max(1, min(i, raw.count) - start)
    }
}

/// Splits a sampled line into fields (runs of spaces and tabs when `delimiter` is empty).
func _splitFields(_ line: [UInt8], _ delimiter: [UInt8]) -> [[UInt8]] {
    if delimiter.isEmpty {
        return line.split(whereSeparator: { $0 == 32 || $0 == 9 }).map(Array.init)
    }
    var fields: [[UInt8]] = []
    var current: [UInt8] = []
    var i = 0
    while i < line.count {
        if line[i] == delimiter[0], i + delimiter.count <= line.count,
           Array(line[i ..< i + delimiter.count]) == delimiter {
            fields.append(current)
            current = []
            i += delimiter.count
        } else {
            current.append(line[i])
            i += 1
        }
    }
    fields.append(current)
    return fields
}

func _isInteger(_ field: [UInt8]) -> Bool {
    field.withUnsafeBufferPointer { b in
        guard let base = b.baseAddress, let (_, q) = _parseInt64(base, base + b.count) else { return false }
        return q == base + b.count
    }
}

func _isNumber(_ field: [UInt8]) -> Bool {
    field.withUnsafeBufferPointer { b in
        guard let base = b.baseAddress else { return false }
        return _parseFloatSlow(base, base + b.count) != nil
    }
}

/// Header names recognised for each role, lower-cased (MovieLens, Last.fm, Amazon, generic).
let _headerAliases: [_FieldRole: Set<String>] = [
    .user: ["userid", "user_id", "user", "uid", "customer_id", "customerid", "visitorid"],
    .item: ["movieid", "movie_id", "itemid", "item_id", "item", "iid", "movie", "artistid", "artist_id",
            "trackid", "track_id", "productid", "product_id", "asin"],
    .value: ["rating", "ratings", "value", "count", "weight", "plays", "playcount", "play_count", "score", "clicks"],
    .timestamp: ["timestamp", "time", "ts", "unixtime", "unix_time"],
]

/// A header field, trimmed of spaces and quotes and lower-cased, for comparison.
func _headerName(_ field: [UInt8]) -> String {
    var s = Substring(String(decoding: field, as: UTF8.self))
    s = s.drop(while: { $0 == " " || $0 == "\"" || $0 == "'" })
    while let c = s.last, c == " " || c == "\"" || c == "'" { s = s.dropLast() }
    return s.lowercased()
}

enum _FormatDetection {
    /// Recognises the format from the content, unless `options.format` forces it.
    static func format(of sample: _Sample, options: LoadOptions, path: String) throws -> DataFormat {
        if sample.head.starts(with: BinaryCache.magic) { return .binaryCache }
        let text = sample.lines.first ?? []
        if options.format == nil, text.starts(with: Array("%%MatrixMarket".utf8)) { return .matrixMarket }
        if let forced = options.format { return forced }
        if sample.head.contains(0) {
            throw ALSError.unknownFormat(file: path, reason: "binary content that is not a SwiftALS cache")
        }
        guard !sample.lines.isEmpty else { throw ALSError.emptyInput(file: path) }
        if let d = options.delimiter { return d == .comma ? .csv : .delimited }
        if text.contains(UInt8(ascii: ":")), _splitFields(text, Delimiter.doubleColon.bytes).count >= 3 {
            return .movieLensDat
        }
        if text.contains(9) {
            let data = sample.lines.map { _splitFields($0, [9]) }
            let looksLike100K = data.allSatisfy { $0.count == 4 && $0.allSatisfy(_isNumber) }
                && data.allSatisfy { _isInteger($0[0]) && _isInteger($0[1]) && _isInteger($0[3]) }
            return looksLike100K ? .movieLens100K : .delimited
        }
        if text.contains(UInt8(ascii: ",")) { return .csv }
        if text.contains(UInt8(ascii: ";")) || text.contains(UInt8(ascii: "|")) { return .delimited }
        if text.contains(32) {
            let data = sample.lines.map { _splitFields($0, []) }
            let counts = Set(data.map(\.count))
            let allIntegers = data.allSatisfy { $0.allSatisfy(_isInteger) }
            // Adjacency lists vary in length; fixed-width lines of up to four fields are records.
            if allIntegers, counts.count > 1 || counts.contains(where: { $0 > 4 }) { return .adjacency }
            if counts.allSatisfy({ $0 >= 2 }) { return .delimited }
        }
        throw ALSError.unknownFormat(
            file: path, reason: "the first line has a single field; expected at least a user and an item per line")
    }

    /// The field separator: the option, the format's own, or the one the first line uses.
    static func delimiter(for format: DataFormat, sample: _Sample, options: LoadOptions) -> [UInt8] {
        if let d = options.delimiter { return d.bytes }
        switch format {
        case .movieLens100K: return Delimiter.tab.bytes
        case .movieLensDat: return Delimiter.doubleColon.bytes
        case .csv: return Delimiter.comma.bytes
        case .adjacency, .matrixMarket, .binaryCache: return Delimiter.whitespace.bytes
        case .delimited:
            let first = sample.lines.first ?? []
            for candidate: UInt8 in [9, UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: ",")] where first.contains(candidate) {
                return [candidate]
            }
            return Delimiter.whitespace.bytes
        }
    }

    /// Settles the line layout of a text format: delimiter, header, field roles, id kinds.
    static func layout(for format: DataFormat, sample: _Sample, options: LoadOptions, path: String) throws -> _LineLayout {
        guard !sample.lines.isEmpty else { throw ALSError.emptyInput(file: path) }
        let isMovieLens = format == .movieLens100K || format == .movieLensDat
        let integerFormat = isMovieLens || format == .adjacency
        var layout = _LineLayout(delimiter: delimiter(for: format, sample: sample, options: options))
        layout.userKind = options.userIDs == .auto && integerFormat ? .integer : options.userIDs
        layout.itemKind = options.itemIDs == .auto && integerFormat ? .integer : options.itemIDs
        let rows = sample.lines.map { _splitFields($0, layout.delimiter) }
        if format == .adjacency {
            layout.adjacency = true
            layout.skipsHeader = options.header == .yes
            let data = layout.skipsHeader ? Array(rows.dropFirst()) : rows
            let entries = data.reduce(0) { $0 + max(1, $1.count - 1) }
            layout.bytesPerEntry = Double(sample.bytes) / Double(max(1, entries))
            layout.userMode = _LineLayout.initialMode(layout.userKind)
            layout.itemMode = _LineLayout.initialMode(layout.itemKind)
            return layout
        }

        // Header: forced, absent in MovieLens files, or recognised.
        let first = rows[0]
        let hasHeader: Bool
        switch options.header {
        case .yes: hasHeader = true
        case .no: hasHeader = false
        case .auto:
            if isMovieLens {
                hasHeader = false
            } else {
                let known = first.contains { f in _headerAliases.values.contains { $0.contains(_headerName(f)) } }
                let second = rows.count > 1 ? rows[1] : nil
                let textOverNumber = second.map { s in
                    zip(first, s).contains { !_isNumber($0) && _isNumber($1) }
                } ?? false
                hasHeader = known || textOverNumber
            }
        }
        layout.skipsHeader = hasHeader
        layout.fieldCount = first.count
        let names = hasHeader ? first.map(_headerName) : nil

        func resolve(_ selector: ColumnSelector, _ role: _FieldRole, defaultPosition: Int) throws -> Int? {
            switch selector {
            case .absent: return nil
            case .position(let n):
                guard n <= layout.fieldCount else {
                    throw ALSError.invalidConfiguration(
                        parameter: "\(role.label) column",
                        reason: "position \(n) but the first line of \(path) has \(layout.fieldCount) fields")
                }
                return n - 1
            case .name(let name):
                guard let names else {
                    throw ALSError.invalidConfiguration(
                        parameter: "\(role.label) column",
                        reason: "\"\(name)\" is a header name but \(path) has no header (pass `header: .yes`, or a position)")
                }
                guard let i = names.firstIndex(of: name.lowercased()) else {
                    throw ALSError.invalidConfiguration(
                        parameter: "\(role.label) column",
                        reason: "no header field is named \"\(name)\"; the header has \(names.joined(separator: ", "))")
                }
                return i
            case .automatic:
                if let names, let i = names.firstIndex(where: { _headerAliases[role, default: []].contains($0) }) { return i }
                return defaultPosition < layout.fieldCount ? defaultPosition : nil
            }
        }
        let user = try resolve(options.userColumn, .user, defaultPosition: 0)
        let item = try resolve(options.itemColumn, .item, defaultPosition: 1)
        let value = try resolve(options.valueColumn, .value, defaultPosition: 2)
        let timestamp = try resolve(options.timestampColumn, .timestamp, defaultPosition: 3)
        guard let user, let item else {
            throw ALSError.unknownFormat(file: path, reason: "each line needs at least a user and an item field")
        }
        var roles = [_FieldRole](repeating: .ignored, count: layout.fieldCount)
        for (index, role) in [(user, _FieldRole.user), (item, .item), (value, .value), (timestamp, .timestamp)] {
            guard let index else { continue }
            guard roles[index] == .ignored else {
                throw ALSError.invalidConfiguration(
                    parameter: "\(role.label) column", reason: "field \(index + 1) is already the \(roles[index].label) column")
            }
            roles[index] = role
        }
        layout.roles = roles

        // An `.auto` column takes the kind of its first id: text ids stay text (an integer is
        // valid text), and integer ids stay integers, so a later text id is an error naming its
        // line (`InvalidLineReason.textAfterIntegerIDs`) rather than a silent switch of every id
        // of the column to text.
        let data = hasHeader ? Array(rows.dropFirst()) : rows
        func initialMode(_ kind: IDKind, _ index: Int) -> _IDMode {
            guard kind == .auto else { return _LineLayout.initialMode(kind) }
            let first = data.lazy.compactMap { $0.count > index ? $0[index] : nil }.first
            return first.map(_isInteger) ?? true ? .direct : .text
        }
        layout.userMode = initialMode(layout.userKind, user)
        layout.itemMode = initialMode(layout.itemKind, item)
        layout.bytesPerEntry = Double(sample.bytes) / Double(max(1, data.count))
        return layout
    }
}
