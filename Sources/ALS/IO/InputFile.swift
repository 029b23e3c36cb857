/// An open file read with `pread`, so that several threads can read disjoint ranges at once
/// without sharing a file position, and without a whole-file mapping staying resident.
final class _InputFile: @unchecked Sendable {
    let path: String
    let descriptor: Int32
    let size: Int

    /// Opens `path` with `_openForReading`: regular files only, and never blocking on a FIFO.
    init(path: String) throws {
        (descriptor, size) = try _openForReading(path)
        self.path = path
    }

    deinit { _Platform.close(descriptor) }

    /// Reads up to `count` bytes at `offset` into `buffer`, retrying short reads; returns the
    /// number of bytes read (less than `count` only at the end of the file).
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        var done = 0
        while done < count {
            let n = _Platform.pread(descriptor, buffer + done, count - done, at: offset + done)
            if n < 0 {
                if _Platform.interrupted { continue }
                throw ALSError.io(path: path, reason: "cannot read (\(_errnoText()))")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Up to `count` bytes from `offset`, as an array (for sniffing and small headers).
    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        let n = max(0, min(count, size - offset))
        if n == 0 { return [] }
        var out = [UInt8](repeating: 0, count: n)
        let got = try out.withUnsafeMutableBytes { try read(into: $0._start, count: n, at: offset) }
        out.removeLast(n - got)
        return out
    }

    /// The offset just after the first newline at or after `offset - 1`, so that the result is
    /// always the start of a line (or `size`). Used to split the file for parallel parsing.
    func lineStart(atOrAfter offset: Int) throws -> Int {
        if offset <= 0 { return 0 }
        var position = offset - 1
        let window = 1 << 16
        while position < size {
            let chunk = try bytes(at: position, count: window)
            if let i = chunk.firstIndex(of: 10) { return position + i + 1 }
            position += chunk.count
        }
        return size
    }
}

/// Runs `body(0) … body(count - 1)` on up to `workers` threads (default: one per core): the
/// library's one `_parallelFor` with chunks of one call, so a worker that the OS delays leaves
/// its remaining calls to the others. Each call writes only its own slot of whatever it shares,
/// so no locking is needed.
@_spi(Engine) public func _loaderParallel(_ count: Int, workers: Int = System.coreCount, _ body: (Int) -> Void) {
    _parallelFor(count: count, threads: workers, chunk: 1) { range, _ in
        for i in range { body(i) }
    }
}

/// How many parts to split `entries` of work into for `workers` threads: four per worker for
/// large inputs (so the split balances itself when a core is busy with something else), one
/// per worker otherwise.
func _partCount(entries: Int, workers: Int) -> Int {
    workers <= 1 ? 1 : workers * (entries >= 1 << 20 ? 4 : 1)
}

/// A fixed number of result slots written by `_loaderParallel` workers, one slot each. The
/// storage is a raw allocation rather than an array so that two threads writing different slots
/// never make overlapping accesses to one Swift property.
@_spi(Engine) public final class _LoaderSlots<T>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<T?>
    public let count: Int
    public init(_ count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }
    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
    public subscript(i: Int) -> T? {
        get { storage[i] }
        set { storage[i] = newValue }
    }
    /// Every slot, each of which must have been filled.
    public var values: [T] { (0 ..< count).map { storage[$0]! } }
}

/// Writes `text` to standard error (file descriptor 2), unbuffered.
func _writeStandardError(_ text: String) {
    var t = text
    t.withUTF8 { b in _ = _Platform.write(2, b.baseAddress, b.count) }
}
