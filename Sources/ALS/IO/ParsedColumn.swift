/// A growable column of trivially copyable values in one `malloc` block, appended to by exactly
/// one parser thread. Unlike `Array.append` it has no uniqueness check, and it grows with
/// `realloc`, which for large blocks remaps pages instead of copying them. The owner frees it
/// with `free()`; nothing frees it implicitly.
struct _ParsedColumn<T: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<T>?
    private(set) var count = 0
    private var capacity = 0

    init(reserving n: Int = 0) { if n > 0 { grow(to: n) } }

    @inline(__always)
    mutating func append(_ v: T) {
        if count == capacity { grow(to: max(1024, capacity * 2)) }
        base.unsafelyUnwrapped[count] = v
        count += 1
    }

    private mutating func grow(to n: Int) {
        guard let p = _Platform.reallocate(base, byteCount: n * MemoryLayout<T>.stride) else {
            fatalError("out of memory growing a column to \(n) entries")
        }
        base = p.assumingMemoryBound(to: T.self)
        capacity = n
    }

    mutating func free() {
        _Platform.free(base)
        base = nil
        count = 0
        capacity = 0
    }

    /// The values, read-only.
    var buffer: UnsafeBufferPointer<T> { UnsafeBufferPointer(start: base, count: count) }
    /// The values, writable in place.
    var mutableBuffer: UnsafeMutableBufferPointer<T> { UnsafeMutableBufferPointer(start: base, count: count) }
}
