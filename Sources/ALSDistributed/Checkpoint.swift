@_spi(Engine) import ALS
import Foundation

/// Per-rank checkpoints of a distributed run: after iteration K, rank r writes
/// `rank-<r>-of-<N>.iter-<K>.ckpt` atomically (its block of user factors and of item factors,
/// the loss history so far) and removes its checkpoints older than the previous one, so every
/// rank keeps its last two. A restarted job resumes from the newest iteration that every rank
/// has (a rank killed between the ranks' writes of K leaves K − every complete), and, ALS being
/// deterministic from its factors, ends with the same factors as an uninterrupted run.
///
/// File (host-endian): 16 UInt64 words — magic "ALSCKPT1", version 1, N, r, the source
/// checksum, the configuration's checksum, K, dims, the user block's bounds, the item block's
/// bounds, the loss history's length, 0, 0, 0 — then the history (Double), the user block and
/// the item block (Float32, rows × dims).
struct Checkpoint {
    static let magic: UInt64 = 0x3154_504B_4353_4C41  // "ALSCKPT1" read as little-endian
    static let version: UInt64 = 1

    let options: CheckpointOptions
    let shard: Shard
    let dims: Int
    /// XXH64 of the configuration without `iterations` and `threads` (neither changes the
    /// factors of an iteration): a checkpoint of other hyperparameters is refused.
    let configurationChecksum: UInt64

    init(options: CheckpointOptions, shard: Shard, configuration: ALSConfiguration, dims: Int) {
        self.options = options
        self.shard = shard
        self.dims = dims
        var c = configuration
        c.iterations = 1
        c.threads = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? encoder.encode(c)).map { [UInt8]($0) } ?? []
        configurationChecksum = json.withUnsafeBytes { ALSChecksum.of($0) }
    }

    struct State {
        var iteration: Int
        var users: [Float]
        var items: [Float]
        var lossHistory: [Double]
    }

    private var prefix: String { "rank-\(shard.rank)-of-\(shard.parts).iter-" }
    private func path(_ iteration: Int) -> String { options.directory + "/" + prefix + "\(iteration).ckpt" }

    /// The iterations this rank has checkpoints of, ascending.
    private func iterations() throws -> [Int] {
        try _listDirectory(options.directory).compactMap { name -> Int? in
            guard name.hasPrefix(prefix), name.hasSuffix(".ckpt") else { return nil }
            return Int(name.dropFirst(prefix.count).dropLast(5))
        }.sorted()
    }

    /// Writes this rank's checkpoint of `iteration` (`U`, `V`: its blocks) and drops the ones
    /// before the previous.
    func save(iteration: Int, users U: [Float], items V: [Float], lossHistory: [Double]) throws {
        let (ub, ib) = (shard.userBlock, shard.itemBlock)
        let header: [UInt64] = [Self.magic, Self.version, UInt64(shard.parts), UInt64(shard.rank), shard.sourceChecksum,
                                configurationChecksum, UInt64(iteration), UInt64(dims), UInt64(ub.lowerBound),
                                UInt64(ub.upperBound), UInt64(ib.lowerBound), UInt64(ib.upperBound),
                                UInt64(lossHistory.count), 0, 0, 0]
        try ALSFile.writeAtomically(to: path(iteration)) { append in
            try header.withUnsafeBytes { try append($0) }
            try lossHistory.withUnsafeBytes { try append($0) }
            try U.withUnsafeBytes { try append($0) }
            try V.withUnsafeBytes { try append($0) }
        }
        let kept = try iterations()
        for old in kept.dropLast(2) { unlink(path(old)) }
    }

    /// This rank's blocks of the newest checkpoint every rank has; nil when some rank has none
    /// (then training starts afresh).
    /// - Throws: `ALSError.shapeMismatch` when this rank's checkpoint belongs to another job
    ///   (other data, hyperparameters or number of ranks), `ALSError.corruptFile` for a damaged one.
    func resume(communicator comm: Communicator) throws -> State? {
        let mine = try comm.together { try iterations().suffix(2) }
        let padded = (Array(mine) + [-1, -1]).prefix(2).map(Int64.init)
        let all = try comm.allgather(padded)
        var common = Set(padded.filter { $0 > 0 })
        for r in 0 ..< comm.size { common.formIntersection(all[2 * r ..< 2 * r + 2]) }
        guard let iteration = common.max().map(Int.init) else { return nil }
        return try comm.together { try read(iteration) }
    }

    /// This rank's blocks of checkpoint `iteration`.
    private func read(_ iteration: Int) throws -> State {
        let file = path(iteration)
        let bytes = try ALSFile.read(file)
        func corrupt(_ reason: String) -> ALSError { .corruptFile(path: file, reason: reason) }
        return try bytes.withUnsafeBytes { b -> State in
            guard b.count >= 128 else { throw corrupt("truncated header") }
            let h = (0 ..< 16).map { b.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self) }
            guard h[0] == Self.magic, h[1] == Self.version else { throw corrupt("not a checkpoint of this version") }
            let (ub, ib) = (shard.userBlock, shard.itemBlock)
            guard h[2] == UInt64(shard.parts), h[3] == UInt64(shard.rank), h[4] == shard.sourceChecksum,
                  h[7] == UInt64(dims), h[8] == UInt64(ub.lowerBound), h[9] == UInt64(ub.upperBound),
                  h[10] == UInt64(ib.lowerBound), h[11] == UInt64(ib.upperBound) else {
                throw ALSError.shapeMismatch("\(file) is a checkpoint of other data or another number of ranks; use another --checkpoint directory or empty this one")
            }
            guard h[5] == configurationChecksum else {
                throw ALSError.shapeMismatch("\(file) is a checkpoint of other hyperparameters; use another --checkpoint directory or empty this one")
            }
            let n = Int(h[12])
            let (nu, ni) = (ub.count * dims, ib.count * dims)
            guard n < 1 << 30, b.count == 128 + 8 * n + 4 * (nu + ni) else { throw corrupt("the sizes do not fit the file") }
            func array<T>(_ offset: Int, _ count: Int, _: T.Type) -> [T] {
                (0 ..< count).map { b.loadUnaligned(fromByteOffset: offset + MemoryLayout<T>.stride * $0, as: T.self) }
            }
            return State(iteration: Int(h[6]), users: array(128 + 8 * n, nu, Float.self),
                         items: array(128 + 8 * n + 4 * nu, ni, Float.self), lossHistory: array(128, n, Double.self))
        }
    }
}
