import ALS

/// Thrown on the ranks that did not fail when another rank's local work failed: that rank
/// reports its own error, the others stop quietly with this one.
public struct PeerFailure: Error, Sendable {
    /// The ranks whose local work failed.
    public let ranks: [Int]
}

/// An error every rank of the job throws alike (a mismatched shard, non-finite factors after an
/// exchange): one rank's report says it all.
public struct SharedFailure: Error, Sendable, CustomStringConvertible {
    public let error: ALSError
    public var description: String { error.description }
}

extension Communicator {
    /// Runs a rank's local work (a solve, a file read) so that a failure anywhere stops every
    /// rank instead of leaving the others waiting in the next collective: the failing rank
    /// rethrows its error, the others throw `PeerFailure`. Costs one small `MPI_Allgather`.
    func together<R>(_ body: () throws -> R) throws -> R {
        let result = Result { try body() }
        guard size > 1 else { return try result.get() }
        let failed = try allgather([{ if case .failure = result { return 1 } else { return 0 } }()] as [Int64])
        let value = try result.get()
        if failed.contains(1) { throw PeerFailure(ranks: failed.indices.filter { failed[$0] == 1 }) }
        return value
    }
}
