/// The strict readers behind `SplitFiles`, on the one line parser (`_Lines`): one pass over the
/// file's bytes, no `String` per line.
extension SplitFiles {
    /// `user<TAB>item<TAB>value[<TAB>timestamp]`. The first line fixes whether the file has the
    /// timestamp column; every other line must have the same number of fields.
    static func readDelimited(_ path: String) throws -> Records {
        var r = Records()
        var columns = 0
        try forEachLine(path, separator: UInt8(ascii: "\t")) { fields, error in
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
            r.users.append(try integer(fields[0], error, "user id"))
            r.items.append(try integer(fields[1], error, "item id"))
            r.values.append(try float(fields[2], error, "value"))
            if columns == 4 { r.timestamps?.append(try integer(fields[3], error, "timestamp")) }
            r.lines.append(Int32(truncatingIfNeeded: error.number))
        }
        return r
    }

    /// LightGCN's `user item item ...`, single spaces, value 1 for every cell.
    static func readAdjacency(_ path: String) throws -> Records {
        var r = Records()
        try forEachLine(path, separator: UInt8(ascii: " ")) { fields, error in
            let user = try integer(fields[0], error, "user id")
            if fields.count == 1 { r.listedUsers.append(user) }
            for field in fields.dropFirst() {
                r.users.append(user)
                r.items.append(try integer(field, error, "item id"))
                r.values.append(1)
                r.lines.append(Int32(truncatingIfNeeded: error.number))
            }
        }
        return r
    }

    // MARK: Lines and fields

    /// Calls `body` with the fields of each line (split at every `separator`) and the line's
    /// error maker. An empty line anywhere is an error; a file with no lines is
    /// `ALSError.emptyInput`.
    static func forEachLine(_ path: String, separator: UInt8,
                            _ body: ([Range<_Lines.Pointer>], LineErrors) throws -> Void) throws {
        let bytes = try _readWholeFile(path)
        var number = 0
        var fields = [Range<_Lines.Pointer>]()
        try bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            _ = try _Lines.forEach(from: base, to: base + b.count, final: true) { start, end in
                number += 1
                let error = LineErrors(path: path, line: start ..< end, number: number)
                guard end > start else { throw error.at(nil, "empty line; remove it") }
                _Lines.split(start, end, at: (separator, separator), into: &fields)
                try body(fields, error)
                return true
            }
        }
        if number == 0 { throw ALSError.emptyInput(file: path) }
    }

    /// Builds the `malformedLine` error of one line (valid only while the file's bytes are).
    struct LineErrors {
        let path: String, line: Range<_Lines.Pointer>, number: Int

        /// The error for `field` (nil: the whole line), with `reason`.
        func at(_ field: Range<_Lines.Pointer>?, _ reason: String) -> ALSError {
            let text = _Lines.text(line.lowerBound, min(line.upperBound, line.lowerBound + 200))
            let column = field.map { $0.lowerBound - line.lowerBound + 1 } ?? 0
            return .malformedLine(file: path, line: number, column: column, text: text, reason: reason)
        }

        func text(_ field: Range<_Lines.Pointer>) -> String { _Lines.text(field.lowerBound, field.upperBound) }
    }

    /// A decimal integer, optionally signed, that fits in Int64.
    static func integer(_ field: Range<_Lines.Pointer>, _ error: LineErrors, _ what: String) throws -> Int64 {
        guard let v = _Lines.integer(field) else {
            throw error.at(field, "\(what) \"\(error.text(field))\" is not a decimal integer; ids must be integers like the MovieLens ones")
        }
        return v
    }

    /// A finite decimal number such as "4", "3.5", "-1" or "2.5e-3".
    static func float(_ field: Range<_Lines.Pointer>, _ error: LineErrors, _ what: String) throws -> Float {
        guard let v = _Lines.float(field), v.isFinite else {
            throw error.at(field, "\(what) \"\(error.text(field))\" is not a finite decimal number")
        }
        return v
    }
}
