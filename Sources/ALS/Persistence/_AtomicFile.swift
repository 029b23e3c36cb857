import Glibc

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
        temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
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
            let n = pwrite(descriptor, bytes._start + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ALSError.io(path: temporary, reason: "cannot write (\(_errnoText()))")
            }
            done += n
        }
    }

    /// A duplicate of the temporary file's descriptor, positioned after what was written, for a
    /// C library that writes through its own `FILE*` (CHOLMOD); the caller closes it.
    func duplicateDescriptor() throws -> Int32 {
        try flush()
        let fd = dup(descriptor)
        guard fd >= 0 else { throw ALSError.io(path: temporary, reason: "cannot duplicate the descriptor (\(_errnoText()))") }
        return fd
    }

    /// Makes the written bytes the destination file (see the type's documentation).
    public func commit() throws {
        defer { abandon() }
        try flush()
        guard fsync(descriptor) == 0 else { throw ALSError.io(path: temporary, reason: "cannot sync (\(_errnoText()))") }
        guard close(descriptor) == 0 else { throw ALSError.io(path: temporary, reason: "cannot close (\(_errnoText()))") }
        open = false
        guard rename(temporary, path) == 0 else {
            let reason = _errnoText()
            unlink(temporary)
            throw ALSError.io(path: path, reason: "cannot move the written file into place (\(reason))")
        }
        // The rename is durable only once the directory entry is on disk.
        let directory = Glibc.open(ALSFile.directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// Closes and removes the temporary file unless `commit()` moved it into place.
    func abandon() {
        guard open else { return }
        open = false
        close(descriptor)
        unlink(temporary)
    }

    /// Writes out what is buffered (the temporary file then holds everything written so far).
    func flush() throws {
        try buffer.withUnsafeBytes { try _writeAll(descriptor, $0, path: temporary) }
        buffer.removeAll(keepingCapacity: true)
    }
}
