/// A file written under a temporary name in its destination's directory and moved into place
/// only when complete: the one safe-write policy of the library (model files, binary caches,
/// split files, Matrix Market files, SVGs and reports).
///
/// `commit()` flushes, `fsync`s the file, renames it over the destination and `fsync`s the
/// directory, so a process killed at any moment (or a machine that loses power) leaves either
/// the old file or the new one under the destination's name, never part of one, and a reader
/// that mapped the old file keeps reading it. A writer dropped without `commit()` removes its
/// temporary file.
@_spi(Engine) public final class _AtomicFile {
    /// Where the file ends up.
    let path: String
    /// The name it is written under until `commit()`.
    let temporary: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var open = true
    private static let bufferSize = 1 << 20

    /// Checks the destination (`ALSFile.checkWritable`) and creates the temporary file.
    public init(path: String) throws {
        try ALSFile.checkWritable(path)
        self.path = path
        temporary = path + ".tmp-\(_Platform.processID)-\(UInt32.random(in: 0 ... .max))"
        descriptor = _Platform.createExclusively(temporary, permissions: 0o644)
        guard descriptor >= 0 else { throw ALSError.io(path: path, reason: "cannot create \(temporary) (\(_errnoText()))") }
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { abandon() }

    /// Appends `bytes` (buffered, so small pieces do not cost a system call each).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count <= Self.bufferSize {
            buffer.append(contentsOf: bytes)
            return
        }
        try flush()
        try _writeAll(descriptor, bytes, path: temporary)
    }

    /// Appends the UTF-8 of `text`.
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Overwrites `bytes` at file offset `offset`, which must lie in what was already written
    /// (a checksum field, say).
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        try flush()
        var done = 0
        while done < bytes.count {
            let n = _Platform.pwrite(descriptor, bytes._start + done, bytes.count - done, at: offset + done)
            if n < 0 {
                if _Platform.interrupted { continue }
                throw ALSError.io(path: temporary, reason: "cannot write (\(_errnoText()))")
            }
            done += n
        }
    }

    /// A duplicate of the temporary file's descriptor, positioned after what was written, for a
    /// C library that writes through its own `FILE*` (CHOLMOD); the caller closes it.
    func duplicateDescriptor() throws -> Int32 {
        try flush()
        let fd = _Platform.duplicate(descriptor)
        guard fd >= 0 else { throw ALSError.io(path: temporary, reason: "cannot duplicate the descriptor (\(_errnoText()))") }
        return fd
    }

    /// Makes the written bytes the destination file (see the type's documentation).
    public func commit() throws {
        defer { abandon() }
        try flush()
        guard _Platform.sync(descriptor) == 0 else { throw ALSError.io(path: temporary, reason: "cannot sync (\(_errnoText()))") }
        guard _Platform.close(descriptor) == 0 else { throw ALSError.io(path: temporary, reason: "cannot close (\(_errnoText()))") }
        open = false
        guard _Platform.rename(temporary, to: path) == 0 else {
            let reason = _errnoText()
            _Platform.unlink(temporary)
            throw ALSError.io(path: path, reason: "cannot move the written file into place (\(reason))")
        }
        // The rename is durable only once the directory entry is on disk.
        let directory = _Platform.openDirectory(ALSFile.directory(of: path))
        if directory >= 0 {
            _Platform.sync(directory)
            _Platform.close(directory)
        }
    }

    /// Closes and removes the temporary file unless `commit()` moved it into place.
    func abandon() {
        guard open else { return }
        open = false
        _Platform.close(descriptor)
        _Platform.unlink(temporary)
    }

    /// Writes out what is buffered (the temporary file then holds everything written so far).
    func flush() throws {
        try buffer.withUnsafeBytes { try _writeAll(descriptor, $0, path: temporary) }
        buffer.removeAll(keepingCapacity: true)
    }
}
