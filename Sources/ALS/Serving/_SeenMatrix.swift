/// The training interactions kept with a model, for `SeenItems.training`: each user's item
/// indices, a CSR matrix without values.
///
/// Invariants (checked by `init(file:…)` for a loaded file, true by construction otherwise):
/// - `outerOffsets` has users + 1 entries, starts at 0, never decreases and ends at the number of
///   entries;
/// - within a row the item indices are strictly increasing and in `0 ..< items`.
///
/// Storage: arrays shared with the training matrix (a trained model: no copy, the arrays are
/// the matrix's own), or two ranges of a mapped model file (a loaded model: never copied).
internal struct _SeenMatrix: Sendable {
    private enum Storage: Sendable {
        case arrays(outerOffsets: [Int64], innerIndices: [Int32])
        case mapped(_MappedFile, outerOffsets: Int, innerIndices: Int, nonZeros: Int)
    }

    private let storage: Storage
    /// Number of rows (the model's users).
    let users: Int

    /// The item rows of a training matrix (shares its arrays).
    init(_ byUser: CompressedMatrix) {
        storage = .arrays(outerOffsets: byUser.outerOffsets, innerIndices: byUser.innerIndices)
        users = byUser.outerCount
    }

    private init(outerOffsets: [Int64], innerIndices: [Int32]) {
        storage = .arrays(outerOffsets: outerOffsets, innerIndices: innerIndices)
        users = outerOffsets.count - 1
    }

    /// The rows stored in `file`: `users + 1` Int64 offsets at byte `offsets` and the Int32
    /// item indices at byte `indices` (`indexBytes` long), both checked.
    /// - Throws: `ALSError.corruptFile` naming the broken invariant.
    init(file: _MappedFile, offsets: (offset: Int, length: Int), indices: (offset: Int, length: Int),
         users: Int, items: Int) throws {
        func corrupt(_ reason: String) -> ALSError { .corruptFile(path: file.path, reason: "seen items: \(reason)") }
        guard offsets.length == 8 * (users + 1), indices.length % 4 == 0 else {
            throw corrupt("section lengths do not fit \(users) users")
        }
        guard offsets.offset % 8 == 0, indices.offset % 4 == 0 else { throw corrupt("misaligned section") }
        let nonZeros = indices.length / 4
        let Ap = (file.base + offsets.offset).assumingMemoryBound(to: Int64.self)
        let Ai = (file.base + indices.offset).assumingMemoryBound(to: Int32.self)
        guard Ap[0] == 0, Ap[users] == Int64(nonZeros) else { throw corrupt("offsets do not span the entries") }
        for u in 0 ..< users {
            let lo = Ap[u], hi = Ap[u + 1]
            guard lo <= hi, hi <= Int64(nonZeros) else { throw corrupt("offsets decrease at user \(u)") }
            var previous: Int32 = -1
            for p in Int(lo) ..< Int(hi) {
                guard Ai[p] > previous, Int(Ai[p]) < items else {
                    throw corrupt("item indices of user \(u) are out of range or not increasing")
                }
                previous = Ai[p]
            }
        }
        storage = .mapped(file, outerOffsets: offsets.offset, innerIndices: indices.offset, nonZeros: nonZeros)
        self.users = users
    }

    /// Whether the rows are read in place from a mapped file.
    var isMapped: Bool {
        if case .mapped = storage { return true }
        return false
    }

    /// Calls `body` with the offsets (users + 1) and the item indices (all entries).
    func withArrays<R>(_ body: (UnsafeBufferPointer<Int64>, UnsafeBufferPointer<Int32>) throws -> R) rethrows -> R {
        switch storage {
        case .arrays(let offsets, let indices):
            return try offsets.withUnsafeBufferPointer { Ap in try indices.withUnsafeBufferPointer { try body(Ap, $0) } }
        case .mapped(let file, let offsets, let indices, let nonZeros):
            return try body(UnsafeBufferPointer(start: (file.base + offsets).assumingMemoryBound(to: Int64.self), count: users + 1),
                            UnsafeBufferPointer(start: (file.base + indices).assumingMemoryBound(to: Int32.self), count: nonZeros))
        }
    }

    /// User `u`'s items, ascending. - Precondition: `u < users`.
    func items(of u: Int) -> [Int] {
        withArrays { Ap, Ai in (Int(Ap[u]) ..< Int(Ap[u + 1])).map { Int(Ai[$0]) } }
    }

    /// This matrix with item `column` added to each row in `rows` that lacks it, keeping every
    /// row ascending: one pass over the entries, O(nonZeros + rows.count), however many rows
    /// change. - Precondition: every row in `rows` is `< users`.
    func insertingColumn(_ column: Int32, intoRows rows: Set<Int>) -> _SeenMatrix {
        withArrays { Ap, Ai in
            var offsets: [Int64] = [0], indices: [Int32] = []
            offsets.reserveCapacity(users + 1)
            indices.reserveCapacity(Ai.count + rows.count)
            for r in 0 ..< users {
                let row = Ai[Int(Ap[r]) ..< Int(Ap[r + 1])]
                if rows.contains(r) {
                    // Entries below the column, the column once, then the rest.
                    var p = row.startIndex
                    while p < row.endIndex, row[p] < column { indices.append(row[p]); p += 1 }
                    indices.append(column)
                    if p < row.endIndex, row[p] == column { p += 1 }
                    indices.append(contentsOf: row[p...])
                } else {
                    indices.append(contentsOf: row)
                }
                offsets.append(Int64(indices.count))
            }
            return _SeenMatrix(outerOffsets: offsets, innerIndices: indices)
        }
    }

    /// This matrix with row `u` (an existing row, or `users` to append one) set to `items`
    /// (ascending, unique). Copies the entries: O(nonZeros).
    func settingRow(_ u: Int, to items: [Int32]) -> _SeenMatrix {
        withArrays { Ap, Ai in
            var offsets: [Int64] = [0], indices: [Int32] = []
            offsets.reserveCapacity(Swift.max(users, u + 1) + 1)
            indices.reserveCapacity(Ai.count + items.count)
            for r in 0 ..< Swift.max(users, u + 1) {
                if r == u {
                    indices.append(contentsOf: items)
                } else {
                    indices.append(contentsOf: Ai[Int(Ap[r]) ..< Int(Ap[r + 1])])
                }
                offsets.append(Int64(indices.count))
            }
            return _SeenMatrix(outerOffsets: offsets, innerIndices: indices)
        }
    }
}
