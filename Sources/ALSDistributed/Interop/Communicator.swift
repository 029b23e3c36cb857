internal import CMPI
import ALS
import Dispatch

/// The job's `MPI_COMM_WORLD`: the only Swift file that imports `CMPI`. Every MPI call goes
/// through `check`, which turns a failed status into `ALSError.kernelFailure` naming the call
/// and Open MPI's text (the communicator returns errors instead of aborting), and every
/// collective is timed and its payload counted, for the per-iteration progress line.
///
/// One per process: `start()` calls `MPI_Init`, `finish()` calls `MPI_Finalize`.
public final class Communicator {
    /// This process's rank in `0 ..< size`.
    public let rank: Int
    /// The number of ranks in the job.
    public let size: Int
    /// Seconds spent inside collectives since the last `resetCounters()`.
    public private(set) var seconds: Double = 0
    /// Bytes of this rank's own data addressed to other ranks since the last `resetCounters()`:
    /// a block it allgathers counts once per other rank, an Alltoallv what it sends to others,
    /// an Allreduce its vector once. What the transport moves (forwarding in a ring, headers)
    /// differs by the algorithm Open MPI picks.
    public private(set) var bytesSent: Int = 0

    private let comm = als_mpi_comm_world()
    private var finished = false

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Initialises MPI (a process started without `mpirun` is a job of one rank).
    /// - Throws: `ALSError.kernelFailure` when MPI cannot start.
    public static func start() throws -> Communicator {
        try check(MPI_Init(nil, nil), "MPI_Init")
        let world = als_mpi_comm_world()
        try check(MPI_Comm_set_errhandler(world, als_mpi_errors_return()), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0, size: Int32 = 0
        try check(MPI_Comm_rank(world, &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(world, &size), "MPI_Comm_size")
        return Communicator(rank: Int(rank), size: Int(size))
    }

    /// Ends MPI cleanly (every rank must call it).
    public func finish() {
        guard !finished else { return }
        finished = true
        MPI_Finalize()
    }

    /// Ends the whole job with `code` at once: for an error on one rank that the others, waiting
    /// in a collective, could never learn of.
    public func abort(code: Int32) -> Never {
        MPI_Abort(comm, code)
        exit(code)
    }

    public func resetCounters() {
        seconds = 0
        bytesSent = 0
    }

    // MARK: - Collectives

    /// Waits for every rank.
    func barrier() throws {
        try timed(0) { try Self.check(MPI_Barrier(comm), "MPI_Barrier") }
    }

    /// Element-wise sum over ranks of `values`, in place, identical on every rank.
    func allreduceSum(_ values: inout [Double]) throws {
        let n = values.count
        try timed(8 * n) {
            try values.withUnsafeMutableBytes { b in
                try Self.check(MPI_Allreduce(als_mpi_in_place(), b.baseAddress, Int32(n), als_mpi_double(), als_mpi_sum(), comm),
                               "MPI_Allreduce")
            }
        }
    }

    /// Element-wise minimum over ranks.
    func allreduceMin(_ value: Int64) throws -> Int64 {
        var v = value
        try timed(8) {
            try Self.check(MPI_Allreduce(als_mpi_in_place(), &v, 1, als_mpi_int64(), als_mpi_min(), comm), "MPI_Allreduce")
        }
        return v
    }

    /// Every rank's `values` (the same count on each), concatenated in rank order.
    func allgather(_ values: [Double]) throws -> [Double] { try allgather(values, als_mpi_double()) }

    /// The same for 64-bit integers.
    func allgather(_ values: [Int64]) throws -> [Int64] { try allgather(values, als_mpi_int64()) }

    private func allgather<T: Numeric>(_ values: [T], _ type: MPI_Datatype) throws -> [T] {
        var out = [T](repeating: 0, count: values.count * size)
        try timed(MemoryLayout<T>.stride * values.count * (size - 1)) {
            try values.withUnsafeBytes { s in
                try out.withUnsafeMutableBytes { r in
                    try Self.check(MPI_Allgather(s.baseAddress, Int32(values.count), type, r.baseAddress,
                                                 Int32(values.count), type, comm), "MPI_Allgather")
                }
            }
        }
        return out
    }

    /// Fills `values` (every rank's rows, `width` floats each) with each rank's block of rows,
    /// `blocks[r]` being rank r's: an in-place `MPI_Allgatherv`.
    /// - Precondition: the blocks tile `0 ..< values.count / width` in rank order, and
    ///   `values.count` < 2³¹ (MPI's int counts).
    func allgatherRows(_ values: inout [Float], width: Int, blocks: [Range<Int>]) throws {
        precondition(blocks.count == size && values.count < Int(Int32.max), "one block per rank, int counts")
        guard size > 1 else { return }
        let counts = blocks.map { Int32($0.count * width) }
        let displacements = blocks.map { Int32($0.lowerBound * width) }
        try timed(4 * blocks[rank].count * width * (size - 1)) {
            try values.withUnsafeMutableBytes { r in
                try Self.check(MPI_Allgatherv(als_mpi_in_place(), 0, als_mpi_float(), r.baseAddress, counts, displacements,
                                              als_mpi_float(), comm), "MPI_Allgatherv")
            }
        }
    }

    /// `counts[r]` sent to rank r; returns what each rank sent to this one (`MPI_Alltoall`).
    func alltoall(_ counts: [Int32]) throws -> [Int32] {
        precondition(counts.count == size, "one count per rank")
        var out = [Int32](repeating: 0, count: size)
        try timed(4 * size) {
            try counts.withUnsafeBytes { s in
                try out.withUnsafeMutableBytes { r in
                    try Self.check(MPI_Alltoall(s.baseAddress, 1, als_mpi_int(), r.baseAddress, 1, als_mpi_int(), comm), "MPI_Alltoall")
                }
            }
        }
        return out
    }

    /// `MPI_Alltoallv`: `values` holds, in rank order, `sendCounts[r]` elements for each rank r;
    /// returns, in rank order, the `receiveCounts[r]` elements each rank r sent here.
    func alltoallv(_ values: [Float], sendCounts: [Int32], receiveCounts: [Int32]) throws -> [Float] {
        try alltoallv(values, sendCounts, receiveCounts, als_mpi_float())
    }

    func alltoallv(_ values: [Int32], sendCounts: [Int32], receiveCounts: [Int32]) throws -> [Int32] {
        try alltoallv(values, sendCounts, receiveCounts, als_mpi_int())
    }

    private func alltoallv<T: Numeric>(_ values: [T], _ sendCounts: [Int32], _ receiveCounts: [Int32],
                                       _ type: MPI_Datatype) throws -> [T] {
        func displacements(_ c: [Int32]) -> [Int32] {
            var d = [Int32](repeating: 0, count: c.count)
            for r in c.indices.dropFirst() { d[r] = d[r - 1] + c[r - 1] }
            return d
        }
        var out = [T](repeating: 0, count: Int(receiveCounts.reduce(0, +)))
        let own = Int(sendCounts[rank])
        try timed(MemoryLayout<T>.stride * (values.count - own)) {
            try values.withUnsafeBytes { s in
                try out.withUnsafeMutableBytes { r in
                    try Self.check(MPI_Alltoallv(s.baseAddress, sendCounts, displacements(sendCounts), type, r.baseAddress,
                                                 receiveCounts, displacements(receiveCounts), type, comm), "MPI_Alltoallv")
                }
            }
        }
        return out
    }

    /// Rank 0 receives every rank's rows (`values`, `width` floats a row) concatenated in rank
    /// order, `blocks[r]` being rank r's (others get []).
    func gatherRows(_ values: [Float], width: Int, blocks: [Range<Int>]) throws -> [Float] {
        precondition(blocks.count == size, "one block per rank")
        guard size > 1 else { return values }
        return try gatherv(values, counts: blocks.map { Int32($0.count * width) },
                           displacements: blocks.map { Int32($0.lowerBound * width) }, als_mpi_float())
    }

    /// Rank 0 receives every rank's `values` concatenated in rank order (others get []).
    func gather(_ values: [Int32]) throws -> [Int32] {
        let sizes = try allgather([Int64(values.count)]).map { Int32($0) }
        var displacements = [Int32](repeating: 0, count: size)
        for r in 1 ..< max(size, 1) { displacements[r] = displacements[r - 1] + sizes[r - 1] }
        return try gatherv(values, counts: sizes, displacements: displacements, als_mpi_int())
    }

    /// `MPI_Gatherv` to rank 0: rank r's `values` land at `displacements[r]`.
    private func gatherv<T: Numeric>(_ values: [T], counts: [Int32], displacements: [Int32], _ type: MPI_Datatype) throws -> [T] {
        let total = rank == 0 ? Int(displacements[size - 1] + counts[size - 1]) : 0
        var out = [T](repeating: 0, count: total)
        try timed(rank == 0 ? 0 : MemoryLayout<T>.stride * values.count) {
            try values.withUnsafeBytes { s in
                try out.withUnsafeMutableBytes { r in
                    try Self.check(MPI_Gatherv(s.baseAddress, Int32(values.count), type, r.baseAddress, counts,
                                               displacements, type, 0, comm), "MPI_Gatherv")
                }
            }
        }
        return out
    }

    private func timed(_ bytes: Int, _ body: () throws -> Void) throws {
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer {
            seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            bytesSent += bytes
        }
        try body()
    }

    /// The one check of MPI statuses.
    private static func check(_ status: Int32, _ function: StaticString) throws {
        guard status != als_mpi_success() else { return }
        var text = [CChar](repeating: 0, count: Int(als_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(status, &text, &length)
        let message = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw ALSError.kernelFailure(function: "\(function) (\(message))", status: status)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
