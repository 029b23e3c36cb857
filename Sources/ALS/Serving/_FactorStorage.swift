/// The storage of one row-major Float32 factor matrix: a Swift array (a trained or hand-built
/// model) or a read-only range of a mapped model file (a loaded model, never copied).
///
/// Every serving path reads through `withUnsafeBufferPointer`, which never copies. Only the
/// `ALSModel.userFactors`/`itemFactors` array properties copy a mapped range, once, on first use.
internal enum _FactorStorage: Sendable {
    case array([Float])
    case mapped(_MappedFloats)

    /// Number of floats (rows × k).
    var count: Int {
        switch self {
        case .array(let a): return a.count
        case .mapped(let m): return m.count
        }
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        switch self {
        case .array(let a): return try a.withUnsafeBufferPointer(body)
        case .mapped(let m): return try body(UnsafeBufferPointer(start: m.base, count: m.count))
        }
    }

    /// The floats as an array: free for `.array`; a copy made once and cached for `.mapped`.
    var array: [Float] {
        switch self {
        case .array(let a): return a
        case .mapped(let m): return m.materialized
        }
    }
}

/// A range of Float32 values inside a mapped file. Holding the `_MappedFile` keeps the mapping
/// alive for as long as any model (or copy of one) refers to it.
///
/// `@unchecked Sendable`: `base` points into a read-only private mapping that nothing writes
/// after `mmap` returns, and the only mutable state, the cached array, sits behind a mutex.
internal final class _MappedFloats: @unchecked Sendable {
    let file: _MappedFile
    let base: UnsafePointer<Float>
    let count: Int
    private let cache = _Locked<[Float]?>(nil)

    /// - Precondition: `offset` is 4-byte aligned and `offset + 4·count` lies inside the file
    ///   (the model reader checks both before calling).
    init(file: _MappedFile, offset: Int, count: Int) {
        self.file = file
        self.base = (file.base + offset).assumingMemoryBound(to: Float.self)
        self.count = count
    }

    /// The values copied into an array; the copy is made on first use and then shared.
    var materialized: [Float] {
        cache.withLock { cached in
            if let a = cached { return a }
            let a = Array(UnsafeBufferPointer(start: base, count: count))
            cached = a
            return a
        }
    }
}
