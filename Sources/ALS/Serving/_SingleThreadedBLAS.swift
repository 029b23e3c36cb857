/// Runs parallel regions with OpenBLAS single-threaded, so that each of our workers runs its
/// own BLAS call instead of every call fanning out over all cores again (oversubscription).
///
/// OpenBLAS's thread count is process-wide. Regions may overlap (two batch calls from two
/// tasks), so they share one setting: the first region to enter saves the count and sets 1, the
/// last one to leave restores it. `shared` controls OpenBLAS; tests build their own instance over
/// a fake counter, because the real one is shared with every test running in parallel.
internal final class _SingleThreadedBLAS: Sendable {
    static let shared = _SingleThreadedBLAS(get: { _BLAS.threads }, set: { _BLAS.setThreads($0) })

    private struct State: Sendable {
        var depth = 0
        var saved = 1
    }

    private let state = _Locked(State())
    private let get: @Sendable () -> Int
    private let set: @Sendable (Int) -> Void

    init(get: @escaping @Sendable () -> Int, set: @escaping @Sendable (Int) -> Void) {
        self.get = get
        self.set = set
    }

    func run<R>(_ body: () throws -> R) rethrows -> R {
        state.withLock { s in
            if s.depth == 0 {
                s.saved = get()
                set(1)
            }
            s.depth += 1
        }
        defer {
            state.withLock { s in
                s.depth -= 1
                if s.depth == 0 { set(s.saved) }
            }
        }
        return try body()
    }
}
