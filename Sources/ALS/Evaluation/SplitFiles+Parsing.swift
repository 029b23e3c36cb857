#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The strict byte-level readers behind `SplitFiles`. One pass over the file's bytes, no
/// `String` per line: a field becomes a `String` only for the Float parser and for messages.
extension SplitFiles {
    static let tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " ")

    /// `user<TAB>item<TAB>value[<TAB>timestamp]`. The first line fixes whether the file has the
    /// timestamp column; every other line must have the same number of fields.
    static func readDelimited(_ path: String) throws -> Records {
        let bytes = try _readWholeFile(path)
        var r = Records()
        var columns = 0
        var fields = [Range<Int>]()
        try forEachLine(bytes, path) { line, number in
            split(bytes, line, by: tab, into: &fields)
            let error = LineErrors(bytes: bytes, path: path, line: line, number: number)
            if columns == 0 {
                guard fields.count == 3 || fields.count == 4 else {
                    throw error.at(nil, "expected 3 tab-separated fields (user, item, value) or 4 (user, item, value, timestamp), found \(fields.count)")
                }
                columns = fields.count
                if columns == 4 { r.timestamps = [] }
            }
            guard fields.count == columns else {
                throw error.at(nil, "expected \(columns) tab-separated fields like line 1, found \(fields.count)")
            }
            r.users.append(try integer(bytes, fields[0], error, "user id"))
            r.items.append(try integer(bytes, fields[1], error, "item id"))
            r.values.append(try float(bytes, fields[2], error, "value"))
            if columns == 4 { r.timestamps!.append(try integer(bytes, fields[3], error, "timestamp")) }
            r.lines.append(Int32(truncatingIfNeeded: number))
        }
        return r
    }

    /// LightGCN's `user item item ...`, single spaces, value 1 for every cell.
    static func readAdjacency(_ path: String) throws -> Records {
        let bytes = try _readWholeFile(path)
        var r = Records()
        var fields = [Range<Int>]()
        try forEachLine(bytes, path) { line, number in
            split(bytes, line, by: space, into: &fields)
            let error = LineErrors(bytes: bytes, path: path, line: line, number: number)
            let user = try integer(bytes, fields[0], error, "user id")
            if fields.count == 1 { r.listedUsers.append(user) }
            for field in fields.dropFirst() {
                r.users.append(user)
                r.items.append(try integer(bytes, field, error, "item id"))
                r.values.append(1)
                r.lines.append(Int32(truncatingIfNeeded: number))
            }
        }
        return r
    }

    // MARK: Lines and fields

    /// Calls `body` with each line's byte range (without "\n" or a trailing "\r") and 1-based
    /// number. A final line without "\n" counts; an empty line anywhere is an error; a file with
    /// no lines is `ALSError.emptyInput`.
    static func forEachLine(_ bytes: [UInt8], _ path: String, _ body: (Range<Int>, Int) throws -> Void) throws {
        var start = 0, number = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            number += 1
            var content = end
            if content > start, bytes[content - 1] == UInt8(ascii: "\r") { content -= 1 }
            guard content > start else {
                throw ALSError.malformedLine(file: path, line: number, column: 0, text: "",
                                             reason: "empty line; remove it")
            }
            try body(start ..< content, number)
            start = end + 1
        }
        if number == 0 { throw ALSError.emptyInput(file: path) }
    }

    /// The ranges between separators (an empty range where two separators meet).
    static func split(_ bytes: [UInt8], _ line: Range<Int>, by separator: UInt8, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        var start = line.lowerBound
        for p in line where bytes[p] == separator {
            fields.append(start ..< p)
            start = p + 1
        }
        fields.append(start ..< line.upperBound)
    }

    /// Builds the `malformedLine` error of one line.
    struct LineErrors {
        let bytes: [UInt8], path: String, line: Range<Int>, number: Int

        /// The error for `field` (nil: the whole line), with `reason`.
        func at(_ field: Range<Int>?, _ reason: String) -> ALSError {
            let text = String(decoding: bytes[line.prefix(200)], as: UTF8.self)
            let column = field.map { $0.lowerBound - line.lowerBound + 1 } ?? 0
            return .malformedLine(file: path, line: number, column: column, text: text, reason: reason)
        }

        func text(_ field: Range<Int>) -> String { String(decoding: bytes[field], as: UTF8.self) }
    }

    /// A decimal integer, optionally signed with "-", that fits in Int64.
    static func integer(_ bytes: [UInt8], _ field: Range<Int>, _ error: LineErrors, _ what: String) throws -> Int64 {
        var p = field.lowerBound
        let negative = p < field.upperBound && bytes[p] == UInt8(ascii: "-")
        if negative { p += 1 }
        var value: Int64 = 0
        var ok = p < field.upperBound
        while ok, p < field.upperBound {
            let digit = bytes[p] &- UInt8(ascii: "0")
            guard digit < 10 else { ok = false; break }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { ok = false; break }
            value = next
            p += 1
        }
        guard ok else {
            throw error.at(field, "\(what) \"\(error.text(field))\" is not a decimal integer; ids must be integers like the MovieLens ones")
        }
        return negative ? -value : value
    }

    /// A finite decimal number such as "4", "3.5", "-1" or "2.5e-3".
    static func float(_ bytes: [UInt8], _ field: Range<Int>, _ error: LineErrors, _ what: String) throws -> Float {
        let allowed: (UInt8) -> Bool = { b in
            (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
        }
        let text = error.text(field)
        guard !field.isEmpty, bytes[field].allSatisfy(allowed), let v = Float(text), v.isFinite else {
            throw error.at(field, "\(what) \"\(text)\" is not a finite decimal number")
        }
        return v
    }
}
