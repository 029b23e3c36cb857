/// Why a region stopped before its end.
enum _RegionStop: Sendable {
    /// A malformed line with `skipInvalid` off. Its line number is local to the region.
    case invalid(InvalidLine)
    /// An id column needs another collection mode (an integer outside `0 ..< 2³²`); the whole
    /// file is parsed again with `mode`.
    case restart(user: Bool, mode: _IDMode)
}

/// Numbers keys in order of first appearance: the first key seen is 0, the next new one 1, …
struct _Numbering<Key: Hashable> {
    private(set) var keys: [Key] = []
    private var index: [Key: UInt32] = [:]

    mutating func number(_ k: Key) -> UInt32 {
        if let i = index[k] { return i }
        let i = UInt32(keys.count)
        keys.append(k)
        index[k] = i
        return i
    }
}

/// The ids of one column seen by one thread, when they are numbered through a dictionary.
struct _LocalIDs {
    var text = _Numbering<String>()
    var wide = _Numbering<Int64>()
    /// Largest id, in `.direct` mode.
    var maxDirect: UInt32 = 0
}

/// A problem found in one line, before it becomes an `InvalidLine` (which needs the line start
/// for the column, and a `String` that the common path never builds).
struct _LineIssue {
    var reason: InvalidLineReason
    var detail: String
    /// The offending field, or nil when the whole line is at fault.
    var field: (UnsafePointer<UInt8>, UnsafePointer<UInt8>)?

    /// Returned when the parser has asked for a restart (`_RegionStop.restart`): the line is
    /// abandoned, and is not reported, because the whole file will be parsed again.
    static var abandoned: _LineIssue { _LineIssue(reason: .notANumber, detail: "", field: nil) }
}

/// An id field, checked but not yet numbered: its integer (direct and wide modes) or, in text
/// mode, its bytes. Trivial on purpose: the hot loop copies it without reference counting.
struct _PendingID {
    var integer: Int64 = 0
    var start: UnsafePointer<UInt8>?
    var end: UnsafePointer<UInt8>?
}

/// Parses one contiguous byte range of a file (starting at a line start) into columns. Each
/// thread owns one parser; the columns are handed to the builder afterwards.
///
/// A line is committed only once every field checks out, so a skipped line leaves no trace
/// (not even an id in a map).
struct _RegionParser {
    let layout: _LineLayout
    let allowNegative: Bool
    let skipInvalid: Bool
    /// Keep each entry's line number (for `DuplicatePolicy.error` messages).
    let keepLines: Bool
    /// The layout has a timestamp column (kept apart: the hot loop asks once per line).
    let hasTimestamps: Bool
    /// The separator, when lines can take the one-pass fast path: fields exactly user, item,
    /// [value, [timestamp]] in that order, one separator byte, integer ids in direct mode.
    let fastDelimiter: UInt8?
    let fastHasValue: Bool

    var users = _ParsedColumn<UInt32>()
    var items = _ParsedColumn<UInt32>()
    var values = _ParsedColumn<Float>()
    var timestamps = _ParsedColumn<Int64>()
    /// Line number of each entry, local to the region (only with `keepLines`).
    var lines = _ParsedColumn<Int32>()
    var userIDs = _LocalIDs()
    var itemIDs = _LocalIDs()
    /// Users named on an adjacency line with no item (they still get a dense index).
    var lonelyUsers: [UInt32] = []
    /// Lines seen (blank ones included), which is also the local number of the last line.
    var lineCount = 0
    var skipped = SkippedLines()
    var stop: _RegionStop?

    init(layout: _LineLayout, allowNegative: Bool, skipInvalid: Bool, keepLines: Bool, expectedBytes: Int) {
        self.layout = layout
        self.allowNegative = allowNegative
        self.skipInvalid = skipInvalid
        self.keepLines = keepLines
        hasTimestamps = layout.hasTimestamps
        let simpleRoles: [[_FieldRole]] = [[.user, .item], [.user, .item, .value], [.user, .item, .value, .timestamp]]
        fastDelimiter = !layout.adjacency && layout.delimiter.count == 1 && simpleRoles.contains(layout.roles)
            && layout.userMode == .direct && layout.itemMode == .direct ? layout.delimiter[0] : nil
        fastHasValue = layout.roles.count >= 3
        let reserve = Int(Double(expectedBytes) / max(2, layout.bytesPerEntry) * 1.05) + 16
        users = _ParsedColumn(reserving: reserve)
        items = _ParsedColumn(reserving: reserve)
        values = _ParsedColumn(reserving: reserve)
        if hasTimestamps { timestamps = _ParsedColumn(reserving: reserve) }
    }

    /// Frees every column.
    mutating func free() {
        users.free()
        items.free()
        values.free()
        timestamps.free()
        lines.free()
    }

    // MARK: - Reading

    /// Parses bytes `range` of `file`. With `isFirst`, a UTF-8 byte order mark is skipped and so
    /// is the header line when the layout has one. `progress` is called with the bytes read since
    /// its last call, once per block.
    mutating func run(file: _InputFile, range: Range<Int>, isFirst: Bool, progress: ((Int) -> Void)?) throws {
        // The layout's arrays are pinned once here rather than once per line.
        let delimiter = layout.delimiter, roles = layout.roles
        try delimiter.withUnsafeBufferPointer { d in
            try roles.withUnsafeBufferPointer { roles in
                try run(file: file, range: range, isFirst: isFirst, progress: progress, d, roles)
            }
        }
    }

    private mutating func run(file: _InputFile, range: Range<Int>, isFirst: Bool, progress: ((Int) -> Void)?,
                              _ d: UnsafeBufferPointer<UInt8>, _ roles: UnsafeBufferPointer<_FieldRole>) throws {
        var capacity = 1 << 22
        guard var buffer = _Platform.allocate(byteCount: capacity)?.assumingMemoryBound(to: UInt8.self) else {
            throw ALSError.io(path: file.path, reason: "out of memory allocating a \(capacity >> 20) MiB read buffer")
        }
        defer { _Platform.free(buffer) }
        var carry = 0
        var position = range.lowerBound
        var atFileStart = isFirst
        var headerPending = isFirst && layout.skipsHeader
        reading: while true {
            let want = min(capacity - carry, range.upperBound - position)
            let got = want > 0 ? try file.read(into: buffer + carry, count: want, at: position) : 0
            guard got == want else {
                throw ALSError.io(path: file.path, reason: "the file became shorter while it was read")
            }
            position += got
            let last = position >= range.upperBound
            var lineStart = UnsafePointer(buffer)
            let dataEnd = UnsafePointer(buffer + carry + got)
            if atFileStart {
                atFileStart = false
                lineStart = _Lines.skippingByteOrderMark(lineStart, dataEnd)
            }
            let (rest, stopped) = _Lines.forEach(from: lineStart, to: dataEnd, final: last) { start, end in
                handle(start, end, d, roles, headerPending: &headerPending)
                return stop == nil
            }
            if stopped { break reading }
            progress?(got)
            if last { break }
            lineStart = rest
            carry = dataEnd - lineStart
            if carry > 0 { _Platform.moveMemory(to: buffer, from: lineStart, byteCount: carry) }
            if carry == capacity {
                // One line longer than the buffer: grow it.
                capacity *= 2
                guard let grown = _Platform.reallocate(buffer, byteCount: capacity) else {
                    throw ALSError.io(path: file.path, reason: "out of memory growing the read buffer to \(capacity >> 20) MiB for one line")
                }
                buffer = grown.assumingMemoryBound(to: UInt8.self)
            }
        }
    }

    /// One line (see `_Lines`): skips blank lines and the header, parses, and records what went
    /// wrong.
    @inline(__always)
    private mutating func handle(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ d: UnsafeBufferPointer<UInt8>,
                                 _ roles: UnsafeBufferPointer<_FieldRole>, headerPending: inout Bool) {
        lineCount += 1
        if end == start { return }
        if _Lines.isBlank(start, end) { return }
        if headerPending {
            headerPending = false
            return
        }
        if let d = fastDelimiter, parseFast(start, end, d) { return }
        var issue: _LineIssue?
        let stored = layout.adjacency ? parseAdjacency(start, end, issue: &issue) : parseDelimited(start, end, d, roles, issue: &issue)
        guard !stored, let issue else { return }  // stored, or abandoned for a restart
        let bad = _invalidLine(issue, line: lineCount, lineStart: start, lineEnd: end)
        if skipInvalid {
            skipped.counts[bad.reason, default: 0] += 1
            if skipped.examples.count < SkippedLines.exampleLimit { skipped.examples.append(bad) }
        } else {
            stop = .invalid(bad)
        }
    }

    // MARK: - Fields

    /// Checks one id field into `id`. Returns false when the line cannot be stored: `issue` says
    /// why, or is nil after a restart in another collection mode was asked for (`stop`).
    @inline(__always)
    private mutating func readID(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ d: UnsafeBufferPointer<UInt8>,
                                 user: Bool, next: inout UnsafePointer<UInt8>, id: inout _PendingID,
                                 issue: inout _LineIssue?) -> Bool {
        let mode = user ? layout.userMode : layout.itemMode
        let role: _FieldRole = user ? .user : .item
        if mode != .text, let (v, q) = _parseInt64(p, end), _Lines.endsField(q, end, d) {
            next = q
            id.integer = v
            if mode == .wideIntegers || (v >= 0 && v <= Int64(UInt32.max)) { return true }
            stop = .restart(user: user, mode: .wideIntegers)
            return false
        }
        let q = _Lines.fieldEnd(p, end, d)
        next = q
        if q == p {
            issue = _LineIssue(reason: .emptyField, detail: "empty \(role.label)", field: (p, q))
            return false
        }
        if mode == .text {
            id.start = p
            id.end = q
            return true
        }
        if (user ? layout.userKind : layout.itemKind) == .auto {
            // The column's first id was an integer (see `_FormatDetection.layout`).
            issue = _LineIssue(reason: .textAfterIntegerIDs, detail: role.label, field: (p, q))
            return false
        }
        // An integer column: all digits means too large, anything else is not a number.
        var digits = p
        _ = _skipSign(&digits, q)
        while digits < q, digits.pointee &- 48 <= 9 { digits += 1 }
        issue = digits == q && q - p > 1
            ? _LineIssue(reason: .idOutOfRange, detail: "\(role.label) does not fit in 64 bits", field: (p, q))
            : _LineIssue(reason: .notANumber, detail: "\(role.label) is not an integer", field: (p, q))
        return false
    }

    /// The text of a text-mode id, or nil (and an issue) when it is not valid UTF-8.
    private func idText(_ id: _PendingID, user: Bool, issue: inout _LineIssue?) -> String? {
        let (p, q) = (id.start!, id.end!)
        if let s = String(validating: UnsafeBufferPointer(start: p, count: q - p), as: UTF8.self) { return s }
        issue = _LineIssue(reason: .invalidUTF8, detail: "\((user ? _FieldRole.user : .item).label) is not valid UTF-8",
                           field: (p, q))
        return nil
    }

    /// Numbers a checked id (with its text in text mode) and returns what goes into the column.
    @inline(__always)
    private mutating func number(_ id: _PendingID, text: String?, user: Bool) -> UInt32 {
        switch user ? layout.userMode : layout.itemMode {
        case .direct:
            let v = UInt32(truncatingIfNeeded: id.integer)
            if user { userIDs.maxDirect = max(userIDs.maxDirect, v) } else { itemIDs.maxDirect = max(itemIDs.maxDirect, v) }
            return v
        case .wideIntegers: return user ? userIDs.wide.number(id.integer) : itemIDs.wide.number(id.integer)
        case .text: return user ? userIDs.text.number(text!) : itemIDs.text.number(text!)
        }
    }

    /// Checks a value field: a finite number, non-negative unless allowed.
    @inline(__always)
    private func readValue(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ d: UnsafeBufferPointer<UInt8>,
                           next: inout UnsafePointer<UInt8>, value: inout Float, issue: inout _LineIssue?) -> Bool {
        if let (x, q) = _parseFloatFast(p, end), _Lines.endsField(q, end, d) {
            value = x
            next = q
        } else {
            let q = _Lines.fieldEnd(p, end, d)
            next = q
            if q == p {
                issue = _LineIssue(reason: .emptyField, detail: "empty value", field: (p, q))
                return false
            }
            guard let x = _parseFloatSlow(p, q) else {
                issue = _LineIssue(reason: .notANumber, detail: "value is not a number", field: (p, q))
                return false
            }
            guard x.isFinite else {
                issue = _LineIssue(reason: .nonFinite, detail: "value is NaN or infinite", field: (p, q))
                return false
            }
            value = x
        }
        if value < 0, !allowNegative {
            issue = _LineIssue(reason: .negativeValue, detail: "negative value (pass `allowNegative: true` to accept it)", field: (p, next))
            return false
        }
        return true
    }

    /// Checks a timestamp field: an integer.
    @inline(__always)
    private func readTimestamp(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ d: UnsafeBufferPointer<UInt8>,
                               next: inout UnsafePointer<UInt8>, timestamp: inout Int64, issue: inout _LineIssue?) -> Bool {
        if let (v, q) = _parseInt64(p, end), _Lines.endsField(q, end, d) {
            next = q
            timestamp = v
            return true
        }
        let q = _Lines.fieldEnd(p, end, d)
        next = q
        issue = q == p ? _LineIssue(reason: .emptyField, detail: "empty timestamp", field: (p, q))
                       : _LineIssue(reason: .notANumber, detail: "timestamp is not an integer", field: (p, q))
        return false
    }

    /// Counts the fields of a line, for the missing/extra columns message.
    private func countFields(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ d: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 1
        var p = start
        while p < end {
            if _Lines.delimiterAt(p, end, d) {
                n += 1
                p += d.isEmpty ? 1 : d.count
                if d.isEmpty { while p < end, _Lines.isWhitespace(p.pointee) { p += 1 } }
            } else {
                p += 1
            }
        }
        return n
    }

    // MARK: - Lines

    /// The common line in one pass: `user<d>item[<d>value[<d>timestamp]]` with integer ids in
    /// `0 ..< 2³²` and a short decimal value. Returns false, having stored nothing, at the first
    /// surprise; the general parser then reads the line again and says what is wrong (or asks for
    /// a restart).
    @inline(__always)
    private mutating func parseFast(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ d: UInt8) -> Bool {
        guard let (u, p1) = _parseInt64(start, end), p1 < end, p1.pointee == d, u >= 0, u <= Int64(UInt32.max),
              let (i, p2) = _parseInt64(p1 + 1, end), i >= 0, i <= Int64(UInt32.max) else { return false }
        var q = p2
        var value: Float = 1
        if fastHasValue {
            guard q < end, q.pointee == d, let (v, p3) = _parseFloatFast(q + 1, end), v >= 0 || allowNegative else { return false }
            value = v
            q = p3
        }
        var timestamp: Int64 = 0
        if hasTimestamps {
            guard q < end, q.pointee == d, let (t, p4) = _parseInt64(q + 1, end) else { return false }
            timestamp = t
            q = p4
        }
        guard q == end else { return false }
        let user = UInt32(truncatingIfNeeded: u), item = UInt32(truncatingIfNeeded: i)
        userIDs.maxDirect = max(userIDs.maxDirect, user)
        itemIDs.maxDirect = max(itemIDs.maxDirect, item)
        users.append(user)
        items.append(item)
        values.append(value)
        if hasTimestamps { timestamps.append(timestamp) }
        if keepLines { lines.append(Int32(truncatingIfNeeded: lineCount)) }
        return true
    }

    /// A line of exactly `roles.count` fields. Returns true when the line was stored; otherwise
    /// `issue` says why (nil when a restart was asked for).
    @inline(__always)
    private mutating func parseDelimited(_ lineStart: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>,
                                         _ d: UnsafeBufferPointer<UInt8>, _ roles: UnsafeBufferPointer<_FieldRole>,
                                         issue: inout _LineIssue?) -> Bool {
        let (start, end) = d.isEmpty ? _Lines.trimmed(lineStart, lineEnd) : (lineStart, lineEnd)
        var user = _PendingID(), item = _PendingID()
        var value: Float = 1
        var timestamp: Int64 = 0
        var p = start
        for f in 0 ..< roles.count {
            if f > 0 {
                if p >= end {
                    issue = _LineIssue(reason: .missingColumns, detail: "missing columns: expected \(roles.count) fields, found \(f)",
                                       field: nil)
                    return false
                }
                if d.isEmpty {
                    while p < end, _Lines.isWhitespace(p.pointee) { p += 1 }
                } else {
                    p += d.count
                }
            }
            var next = p
            let ok: Bool
            switch roles[f] {
            case .ignored:
                next = _Lines.fieldEnd(p, end, d)
                ok = true
            case .user: ok = readID(p, end, d, user: true, next: &next, id: &user, issue: &issue)
            case .item: ok = readID(p, end, d, user: false, next: &next, id: &item, issue: &issue)
            case .value: ok = readValue(p, end, d, next: &next, value: &value, issue: &issue)
            case .timestamp: ok = readTimestamp(p, end, d, next: &next, timestamp: &timestamp, issue: &issue)
            }
            if !ok { return false }
            p = next
        }
        if p < end {
            let n = countFields(start, end, d)
            issue = _LineIssue(reason: .extraColumns, detail: "extra columns: expected \(roles.count) fields, found \(n)", field: nil)
            return false
        }
        var userText: String?, itemText: String?
        if layout.userMode == .text {
            guard let s = idText(user, user: true, issue: &issue) else { return false }
            userText = s
        }
        if layout.itemMode == .text {
            guard let s = idText(item, user: false, issue: &issue) else { return false }
            itemText = s
        }
        users.append(number(user, text: userText, user: true))
        items.append(number(item, text: itemText, user: false))
        values.append(value)
        if hasTimestamps { timestamps.append(timestamp) }
        if keepLines { lines.append(Int32(truncatingIfNeeded: lineCount)) }
        return true
    }

    /// A `user item item …` line; each item is stored with value 1. A line holding only a user
    /// still gives that user a dense index.
    private mutating func parseAdjacency(_ lineStart: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>,
                                         issue: inout _LineIssue?) -> Bool {
        let (start, end) = _Lines.trimmed(lineStart, lineEnd)
        let whitespace = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var next = start
        var user = _PendingID()
        guard readID(start, end, whitespace, user: true, next: &next, id: &user, issue: &issue) else { return false }
        // Check every item before numbering anything, so that a bad line leaves no id behind.
        var pending: [_PendingID] = []
        var p = next
        while p < end {
            while p < end, _Lines.isWhitespace(p.pointee) { p += 1 }
            var item = _PendingID()
            guard readID(p, end, whitespace, user: false, next: &next, id: &item, issue: &issue) else { return false }
            pending.append(item)
            p = next
        }
        var texts: [String?] = []
        for (k, id) in ([user] + pending).enumerated() {
            let isUser = k == 0
            if (isUser ? layout.userMode : layout.itemMode) == .text {
                guard let s = idText(id, user: isUser, issue: &issue) else { return false }
                texts.append(s)
            } else {
                texts.append(nil)
            }
        }
        let u = number(user, text: texts[0], user: true)
        if pending.isEmpty {
            lonelyUsers.append(u)
            return true
        }
        for (k, id) in pending.enumerated() {
            users.append(u)
            items.append(number(id, text: texts[k + 1], user: false))
            values.append(1)
            if keepLines { lines.append(Int32(truncatingIfNeeded: lineCount)) }
        }
        return true
    }
}

/// Turns a line issue into an `InvalidLine` with a 1-based character column and the text.
func _invalidLine(_ issue: _LineIssue, line: Int, lineStart: UnsafePointer<UInt8>, lineEnd: UnsafePointer<UInt8>) -> InvalidLine {
    func text(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>) -> String {
        let s = String(decoding: UnsafeBufferPointer(start: a, count: b - a), as: UTF8.self)
        return s.count > 120 ? String(s.prefix(117)) + "..." : s
    }
    guard let (a, b) = issue.field else {
        return InvalidLine(line: line, column: 0, text: text(lineStart, lineEnd), reason: issue.reason, detail: issue.detail)
    }
    // Characters before the field: bytes that do not continue a UTF-8 sequence.
    var column = 1
    var p = lineStart
    while p < a {
        if p.pointee & 0xC0 != 0x80 { column += 1 }
        p += 1
    }
    return InvalidLine(line: line, column: column, text: text(a, b), reason: issue.reason, detail: issue.detail)
}
