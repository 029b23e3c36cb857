/// The one line parser: how every text reader of the library (`_RegionParser` for the data
/// files, `SplitFiles` for the strict split files, `InteractionList` for a user's interactions)
/// cuts bytes into lines and fields and reads numbers from them. Straight from bytes, no
/// `String` per line; a field becomes a `String` only for ids kept as text and for messages.
///
/// A line is the bytes before a "\n" without a trailing "\r"; the last line of a file needs no
/// "\n". A field ends at the next delimiter or at the line's end; the empty delimiter means runs
/// of spaces and tabs.
enum _Lines {
    typealias Pointer = UnsafePointer<UInt8>

    /// Calls `body(start, end)` with each complete line of `start ..< end`, until it returns
    /// false. With `final`, the bytes after the last "\n" are a line too; otherwise they are an
    /// unfinished line, left for the caller to carry into the next chunk.
    ///
    /// - Returns: where the unread bytes start (the unfinished line, or the line after the one
    ///   `body` stopped at), and whether `body` stopped the scan.
    @inline(__always)
    static func forEach(from start: Pointer, to end: Pointer, final: Bool,
                        _ body: (Pointer, Pointer) throws -> Bool) rethrows -> (rest: Pointer, stopped: Bool) {
        var lineStart = start
        while let newline = _Platform.firstIndex(of: 10, in: lineStart, count: end - lineStart) {
            let go = try body(lineStart, withoutCarriageReturn(lineStart, newline))
            lineStart = newline + 1
            if !go { return (lineStart, true) }
        }
        if final, lineStart < end {
            let go = try body(lineStart, withoutCarriageReturn(lineStart, end))
            return (end, !go)
        }
        return (lineStart, false)
    }

    /// `start`, or three bytes after it when the bytes begin with a UTF-8 byte-order mark.
    @inline(__always)
    static func skippingByteOrderMark(_ start: Pointer, _ end: Pointer) -> Pointer {
        end - start >= 3 && start[0] == 0xEF && start[1] == 0xBB && start[2] == 0xBF ? start + 3 : start
    }

    /// `end`, or one byte before it when the line ends in "\r".
    @inline(__always)
    static func withoutCarriageReturn(_ start: Pointer, _ end: Pointer) -> Pointer {
        end > start && end[-1] == 13 ? end - 1 : end
    }

    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool { b == 32 || b == 9 }

    /// True when the line holds nothing but spaces and tabs.
    @inline(__always)
    static func isBlank(_ start: Pointer, _ end: Pointer) -> Bool {
        var p = start
        while p < end, isWhitespace(p.pointee) { p += 1 }
        return p == end
    }

    /// The field `start ..< end` without leading and trailing spaces and tabs.
    @inline(__always)
    static func trimmed(_ start: Pointer, _ end: Pointer) -> (Pointer, Pointer) {
        var p = start, q = end
        while p < q, isWhitespace(p.pointee) { p += 1 }
        while q > p, isWhitespace(q[-1]) { q -= 1 }
        return (p, q)
    }

    /// True when the delimiter `d` starts at `p` (`p < end`).
    @inline(__always)
    static func delimiterAt(_ p: Pointer, _ end: Pointer, _ d: UnsafeBufferPointer<UInt8>) -> Bool {
        if d.isEmpty { return isWhitespace(p.pointee) }
        guard p.pointee == d[0] else { return false }
        if d.count == 1 { return true }
        guard end - p >= d.count else { return false }
        for k in 1 ..< d.count where p[k] != d[k] { return false }
        return true
    }

    /// True when the field that started before `q` ends exactly at `q`.
    @inline(__always)
    static func endsField(_ q: Pointer, _ end: Pointer, _ d: UnsafeBufferPointer<UInt8>) -> Bool {
        q == end || delimiterAt(q, end, d)
    }

    /// The end of the field starting at `p`: the next delimiter or the line's end.
    @inline(__always)
    static func fieldEnd(_ p: Pointer, _ end: Pointer, _ d: UnsafeBufferPointer<UInt8>) -> Pointer {
        var q = p
        while q < end, !delimiterAt(q, end, d) { q += 1 }
        return q
    }

    /// The fields of `start ..< end`, split at every occurrence of one of `separators` (an empty
    /// field where two separators meet), at most `limit` fields (the last one keeps the rest).
    static func split(_ start: Pointer, _ end: Pointer, at separators: (UInt8, UInt8), limit: Int = .max,
                      into fields: inout [Range<Pointer>]) {
        fields.removeAll(keepingCapacity: true)
        var fieldStart = start
        var p = start
        while p < end, fields.count < limit - 1 {
            if p.pointee == separators.0 || p.pointee == separators.1 {
                fields.append(fieldStart ..< p)
                fieldStart = p + 1
            }
            p += 1
        }
        fields.append(fieldStart ..< end)
    }

    /// A whole field as an optionally signed decimal integer that fits in `Int64`, or nil.
    @inline(__always)
    static func integer(_ field: Range<Pointer>) -> Int64? {
        guard let (v, q) = _parseInt64(field.lowerBound, field.upperBound), q == field.upperBound else { return nil }
        return v
    }

    /// A whole field as a `Float` (short decimals the fast way, anything else through `strtof`),
    /// or nil. NaN and infinities are returned; callers that need finite values check.
    @inline(__always)
    static func float(_ field: Range<Pointer>) -> Float? {
        if let (v, q) = _parseFloatFast(field.lowerBound, field.upperBound), q == field.upperBound { return v }
        return _parseFloatSlow(field.lowerBound, field.upperBound)
    }

    /// The bytes as text, for messages and text ids (invalid UTF-8 repaired).
    static func text(_ start: Pointer, _ end: Pointer) -> String {
        String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
    }
}
