import Dispatch
import Synchronization

/// Runs `body(range, worker)` over `0 ..< count` in chunks on `threads` workers, dynamically
/// scheduled (an atomic cursor), so a few very long rows (popular items) do not idle a core.
/// `worker` is in `0 ..< threads` and indexes the caller's per-thread scratch.
///
/// The first error thrown by any chunk stops the remaining chunks and is rethrown. Results stay
/// deterministic as long as `body` writes only to the rows of its own range. The error type is
/// `body`'s own (typed throws), so a `body` that cannot throw needs no `try` at the call.
internal func _parallelFor<E: Error>(
    count: Int, threads: Int, chunk: Int,
    _ body: (Range<Int>, Int) throws(E) -> Void
) throws(E) {
    if count == 0 { return }
    let workers = max(1, min(threads, (count + chunk - 1) / chunk))
    if workers == 1 {
        try body(0 ..< count, 0)
        return
    }
    let cursor = Atomic<Int>(0)
    let failure = Mutex<E?>(nil)
    let stop = Atomic<Bool>(false)
    withoutActuallyEscaping(body) { body in
        // `body` only captures memory the caller keeps alive for the duration of this call.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while !stop.load(ordering: .relaxed) {
                let start = cursor.wrappingAdd(chunk, ordering: .relaxed).oldValue
                if start >= count { break }
                do throws(E) {
                    try body(start ..< min(count, start + chunk), worker)
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                    stop.store(true, ordering: .relaxed)
                }
            }
        }
    }
    if let error = failure.withLock({ $0 }) { throw error }
}

/// The worker count for a `threads` setting (0 = all cores).
internal func _resolvedThreads(_ threads: Int) -> Int {
    threads > 0 ? threads : max(1, System.coreCount)
}

internal enum System {
    static var coreCount: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
