/// One compressed sparse matrix, CSR or CSC alike: the outer dimension is rows for CSR (users)
/// and columns for CSC (items). Only observed entries are stored.
///
/// Invariants (checked by `checkInvariants()`, which tests call after every construction):
/// - `outerOffsets.count == outerCount + 1`, `outerOffsets[0] == 0`,
///   `outerOffsets[outerCount] == nonZeros`, and the offsets never decrease;
/// - every inner index is in `0 ..< innerCount`;
/// - within one outer slot the inner indices are strictly increasing (sorted, no duplicates);
/// - `values.count == nonZeros`; `timestamps` and `weights`, when present, have the same count
///   and the same order as `values`.
///
/// Offsets are 64-bit so that more than 2³¹ non-zeros are representable; inner indices are 32-bit
/// because no dimension we serve approaches 2³¹ users or items, and halving them halves the
/// bandwidth of every kernel.
public struct CompressedMatrix: Sendable, Equatable {
    /// Number of outer slots (rows for CSR, columns for CSC).
    public var outerCount: Int
    /// Size of the inner dimension (columns for CSR, rows for CSC).
    public var innerCount: Int
    /// Start of each outer slot in `innerIndices` and `values` (size `outerCount + 1`).
    public var outerOffsets: [Int64]
    /// Inner index of each entry, sorted within a slot (size `nonZeros`).
    public var innerIndices: [Int32]
    /// Value of each entry (size `nonZeros`).
    public var values: [Float]
    /// Optional timestamp of each entry (size `nonZeros`), seconds since the epoch as in MovieLens.
    public var timestamps: [Int64]?
    /// Optional caller-supplied weight of each entry (size `nonZeros`), used by weighted ALS.
    public var weights: [Float]?

    public init(
        outerCount: Int, innerCount: Int, outerOffsets: [Int64], innerIndices: [Int32],
        values: [Float], timestamps: [Int64]? = nil, weights: [Float]? = nil
    ) {
        self.outerCount = outerCount
        self.innerCount = innerCount
        self.outerOffsets = outerOffsets
        self.innerIndices = innerIndices
        self.values = values
        self.timestamps = timestamps
        self.weights = weights
    }

    /// Number of stored entries.
    @inlinable public var nonZeros: Int { innerIndices.count }

    /// The range of entries of outer slot `outer`.
    @inlinable public func range(of outer: Int) -> Range<Int> {
        Int(outerOffsets[outer]) ..< Int(outerOffsets[outer + 1])
    }

    /// Number of entries of outer slot `outer`.
    @inlinable public func count(of outer: Int) -> Int {
        Int(outerOffsets[outer + 1] - outerOffsets[outer])
    }

    /// Throws `ALSError.invariantViolation` naming the first broken invariant.
    public func checkInvariants() throws {
        func fail(_ s: String) -> ALSError { .invariantViolation(s) }
        guard outerOffsets.count == outerCount + 1 else {
            throw fail("outerOffsets has \(outerOffsets.count) entries, expected \(outerCount + 1)")
        }
        guard outerOffsets.first == 0 else { throw fail("outerOffsets[0] is not 0") }
        guard outerOffsets.last == Int64(nonZeros) else {
            throw fail("outerOffsets.last \(outerOffsets.last ?? -1) != nonZeros \(nonZeros)")
        }
        guard values.count == nonZeros else { throw fail("values.count \(values.count) != nonZeros \(nonZeros)") }
        if let t = timestamps, t.count != nonZeros { throw fail("timestamps.count \(t.count) != nonZeros") }
        if let w = weights, w.count != nonZeros { throw fail("weights.count \(w.count) != nonZeros") }
        for outer in 0 ..< outerCount {
            let lo = outerOffsets[outer], hi = outerOffsets[outer + 1]
            guard lo <= hi else { throw fail("outerOffsets decrease at slot \(outer)") }
            // The last offset equals nonZeros, but one before it may not: checked before reading.
            guard hi <= Int64(nonZeros) else {
                throw fail("outerOffsets[\(outer + 1)] \(hi) is past nonZeros \(nonZeros)")
            }
            var previous: Int32 = -1
            for p in Int(lo) ..< Int(hi) {
                let inner = innerIndices[p]
                guard inner >= 0, Int(inner) < innerCount else {
                    throw fail("inner index \(inner) out of range 0..<\(innerCount) in slot \(outer)")
                }
                guard inner > previous else { throw fail("inner indices not strictly increasing in slot \(outer)") }
                previous = inner
            }
        }
    }
}

extension CompressedMatrix {
    /// The transpose (CSR ↔ CSC) by a counting sort plus a cumulative sum, as in CSparse's
    /// `cs_transpose`. Iterating the source slots in ascending order makes the result's inner
    /// indices sorted. O(nnz + outer + inner).
    public func transposed() -> CompressedMatrix {
        let nnz = nonZeros
        var counts = [Int64](repeating: 0, count: innerCount + 1)
        innerIndices.withUnsafeBufferPointer { Ai in
            for p in 0 ..< nnz { counts[Int(Ai[p]) + 1] += 1 }
        }
        for j in 0 ..< innerCount { counts[j + 1] += counts[j] }
        let offsets = counts
        var next = counts
        var Ti = [Int32](repeating: 0, count: nnz)
        var Tx = [Float](repeating: 0, count: nnz)
        var Tt: [Int64]? = timestamps.map { _ in [Int64](repeating: 0, count: nnz) }
        var Tw: [Float]? = weights.map { _ in [Float](repeating: 0, count: nnz) }
        // `perm[q]` = source position of destination entry q; used for the optional arrays.
        var perm = [Int](repeating: 0, count: (timestamps != nil || weights != nil) ? nnz : 0)
        let needPerm = !perm.isEmpty
        outerOffsets.withUnsafeBufferPointer { Ap in
            innerIndices.withUnsafeBufferPointer { Ai in
                values.withUnsafeBufferPointer { Ax in
                    Ti.withUnsafeMutableBufferPointer { Ti in
                        Tx.withUnsafeMutableBufferPointer { Tx in
                            perm.withUnsafeMutableBufferPointer { perm in
                                next.withUnsafeMutableBufferPointer { next in
                                    for outer in 0 ..< outerCount {
                                        for p in Int(Ap[outer]) ..< Int(Ap[outer + 1]) {
                                            let j = Int(Ai[p])
                                            let q = Int(next[j])
                                            next[j] = Int64(q + 1)
                                            Ti[q] = Int32(truncatingIfNeeded: outer)
                                            Tx[q] = Ax[p]
                                            if needPerm { perm[q] = p }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if let t = timestamps { for q in 0 ..< nnz { Tt![q] = t[perm[q]] } }
        if let w = weights { for q in 0 ..< nnz { Tw![q] = w[perm[q]] } }
        return CompressedMatrix(
            outerCount: innerCount, innerCount: outerCount, outerOffsets: offsets,
            innerIndices: Ti, values: Tx, timestamps: Tt, weights: Tw)
    }
}
