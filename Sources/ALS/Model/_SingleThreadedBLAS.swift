import Synchronization

/// Runs a parallel region with OpenBLAS single-threaded, so that each of our workers runs its
/// own BLAS call instead of every call fanning out over all cores again (oversubscription).
///
/// OpenBLAS's thread count is process-wide. Regions may overlap (two batch calls from two
/// tasks), so they share one setting: the first region to enter saves the count and sets 1, the
/// last one to leave restores it.
internal enum _SingleThreadedBLAS {
    private struct State {
        var depth = 0
        var saved = 1
    }

    private static let state = Mutex(State())

    static func run<R>(_ body: () throws -> R) rethrows -> R {
        state.withLock { s in
            if s.depth == 0 {
                s.saved = _BLAS.threads
                _BLAS.setThreads(1)
            }
            s.depth += 1
        }
        defer {
            state.withLock { s in
                s.depth -= 1
                if s.depth == 0 { _BLAS.setThreads(s.saved) }
            }
        }
        return try body()
    }
}
