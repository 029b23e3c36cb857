/// Matrix Market coordinate files (`%%MatrixMarket matrix coordinate real|integer|pattern
/// general|symmetric`), read and written through SuiteSparse CHOLMOD. Rows are users and
/// columns are items.
///
/// **Id maps** travel in header comments that other readers skip:
///
///     %als-ids users integer 3        (or `text`)
///     %196
///     %186
///     %22
///     %als-ids items integer …
///
/// A file without them gets the ids its indices have in the file: 1 … rows and 1 … columns.
///
/// **What is not stored:** timestamps and weights (the format has one value per cell). Pattern
/// files give value 1; symmetric files are expanded to both triangles.
@_spi(Engine) public enum MatrixMarket {
    /// Reads `path`. Values go through the same checks as delimited text (finite, non-negative
    /// unless `allowNegative`), and duplicate cells through `options.duplicates`.
    public static func read(path: String, options: LoadOptions = LoadOptions()) throws -> InteractionMatrix {
        let header = try readHeader(path: path)
        try checkSize(header, path: path)
        let (read, status) = try _CHOLMOD.readTriplets(path: path)
        guard let t = read else { throw locateProblem(path: path, status: status) }
        // The line of entry p, for messages: header comments, the size line, then one per entry.
        func line(_ p: Int) -> Int { header.lines + 1 + p + 1 }
        var users: [Int32] = [], items: [Int32] = [], values: [Float] = [], lines: [Int32] = []
        let n = t.values.count
        for k in 0 ..< n {
            let v = t.values[k]
            let text = "\(t.rowIndices[k] + 1) \(t.columnIndices[k] + 1) \(v)"
            if !v.isFinite || !Float(v).isFinite {
                throw ALSError.malformedLine(file: path, line: line(k), column: 0, text: text, reason: "value is NaN or infinite")
            }
            if v < 0, !options.allowNegative {
                throw ALSError.malformedLine(file: path, line: line(k), column: 0, text: text,
                                             reason: "negative value (pass `allowNegative: true` to accept it)")
            }
            let mirrored = t.symmetric && t.rowIndices[k] != t.columnIndices[k]
            for (r, c) in mirrored ? [(t.rowIndices[k], t.columnIndices[k]), (t.columnIndices[k], t.rowIndices[k])]
                                   : [(t.rowIndices[k], t.columnIndices[k])] {
                users.append(Int32(r))
                items.append(Int32(c))
                values.append(Float(v))
                lines.append(Int32(truncatingIfNeeded: line(k)))
            }
        }
        guard !users.isEmpty else { throw ALSError.emptyInput(file: path) }
        func ids(_ stored: IDMap?, _ count: Int, _ kind: String) throws -> IDMap {
            guard let stored else { return .consecutive(from: 1, count: count) }
            guard stored.count == count else {
                throw ALSError.corruptFile(path: path, reason: "the header lists \(stored.count) \(kind) ids for \(count) \(kind)")
            }
            return stored
        }
        return try InteractionMatrix(
            users: t.rows, items: t.columns, triplets: Triplets(users: users, items: items, values: values, lines: lines),
            duplicates: options.duplicates,
            userIDs: try ids(header.userIDs, t.rows, "user"), itemIDs: try ids(header.itemIDs, t.columns, "item"))
    }

    /// Writes `matrix` to `path` with its id maps in the header. Timestamps and weights are not
    /// written (the format has no place for them).
    public static func write(_ matrix: InteractionMatrix, to path: String) throws {
        var comments = ""
        for (kind, ids) in [("users", matrix.userIDs), ("items", matrix.itemIDs)] {
            comments += "als-ids \(kind) \(ids.isInteger ? "integer" : "text") \(ids.count)\n"
            for k in 0 ..< ids.count {
                let id = ids.externalID(k)
                // CHOLMOD copies comment lines through a 1024-byte buffer.
                guard !id.contains(where: { $0 == "\n" || $0 == "\r" }), id.utf8.count < 1000 else {
                    throw ALSError.invalidConfiguration(
                        parameter: "\(kind) id", reason: "\"\(id.prefix(40))\" cannot be stored in a Matrix Market comment line")
                }
                comments += id + "\n"
            }
        }
        // CHOLMOD copies the comment lines from a file: a scratch atomic file beside the output,
        // removed when it goes out of scope (it is never committed).
        let commentsFile = try _AtomicFile(path: path + ".comments")
        try commentsFile.write(comments)
        try commentsFile.flush()
        let output = try _AtomicFile(path: path)
        let csc = matrix.byItem
        try _CHOLMOD.writeSparse(to: output, rows: matrix.users, columns: matrix.items, columnOffsets: csc.outerOffsets,
                                 rowIndices: csc.innerIndices, values: csc.values, commentsPath: commentsFile.temporary)
        try output.commit()
    }

    // MARK: - Header

    private struct Header {
        /// Comment and banner lines before the size line.
        var lines = 0
        var userIDs: IDMap?
        var itemIDs: IDMap?
        /// The first line, lowercased (the banner of a valid file).
        var banner = ""
        /// The first line after the comments (the size line of a valid file), when there is one.
        var sizeLine: [UInt8]?
        /// The file's size in bytes.
        var bytes = 0
    }

    /// Checks what CHOLMOD would otherwise trust: the banner, and a size line of three integers
    /// that fit the dense Int32 indices and a count of entries the file can hold (each entry
    /// line has at least 4 bytes, "i j\n"), and a shape plausible for the file's size. Without it, a garbled size line made CHOLMOD
    /// allocate for quadrillions of entries (found by the `mtx` fuzz harness).
    private static func checkSize(_ header: Header, path: String) throws {
        guard header.banner.hasPrefix("%%matrixmarket matrix coordinate") else {
            throw ALSError.unknownFormat(
                file: path, reason: "only Matrix Market coordinate files are read (banner: \(header.banner.prefix(60)))")
        }
        guard let line = header.sizeLine, line.contains(where: { $0 != 32 && $0 != 9 }) else { return }
        let text = String(decoding: line, as: UTF8.self)
        func bad(_ reason: String) -> ALSError {
            .malformedLine(file: path, line: header.lines + 1, column: 0, text: String(text.prefix(120)), reason: reason)
        }
        let fields = _splitFields(line, []).map { Int(String(decoding: $0, as: UTF8.self)) }
        guard fields.count == 3, let rows = fields[0], let columns = fields[1], let entries = fields[2],
              rows >= 0, columns >= 0, entries >= 0 else {
            throw bad("the size line must be \"rows columns entries\"")
        }
        guard rows <= Int(Int32.max), columns <= Int(Int32.max) else {
            throw bad("\(rows) × \(columns) is more than 2³¹ − 1 rows or columns")
        }
        // The matrix keeps an offset and an id per row and per column: a tiny file announcing a
        // billion of them would allocate gigabytes for nothing, and one announcing 39 million
        // spent seconds building empty columns (the `mtx` harness's timeout-ff492834). A file
        // of n bytes names at most n / 2 distinct rows or columns; eight times its size, or a
        // million, leaves room for the empty rows and columns real files have.
        let plausible = max(1 << 20, 8 * header.bytes)
        guard rows <= plausible, columns <= plausible else {
            throw bad("\(rows) × \(columns) is implausibly large for a file of \(header.bytes) bytes (at most \(plausible) rows and columns)")
        }
        guard entries <= header.bytes / 4 + 1 else {
            throw bad("the size line announces \(entries) entries, more than a file of \(header.bytes) bytes can hold")
        }
    }

    /// Reads the banner and comment lines, collecting the `%als-ids` blocks.
    private static func readHeader(path: String) throws -> Header {
        let file = try _InputFile(path: path)
        var header = Header()
        header.bytes = file.size
        var offset = 0
        var pending: [UInt8] = []
        var block: (kind: String, text: Bool, count: Int, ids: [String])?
        func finish() throws {
            guard let b = block else { return }
            block = nil
            let map: IDMap
            do {
                if b.text {
                    map = try IDMap(strings: b.ids)
                } else {
                    let ints = b.ids.compactMap { Int64($0) }
                    guard ints.count == b.ids.count else {
                        throw ALSError.corruptFile(path: path, reason: "a non-integer id in the integer \(b.kind) id list")
                    }
                    map = try IDMap(integers: ints)
                }
            } catch ALSError.invariantViolation(let detail) {
                throw ALSError.corruptFile(path: path, reason: detail)
            }
            if b.kind == "users" { header.userIDs = map } else { header.itemIDs = map }
        }
        reading: while offset < file.size {
            let chunk = try file.bytes(at: offset, count: 1 << 20)
            offset += chunk.count
            pending += chunk
            var start = 0
            while let nl = pending[start...].firstIndex(of: 10) {
                var line = pending[start ..< nl]
                start = nl + 1
                if line.last == 13 { line = line.dropLast() }
                if header.lines == 0, header.banner.isEmpty {
                    header.banner = String(decoding: line.prefix(200), as: UTF8.self).lowercased()
                }
                // Blank lines may stand between the comments and the size line (CHOLMOD skips them).
                guard line.first == UInt8(ascii: "%") || line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) else {
                    header.sizeLine = Array(line)
                    break reading
                }
                header.lines += 1
                let text = String(decoding: line.dropFirst(), as: UTF8.self)
                if var b = block, b.ids.count < b.count {
                    b.ids.append(text)
                    block = b
                    if b.ids.count == b.count { try finish() }
                    continue
                }
                let words = text.split(separator: " ")
                if words.count == 4, words[0] == "als-ids", ["users", "items"].contains(words[1]),
                   ["integer", "text"].contains(words[2]), let n = Int(words[3]), n >= 0 {
                    block = (String(words[1]), words[2] == "text", n, [])
                    if n == 0 { try finish() }
                }
            }
            pending.removeFirst(start)
        }
        // A last line without a newline: the banner, or the size line of a file without entries.
        if offset >= file.size, header.sizeLine == nil, !pending.isEmpty {
            if header.lines == 0, header.banner.isEmpty { header.banner = String(decoding: pending.prefix(200), as: UTF8.self).lowercased() }
            if pending.first != UInt8(ascii: "%") { header.sizeLine = pending }
        }
        return header
    }

    /// CHOLMOD says only that a file is invalid; this finds the first line that makes it so.
    private static func locateProblem(path: String, status: Int32) -> ALSError {
        guard let file = try? _InputFile(path: path), let bytes = try? file.bytes(at: 0, count: file.size) else {
            return ALSError.io(path: path, reason: "cannot be read")
        }
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        let banner = String(decoding: lines.first ?? [], as: UTF8.self).lowercased()
        guard banner.hasPrefix("%%matrixmarket matrix coordinate") else {
            return ALSError.unknownFormat(file: path, reason: "only Matrix Market coordinate files are read (banner: \(banner.prefix(60)))")
        }
        let pattern = banner.contains("pattern")
        guard banner.contains("real") || banner.contains("integer") || pattern else {
            return ALSError.unknownFormat(file: path, reason: "only real, integer and pattern Matrix Market files are read")
        }
        var size: (rows: Int, columns: Int, entries: Int)?
        var entries = 0
        for (index, raw) in lines.enumerated() {
            var line = Array(raw)
            if line.last == 13 { line.removeLast() }
            if line.first == UInt8(ascii: "%") || line.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            let fields = _splitFields(line, [])
            let text = String(decoding: line, as: UTF8.self)
            func bad(_ reason: String) -> ALSError {
                .malformedLine(file: path, line: index + 1, column: 0, text: text, reason: reason)
            }
            guard let s = size else {
                let n = fields.compactMap { Int(String(decoding: $0, as: UTF8.self)) }
                guard n.count == 3, fields.count == 3, n.allSatisfy({ $0 >= 0 }) else {
                    return bad("the size line must be \"rows columns entries\"")
                }
                size = (n[0], n[1], n[2])
                continue
            }
            entries += 1
            let want = pattern ? 2 : 3
            guard fields.count == want else {
                return bad(fields.count < want ? "missing columns: expected \(want) fields, found \(fields.count)"
                                               : "extra columns: expected \(want) fields, found \(fields.count)")
            }
            let r = Int(String(decoding: fields[0], as: UTF8.self)), c = Int(String(decoding: fields[1], as: UTF8.self))
            guard let r, let c, (1 ... max(1, s.rows)).contains(r), (1 ... max(1, s.columns)).contains(c) else {
                return bad("index outside the \(s.rows) × \(s.columns) matrix")
            }
            if !pattern, !_isNumber(fields[2]) { return bad("value is not a number") }
            if entries > s.entries { return bad("more entries than the size line's \(s.entries)") }
        }
        if let s = size, entries < s.entries {
            return ALSError.malformedLine(file: path, line: lines.count, column: 0, text: "",
                                          reason: "missing entries: the size line promises \(s.entries), the file has \(entries)")
        }
        return ALSError.unknownFormat(file: path, reason: "CHOLMOD could not read it (status \(status))")
    }
}
