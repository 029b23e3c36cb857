/// A value behind a pthread mutex: the lock of every lazily filled cache and shared setting in
/// the serving code.
///
/// Why not `Synchronization.Mutex`: on Linux it hands a contended lock to the next owner through
/// a priority-inheritance futex, inside the kernel, where ThreadSanitizer cannot see it, so every
/// contended critical section is reported as a data race (a false positive that would hide real
/// ones; reproduced with Swift 6.3.1). ThreadSanitizer intercepts pthread mutexes. This can go
/// once ThreadSanitizer understands `Mutex` on Linux.
///
/// `@unchecked Sendable`: `value` is only reached through `withLock`.
internal final class _Locked<Value: Sendable>: @unchecked Sendable {
    private let mutex: _Platform.Mutex
    private var value: Value

    init(_ value: Value) {
        mutex = _Platform.makeMutex()
        self.value = value
    }

    deinit { _Platform.destroyMutex(mutex) }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        _Platform.lock(mutex)
        defer { _Platform.unlock(mutex) }
        return try body(&value)
    }
}
