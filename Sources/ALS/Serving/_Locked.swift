#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
