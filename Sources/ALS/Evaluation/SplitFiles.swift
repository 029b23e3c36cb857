/// Reading and writing the split files of `shared/data/splits/<name>/{train,test}.tsv`.
///
/// A train/test pair is only comparable when dense index `u` names the same user in both files,
/// so every loader here reads all the files of a split first and builds one user map and one
/// item map across them: the integer ids that occur anywhere, in ascending numeric order. A user
/// who appears only in test gets an index (and an empty train row); so does an item.
///
/// The readers are strict: anything that is not exactly the documented format is an
/// `ALSError.malformedLine` naming the file, the 1-based line and the 1-based byte column where
/// the bad field starts, and a cell listed twice in one file is an error too (a split file lists
/// each cell once).
public enum SplitFiles {
    /// Loads a train/test pair of `user<TAB>item<TAB>value` files (a fourth `timestamp` column is
    /// accepted too, as `write` produces it) over shared id maps.
    public static func load(train: String, test: String) throws -> (train: InteractionMatrix, test: InteractionMatrix) {
        let m = try load([train, test])
        return (m[0], m[1])
    }

    /// Loads any number of TSV split files (train, validation, test, ...) over shared id maps, in
    /// the order given. See `load(train:test:)` for the format.
    @_spi(Engine) public static func load(_ paths: [String]) throws -> [InteractionMatrix] {
        try matrices(paths.map { try readDelimited($0) }, paths: paths)
    }

    /// Loads LightGCN's `train.txt` / `test.txt` pair: one line per user, `user item item ...`,
    /// separated by single spaces, integer ids; a line may hold the user alone. Every listed cell
    /// gets the value 1.
    @_spi(Engine) public static func loadLightGCN(train: String, test: String) throws -> (train: InteractionMatrix, test: InteractionMatrix) {
        let paths = [train, test]
        let m = try matrices(paths.map { try readAdjacency($0) }, paths: paths)
        return (m[0], m[1])
    }

    /// Writes `m` as `user<TAB>item<TAB>value[<TAB>timestamp]`, one line per entry in CSR order,
    /// with external ids; the timestamp column is written when `m` has timestamps. Integral values
    /// are written without a decimal point ("4"), others in the shortest form that reads back to
    /// the same Float ("3.5"), so `load` returns exactly what was written.
    @_spi(Engine) public static func write(_ m: InteractionMatrix, to path: String) throws {
        let A = m.byUser
        let itemText = (0 ..< m.items).map { Array(m.itemIDs.externalID($0).utf8) }
        var out = [UInt8]()
        out.reserveCapacity(A.nonZeros * 16)
        for u in 0 ..< m.users {
            let range = A.range(of: u)
            if range.isEmpty { continue }
            let userText = Array(m.userIDs.externalID(u).utf8)
            for p in range {
                out += userText
                out.append(UInt8(ascii: "\t"))
                out += itemText[Int(A.innerIndices[p])]
                out.append(UInt8(ascii: "\t"))
                out += formatValue(A.values[p]).utf8
                if let t = A.timestamps {
                    out.append(UInt8(ascii: "\t"))
                    out += String(t[p]).utf8
                }
                out.append(UInt8(ascii: "\n"))
            }
        }
        try out.withUnsafeBytes { bytes in
            let file = try _AtomicFile(path: path)
            try file.write(bytes)
            try file.commit()
        }
    }

    static func formatValue(_ v: Float) -> String {
        if v == v.rounded(), abs(v) < 16_777_216 { return String(Int64(v)) }
        return "\(v)"
    }
}

// MARK: - Building matrices over shared maps

extension SplitFiles {
    /// The cells of one file, in file order, with external integer ids.
    struct Records {
        var users: [Int64] = []
        var items: [Int64] = []
        var values: [Float] = []
        var timestamps: [Int64]? = nil
        var lines: [Int32] = []
        /// Users the file names without any cell (a LightGCN line holding the user alone); they
        /// still get an index.
        var listedUsers: [Int64] = []
    }

    /// The shared maps of `records` (ascending integer ids over all files) and one matrix per
    /// file, with `DuplicatePolicy.error` reported against the file that holds the duplicate.
    static func matrices(_ records: [Records], paths: [String]) throws -> [InteractionMatrix] {
        let userIDs = try IDMap(integers: Set(records.flatMap { $0.users + $0.listedUsers }).sorted())
        let itemIDs = try IDMap(integers: Set(records.flatMap(\.items)).sorted())
        return try zip(records, paths).map { r, path in
            let t = Triplets(
                users: r.users.map { Int32(userIDs.index(of: $0)!) },
                items: r.items.map { Int32(itemIDs.index(of: $0)!) },
                values: r.values, timestamps: r.timestamps, lines: r.lines)
            do {
                return try InteractionMatrix(
                    users: userIDs.count, items: itemIDs.count, triplets: t, duplicates: .error,
                    userIDs: userIDs, itemIDs: itemIDs)
            } catch let ALSError.duplicateEntry(user, item, line) {
                throw ALSError.malformedLine(
                    file: path, line: line, column: 0, text: "\(user) \(item)",
                    reason: "user \(user), item \(item) is listed a second time in this file; a split file lists each cell once, so remove the duplicate")
            }
        }
    }
}
