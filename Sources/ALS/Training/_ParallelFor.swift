import Dispatch
import Synchronization

/// The one parallel-for of the library (training half-steps, batch scoring, evaluation,
/// loading): runs `body(range, worker)` over `0 ..< count` in chunks of at most `chunk` on up
/// to `threads` workers of `DispatchQueue.concurrentPerform`, dynamically scheduled (an atomic
/// cursor), so a few very long rows (popular items) or a worker the OS delays do not idle the
/// others. `worker` is in `0 ..< threads` and indexes the caller's per-worker scratch, which may
/// be sized for `chunk` rows: every range is at most `chunk` long, with one worker too.
///
/// The first error thrown by any chunk stops the remaining chunks and is rethrown. Results stay
/// deterministic as long as `body` writes only to the rows of its own range. The error type is
/// `body`'s own (typed throws), so a `body` that cannot throw needs no `try` at the call.
internal func _parallelFor<E: Error>(
    count: Int, threads: Int, chunk: Int,
    _ body: (Range<Int>, Int) throws(E) -> Void
) throws(E) {
    if count == 0 { return }
    let chunk = max(1, chunk)
    let workers = max(1, min(threads, (count + chunk - 1) / chunk))
    if workers == 1 {
        for start in stride(from: 0, to: count, by: chunk) { try body(start ..< min(count, start + chunk), 0) }
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
    threads > 0 ? threads : System.coreCount
}

@_spi(Engine) public enum System {
    /// The number of online cores, at least 1: the one core count of the library (the default
    /// worker count everywhere).
    public static var coreCount: Int { max(1, _Platform.onlineProcessors) }
}
