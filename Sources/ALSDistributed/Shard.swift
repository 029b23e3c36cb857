@_spi(Engine) import ALS

/// One rank's part of an interaction matrix: the CSR rows of its user block and the CSC columns
/// of its item block (inner indices global), plus what every rank needs of the whole: the
/// shape, the blocks of all ranks, each item's count and the sum of the values.
///
/// Invariants: `userBlocks` and `itemBlocks` have `parts` ranges tiling `0 ..< users` and
/// `0 ..< items` in rank order; `byUser` has `userBlocks[rank].count` rows of `items` columns,
/// `byItem` `itemBlocks[rank].count` columns of `users` rows; `itemCounts.count == items`.
public struct Shard: Sendable {
    public var parts: Int
    public var rank: Int
    /// `ALSChecksum.of` the whole matrix the shard was cut from.
    public var sourceChecksum: UInt64
    public var users: Int
    public var items: Int
    public var nonZeros: Int
    /// Σ of all values in user-major order, in Double (the global mean's numerator).
    public var valueSum: Double
    public var userBlocks: [Range<Int>]
    public var itemBlocks: [Range<Int>]
    public var byUser: CompressedMatrix
    public var byItem: CompressedMatrix
    public var itemCounts: [Int]

    public var userBlock: Range<Int> { userBlocks[rank] }
    public var itemBlock: Range<Int> { itemBlocks[rank] }

    /// Rank `rank`'s shard of `matrix` cut into `parts` blocks balanced by non-zeros.
    /// - Precondition: `0 <= rank < parts`.
    public init(slicing matrix: InteractionMatrix, parts: Int, rank: Int, checksum: UInt64? = nil) {
        precondition(parts > 0 && (0 ..< parts).contains(rank), "a rank of the parts")
        self.parts = parts
        self.rank = rank
        sourceChecksum = checksum ?? ALSChecksum.of(matrix)
        users = matrix.users
        items = matrix.items
        nonZeros = matrix.nonZeros
        var s = 0.0
        for v in matrix.byUser.values { s += Double(v) }
        valueSum = s
        userBlocks = Self.balancedBlocks(matrix.byUser.outerOffsets, parts: parts)
        itemBlocks = Self.balancedBlocks(matrix.byItem.outerOffsets, parts: parts)
        byUser = Self.slice(matrix.byUser, userBlocks[rank])
        byItem = Self.slice(matrix.byItem, itemBlocks[rank])
        itemCounts = (0 ..< matrix.items).map { matrix.byItem.count(of: $0) }
    }

    /// Memberwise, for reading a shard file.
    init(parts: Int, rank: Int, sourceChecksum: UInt64, users: Int, items: Int, nonZeros: Int, valueSum: Double,
         userBlocks: [Range<Int>], itemBlocks: [Range<Int>], byUser: CompressedMatrix, byItem: CompressedMatrix,
         itemCounts: [Int]) {
        self.parts = parts
        self.rank = rank
        self.sourceChecksum = sourceChecksum
        self.users = users
        self.items = items
        self.nonZeros = nonZeros
        self.valueSum = valueSum
        self.userBlocks = userBlocks
        self.itemBlocks = itemBlocks
        self.byUser = byUser
        self.byItem = byItem
        self.itemCounts = itemCounts
    }

    /// `parts` consecutive blocks of outer slots with about nnz/parts entries each: block r
    /// starts at the first slot whose entries begin at or past r·nnz/parts (so a slot is never
    /// split, and a block may be empty when one slot holds more than a share).
    static func balancedBlocks(_ offsets: [Int64], parts: Int) -> [Range<Int>] {
        let outer = offsets.count - 1
        let nnz = offsets[outer]
        var starts = [0]
        var slot = 0
        for r in 1 ..< max(parts, 1) {
            let target = nnz * Int64(r) / Int64(parts)
            while slot < outer && offsets[slot] < target { slot += 1 }
            starts.append(slot)
        }
        starts.append(outer)
        return (0 ..< parts).map { starts[$0] ..< max(starts[$0], starts[$0 + 1]) }
    }

    /// The outer slots `block` of `m`, offsets rebased to 0, inner indices unchanged.
    static func slice(_ m: CompressedMatrix, _ block: Range<Int>) -> CompressedMatrix {
        let lo = Int(m.outerOffsets[block.lowerBound]), hi = Int(m.outerOffsets[block.upperBound])
        return CompressedMatrix(
            outerCount: block.count, innerCount: m.innerCount,
            outerOffsets: m.outerOffsets[block.lowerBound ... block.upperBound].map { $0 - Int64(lo) },
            innerIndices: Array(m.innerIndices[lo ..< hi]), values: Array(m.values[lo ..< hi]),
            weights: m.weights.map { Array($0[lo ..< hi]) })
    }
}
