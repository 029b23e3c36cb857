internal import CSuiteSparse

/// The few CHOLMOD calls SwiftALS makes: Matrix Market read and write. Only this file (and
/// `BLAS.swift` for OpenBLAS) names the C libraries; every CHOLMOD status goes through `check`.
///
/// We use the `cholmod_l_*` (64-bit index) entry points so that no matrix is limited to 2³¹
/// entries.
internal enum _CHOLMOD {
    /// The entries of a Matrix Market coordinate file, 0-based, in file order (duplicates kept).
    struct Triplets {
        var rows: Int
        var columns: Int
        var rowIndices: [Int]
        var columnIndices: [Int]
        var values: [Double]
        /// The file is symmetric and only one triangle is listed.
        var symmetric: Bool
    }

    /// A started `cholmod_common` that prints nothing (errors come back as statuses).
    private final class Common {
        let pointer = UnsafeMutablePointer<cholmod_common>.allocate(capacity: 1)
        init() {
            pointer.initialize(to: cholmod_common())
            cholmod_l_start(pointer)
            pointer.pointee.print = 0
        }
        deinit {
            cholmod_l_finish(pointer)
            pointer.deinitialize(count: 1)
            pointer.deallocate()
        }
        /// CHOLMOD's status after the last call (0 is `CHOLMOD_OK`, negative is an error).
        var status: Int32 { pointer.pointee.status }
    }

    /// Reads the entries of a coordinate file with `cholmod_l_read_triplet`. Returns nil and
    /// CHOLMOD's status when it refuses the file (the caller locates the problem).
    static func readTriplets(path: String) throws -> (Triplets?, status: Int32) {
        let common = Common()
        let (fd, _) = try _openForReading(path)
        guard let f = _als_cholmod_fdopen(fd, "r") else {
            let reason = _errnoText()
            _Platform.close(fd)
            throw ALSError.io(path: path, reason: "cannot open (\(reason))")
        }
        let t = cholmod_l_read_triplet(f, common.pointer)
        _ = _als_cholmod_fclose(f)
        guard let t else { return (nil, common.status) }
        defer {
            var owned: UnsafeMutablePointer<cholmod_triplet>? = t
            cholmod_l_free_triplet(&owned, common.pointer)
        }
        let m = t.pointee
        guard m.xtype == CHOLMOD_REAL || m.xtype == CHOLMOD_PATTERN else { return (nil, CHOLMOD_INVALID) }
        let n = Int(m.nnz)
        let ip = m.i.assumingMemoryBound(to: Int.self)
        let jp = m.j.assumingMemoryBound(to: Int.self)
        let xp = m.x?.assumingMemoryBound(to: Double.self)
        return (Triplets(
            rows: Int(m.nrow), columns: Int(m.ncol),
            rowIndices: Array(UnsafeBufferPointer(start: ip, count: n)),
            columnIndices: Array(UnsafeBufferPointer(start: jp, count: n)),
            values: xp.map { Array(UnsafeBufferPointer(start: $0, count: n)) } ?? [Double](repeating: 1, count: n),
            symmetric: m.stype != 0), CHOLMOD_OK)
    }

    /// Writes a CSC matrix (`rows × columns`, sorted columns) with `cholmod_l_write_sparse` into
    /// `file` (committed by the caller), copying the lines of the file `commentsPath` into the
    /// header as `%` comments.
    static func writeSparse(to file: _AtomicFile, rows: Int, columns: Int, columnOffsets: [Int64], rowIndices: [Int32],
                            values: [Float], commentsPath: String?) throws {
        let common = Common()
        let nnz = rowIndices.count
        guard let a = cholmod_l_allocate_sparse(rows, columns, max(1, nnz), 1, 1, 0, CHOLMOD_REAL, common.pointer) else {
            throw ALSError.kernelFailure(function: "cholmod_l_allocate_sparse", status: common.status)
        }
        defer {
            var owned: UnsafeMutablePointer<cholmod_sparse>? = a
            cholmod_l_free_sparse(&owned, common.pointer)
        }
        let p = a.pointee.p.assumingMemoryBound(to: Int.self)
        let i = a.pointee.i.assumingMemoryBound(to: Int.self)
        let x = a.pointee.x.assumingMemoryBound(to: Double.self)
        for k in 0 ... columns { p[k] = Int(columnOffsets[k]) }
        for k in 0 ..< nnz {
            i[k] = Int(rowIndices[k])
            x[k] = Double(values[k])
        }
        let fd = try file.duplicateDescriptor()
        guard let f = _als_cholmod_fdopen(fd, "w") else {
            let reason = _errnoText()
            _Platform.close(fd)
            throw ALSError.io(path: file.temporary, reason: "cannot open (\(reason))")
        }
        let written = cholmod_l_write_sparse(f, a, nil, commentsPath, common.pointer)
        let closed = _als_cholmod_fclose(f)
        guard written >= 0 else {
            throw ALSError.kernelFailure(function: "cholmod_l_write_sparse", status: common.status)
        }
        guard closed == 0 else { throw ALSError.io(path: file.temporary, reason: "cannot write (\(_errnoText()))") }
    }
}
