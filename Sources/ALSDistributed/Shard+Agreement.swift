import ALS

extension Shard {
    /// Checks, before any work, that every rank of the job holds a shard of the same source cut
    /// for this many ranks, and returns this rank's. Every rank calls it with what its load gave.
    ///
    /// - Throws: this rank's load error (`PeerFailure` on the other ranks); `SharedFailure` of
    ///   `ALSError.shapeMismatch` on every rank when the shards were cut for another number of
    ///   ranks, or from different sources (their checksums differ), naming the first rank that
    ///   disagrees with rank 0.
    public static func agree(_ loaded: Result<Shard, Error>, communicator comm: Communicator) throws -> Shard {
        let shard = try comm.together { try loaded.get() }
        let record = [Int64(shard.parts), Int64(shard.rank), Int64(bitPattern: shard.sourceChecksum), Int64(shard.users),
                      Int64(shard.items), Int64(shard.nonZeros)]
        let all = try comm.allgather(record)
        let width = record.count
        let zero = Array(all[0 ..< width])
        for r in 0 ..< comm.size {
            let theirs = Array(all[r * width ..< (r + 1) * width])
            if theirs[0] != Int64(comm.size) || theirs[1] != Int64(r) {
                throw SharedFailure(error: .shapeMismatch(
                    "rank \(r) holds shard \(theirs[1]) of \(theirs[0]), but this job has \(comm.size) ranks: partition for \(comm.size) parts, or start \(theirs[0]) ranks"))
            }
            if theirs[2 ..< width] != zero[2 ..< width] {
                throw SharedFailure(error: .shapeMismatch(
                    "rank \(r)'s shard comes from another source than rank 0's (checksum \(String(UInt64(bitPattern: theirs[2]), radix: 16)) against \(String(UInt64(bitPattern: zero[2]), radix: 16)), \(theirs[3])×\(theirs[4]) against \(zero[3])×\(zero[4])): partition one file into one directory"))
            }
        }
        return shard
    }
}
