import ALS

/// How the fixed side's factors reach the ranks that solve against them.
public enum ExchangeMode: String, Sendable, CaseIterable {
    /// `MPI_Allgatherv` of the factor blocks: every rank receives every row (simple, and right
    /// while a side's factors fit one rank's memory). Each rank sends its block, rows/N·dims
    /// floats, and receives the other N − 1 blocks.
    case allgather
    /// `MPI_Alltoallv` of only the rows each rank's shard touches (Spark's in/out blocks): the
    /// owner of a row sends it to each rank with an interaction on it, once per half-step, and a
    /// rank holds only its own block and the rows it touches, for catalogues too large to copy
    /// to every rank.
    case alltoall
}

/// The routing of one side's factors to the ranks whose half-step needs them, set up once per
/// job from the shard's matrix of that half-step (`touching`: the block's rows, inner indices
/// global, over the side being sent).
///
/// With `.alltoall`, `columns` lists the rows this rank receives (global, ascending) and
/// `localMatrix` renumbers the matrix's inner indices as positions in it (order is kept, so
/// the rows stay sorted); `exchange` then returns exactly those rows, in that order.
struct FactorExchange {
    let mode: ExchangeMode
    /// Every rank's block of the side being sent.
    let blocks: [Range<Int>]
    let dims: Int
    /// `.alltoall`: the rows this rank receives, global and ascending.
    let columns: [Int32]?
    /// `.alltoall`: the rows of this rank's block (block-relative) to send to each rank.
    private let sendRows: [[Int32]]
    /// `.alltoall`: the rows received from each rank.
    private let receiveRows: [Int32]

    init(_ mode: ExchangeMode, blocks: [Range<Int>], dims: Int, touching matrix: CompressedMatrix,
         communicator comm: Communicator) throws {
        self.mode = mode
        self.blocks = blocks
        self.dims = dims
        guard mode == .alltoall else {
            (columns, sendRows, receiveRows) = (nil, [], [])
            return
        }
        let needed = Array(Set(matrix.innerIndices)).sorted()
        // Rows wanted from each owner: a contiguous run of `needed`, blocks being in rank order.
        var wanted = [Int32](repeating: 0, count: comm.size)
        for row in needed { wanted[Self.owner(of: Int(row), blocks)] += 1 }
        let requested = try comm.alltoall(wanted)
        let requests = try comm.alltoallv(needed, sendCounts: wanted, receiveCounts: requested)
        let start = Int32(blocks[comm.rank].lowerBound)
        var rows: [[Int32]] = []
        var cursor = 0
        for r in 0 ..< comm.size {
            rows.append(requests[cursor ..< cursor + Int(requested[r])].map { $0 - start })
            cursor += Int(requested[r])
        }
        (columns, sendRows, receiveRows) = (needed, rows, wanted)
    }

    /// The rank owning `row`.
    private static func owner(of row: Int, _ blocks: [Range<Int>]) -> Int {
        var lo = 0, hi = blocks.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if blocks[mid].lowerBound <= row { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// `matrix` with inner indices as positions in `columns` (`.alltoall`), else unchanged.
    func localMatrix(_ matrix: CompressedMatrix) -> CompressedMatrix {
        guard let columns else { return matrix }
        var m = matrix
        m.innerCount = columns.count
        m.innerIndices = matrix.innerIndices.map { index in
            var lo = 0, hi = columns.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if columns[mid] < index { lo = mid + 1 } else { hi = mid }
            }
            return Int32(lo)
        }
        return m
    }

    /// The fixed side this rank needs, from every rank's `block` of factors: all rows
    /// (`.allgather`) or the rows of `columns` in order (`.alltoall`).
    func exchange(_ block: [Float], communicator comm: Communicator) throws -> [Float] {
        let mine = blocks[comm.rank]
        switch mode {
        case .allgather:
            var all = [Float](repeating: 0, count: (blocks.last?.upperBound ?? 0) * dims)
            all.replaceSubrange(mine.lowerBound * dims ..< mine.upperBound * dims, with: block)
            try comm.allgatherRows(&all, width: dims, blocks: blocks)
            return all
        case .alltoall:
            var send: [Float] = []
            send.reserveCapacity(sendRows.reduce(0) { $0 + $1.count } * dims)
            for rows in sendRows {
                for r in rows { send.append(contentsOf: block[Int(r) * dims ..< (Int(r) + 1) * dims]) }
            }
            return try comm.alltoallv(send, sendCounts: sendRows.map { Int32($0.count * dims) },
                                      receiveCounts: receiveRows.map { $0 * Int32(dims) })
        }
    }
}
