/// What to do when two triplets name the same (user, item) cell.
public enum DuplicatePolicy: String, Sendable, CaseIterable {
    /// Add the values (as scipy's `coo_matrix.tocsr()` and implicit do). The default, because
    /// play counts and clicks are naturally additive and nothing is dropped.
    case sum
    /// Keep the value that comes last in the input (a re-rating replaces the old one).
    case last
    /// Keep the largest value.
    case max
    /// Throw `ALSError.duplicateEntry`.
    case error
}

extension DuplicatePolicy {
    /// The one merge rule for a repeated (user, item) cell, used by `InteractionMatrix` and by
    /// the loader: the kept cell's `value` and `timestamp` after `next` (the later copy in input
    /// order) merges into it. The value is merged by the policy; the timestamp is the latest of
    /// the two. Under `.error` the caller throws before merging, and `value` stays as it was.
    @inline(__always)
    func merge(_ value: inout Float, _ next: Float) {
        switch self {
        case .sum: value += next
        case .last: value = next
        case .max: value = Swift.max(value, next)
        case .error: break
        }
    }

    /// The merged cell's timestamp: the latest of the copies.
    @inline(__always)
    static func mergeTimestamp(_ time: inout Int64, _ next: Int64) { time = Swift.max(time, next) }
}

/// Coordinate triplets with dense indices: the input of `InteractionMatrix.init`.
public struct Triplets: Sendable {
    public var users: [Int32]
    public var items: [Int32]
    public var values: [Float]
    public var timestamps: [Int64]?
    public var weights: [Float]?
    /// The 1-based source line of each triplet, when a loader knows it (used in error messages).
    @_spi(Engine) public var lines: [Int32]?

    public init(users: [Int32] = [], items: [Int32] = [], values: [Float] = [],
                timestamps: [Int64]? = nil, weights: [Float]? = nil, lines: [Int32]? = nil) {
        self.users = users
        self.items = items
        self.values = values
        self.timestamps = timestamps
        self.weights = weights
        self.lines = lines
    }

    public var count: Int { users.count }
}

/// The observed interactions: CSR by user and CSC by item over the same entries, plus the maps
/// from external ids to dense indices. Nothing here is ever dense.
///
/// Invariants: both halves satisfy `CompressedMatrix`'s invariants; `byUser` is
/// `users × items`, `byItem` is its transpose, and they hold exactly the same entries (values,
/// timestamps and weights included); `userIDs.count == users`, `itemIDs.count == items`.
public struct InteractionMatrix: Sendable {
    /// CSR: outer = users, inner = items.
    public let byUser: CompressedMatrix
    /// CSC: outer = items, inner = users.
    public let byItem: CompressedMatrix
    public let userIDs: IDMap
    public let itemIDs: IDMap
    /// How many input triplets were merged into an earlier one by the duplicate policy.
    @_spi(Engine) public let duplicatesMerged: Int

    public var users: Int { byUser.outerCount }
    public var items: Int { byUser.innerCount }
    public var nonZeros: Int { byUser.nonZeros }
    /// Fraction of cells observed.
    public var density: Double {
        users == 0 || items == 0 ? 0 : Double(nonZeros) / (Double(users) * Double(items))
    }

    /// Builds both halves from an already-built CSR.
    public init(byUser: CompressedMatrix, userIDs: IDMap? = nil, itemIDs: IDMap? = nil,
                duplicatesMerged: Int = 0) throws {
        let uid = userIDs ?? .identity(count: byUser.outerCount)
        let iid = itemIDs ?? .identity(count: byUser.innerCount)
        guard uid.count == byUser.outerCount, iid.count == byUser.innerCount else {
            throw ALSError.shapeMismatch(
                "id maps have \(uid.count) users and \(iid.count) items, matrix is \(byUser.outerCount)×\(byUser.innerCount)")
        }
        self.byUser = byUser
        self.byItem = byUser.transposed()
        self.userIDs = uid
        self.itemIDs = iid
        self.duplicatesMerged = duplicatesMerged
    }

    /// Builds CSR and CSC from triplets in O(nnz + users + items): a stable counting sort by item,
    /// then a stable counting sort by user (so every row comes out sorted by item, with duplicate
    /// cells adjacent and in input order), a merge of duplicates by `duplicates`, and a transpose.
    ///
    /// - Precondition: indices are in `0 ..< users` and `0 ..< items` (checked; throws).
    public init(users: Int, items: Int, triplets t: Triplets, duplicates: DuplicatePolicy = .sum,
                userIDs: IDMap? = nil, itemIDs: IDMap? = nil) throws {
        let nnz = t.count
        guard t.items.count == nnz, t.values.count == nnz,
              t.timestamps.map({ $0.count == nnz }) ?? true,
              t.weights.map({ $0.count == nnz }) ?? true else {
            throw ALSError.shapeMismatch("triplet arrays have different lengths")
        }
        // Range check first, so that the counting sorts below cannot index out of bounds.
        for p in 0 ..< nnz {
            let u = t.users[p], i = t.items[p]
            if u < 0 || Int(u) >= users || i < 0 || Int(i) >= items {
                throw ALSError.invariantViolation("triplet \(p) (\(u), \(i)) outside \(users)×\(items)")
            }
        }
        // Pass 1: order by item (stable).
        var itemStart = [Int](repeating: 0, count: items + 1)
        for p in 0 ..< nnz { itemStart[Int(t.items[p]) + 1] += 1 }
        for j in 0 ..< items { itemStart[j + 1] += itemStart[j] }
        var byItemOrder = [Int](repeating: 0, count: nnz)
        byItemOrder.withUnsafeMutableBufferPointer { order in
            for p in 0 ..< nnz {
                let j = Int(t.items[p])
                order[itemStart[j]] = p
                itemStart[j] += 1
            }
        }
        itemStart = []
        // Pass 2: order by user (stable), so rows are sorted by item.
        var offsets = [Int64](repeating: 0, count: users + 1)
        for p in 0 ..< nnz { offsets[Int(t.users[p]) + 1] += 1 }
        for u in 0 ..< users { offsets[u + 1] += offsets[u] }
        var next = offsets
        var source = [Int](repeating: 0, count: nnz)
        source.withUnsafeMutableBufferPointer { source in
            for p in byItemOrder {
                let u = Int(t.users[p])
                source[Int(next[u])] = p
                next[u] += 1
            }
        }
        byItemOrder = []
        next = []
        // Pass 3: gather and merge duplicates in place (a cell's copies are adjacent).
        var Ci = [Int32](repeating: 0, count: nnz)
        var Cx = [Float](repeating: 0, count: nnz)
        var Ct: [Int64]? = t.timestamps.map { _ in [Int64](repeating: 0, count: nnz) }
        var Cw: [Float]? = t.weights.map { _ in [Float](repeating: 0, count: nnz) }
        var write = 0
        var merged = 0
        var newOffsets = [Int64](repeating: 0, count: users + 1)
        for u in 0 ..< users {
            let rowStart = write
            for q in Int(offsets[u]) ..< Int(offsets[u + 1]) {
                let p = source[q]
                let item = t.items[p]
                if write > rowStart, Ci[write - 1] == item {
                    merged += 1
                    let d = write - 1
                    if duplicates == .error {
                        let line = t.lines.map { Int($0[p]) } ?? (p + 1)
                        throw ALSError.duplicateEntry(
                            user: (userIDs ?? .identity(count: users)).externalID(u),
                            item: (itemIDs ?? .identity(count: items)).externalID(Int(item)), line: line)
                    }
                    duplicates.merge(&Cx[d], t.values[p])
                    // The merged cell keeps the latest timestamp and the last weight.
                    if let ts = t.timestamps { DuplicatePolicy.mergeTimestamp(&Ct![d], ts[p]) }
                    if let w = t.weights { Cw![d] = w[p] }
                    continue
                }
                Ci[write] = item
                Cx[write] = t.values[p]
                if let ts = t.timestamps { Ct![write] = ts[p] }
                if let w = t.weights { Cw![write] = w[p] }
                write += 1
            }
            newOffsets[u + 1] = Int64(write)
        }
        if write < nnz {
            Ci.removeLast(nnz - write)
            Cx.removeLast(nnz - write)
            Ct?.removeLast(nnz - write)
            Cw?.removeLast(nnz - write)
        }
        let csr = CompressedMatrix(
            outerCount: users, innerCount: items, outerOffsets: newOffsets, innerIndices: Ci,
            values: Cx, timestamps: Ct, weights: Cw)
        try self.init(byUser: csr, userIDs: userIDs, itemIDs: itemIDs, duplicatesMerged: merged)
    }

    /// Throws `ALSError.invariantViolation` if either half is malformed or they disagree.
    public func checkInvariants() throws {
        try byUser.checkInvariants()
        try byItem.checkInvariants()
        guard byItem.outerCount == byUser.innerCount, byItem.innerCount == byUser.outerCount else {
            throw ALSError.invariantViolation("CSC shape is not the transpose of CSR's")
        }
        guard userIDs.count == users, itemIDs.count == items else {
            throw ALSError.invariantViolation("id maps do not match the matrix shape")
        }
        // Same entries: the transpose of the CSR must equal the CSC exactly.
        guard byUser.transposed() == byItem else {
            throw ALSError.invariantViolation("CSR and CSC hold different entries")
        }
    }

    /// The triplets in CSR order (users ascending, items ascending within a user).
    public func triplets() -> Triplets {
        var users = [Int32](repeating: 0, count: nonZeros)
        for u in 0 ..< self.users {
            for p in byUser.range(of: u) { users[p] = Int32(u) }
        }
        return Triplets(users: users, items: byUser.innerIndices, values: byUser.values,
                        timestamps: byUser.timestamps, weights: byUser.weights)
    }
}
