/// The library's file access, for the command line and for services that write what the
/// library writes: reading a whole regular file, checking an output path before the work that
/// produces it, and writing a file atomically.
@_spi(Engine) public enum ALSFile {
    /// The whole of the regular file `path`. FIFOs, directories and devices are refused with
    /// `ALSError.notARegularFile` (without blocking), unreadable paths with `ALSError.io`.
    public static func read(_ path: String) throws -> [UInt8] { try _readWholeFile(path) }

    /// Calls `body` with the bytes of the regular file `path`, memory-mapped read-only: no heap
    /// buffer of the file's size, and only the pages `body` touches are read. The bytes are
    /// valid only during the call.
    ///
    /// - Throws: as `read(_:)`, and `ALSError.corruptFile` for an empty file (which cannot be
    ///   mapped); any error of `body`.
    public static func withMappedBytes<R>(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let file = try _MappedFile(path: path)
        return try withExtendedLifetime(file) { try body(file.bytes) }
    }

    /// Writes `text` to `path` atomically: a temporary file in the same directory, synced and
    /// renamed into place, so `path` holds either its old content or `text`, never part of it.
    public static func write(_ text: String, to path: String) throws {
        let file = try _AtomicFile(path: path)
        try file.write(text)
        try file.commit()
    }

    /// Throws unless a file can be written at `path`: its directory exists and is writable, and
    /// `path` is not a directory, FIFO or device. Call it before long work whose result goes to
    /// `path`, so a typo in the path fails at once rather than after the work.
    ///
    /// - Throws: `ALSError.io` naming the problem, or `ALSError.notARegularFile`.
    public static func checkWritable(_ path: String) throws {
        guard !path.isEmpty else { throw ALSError.io(path: path, reason: "the output path is empty") }
        if let info = _Platform.status(ofPath: path) {
            try _requireRegularFile(info, path: path)
        }
        let directory = directory(of: path)
        guard let info = _Platform.status(ofPath: directory) else {
            throw ALSError.io(path: path, reason: "the directory \(directory) does not exist (\(_errnoText()))")
        }
        guard info.kind == .directory else {
            throw ALSError.io(path: path, reason: "\(directory) is not a directory")
        }
        guard _Platform.isWritable(directory) else {
            throw ALSError.io(path: path, reason: "the directory \(directory) is not writable (\(_errnoText()))")
        }
    }

    /// The directory part of `path` ("." for a bare name, "/" for a file at the root).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Writes all of `bytes` to the open descriptor `fd` (standard output, say), retrying short
    /// writes and interruptions. Returns 0, or the `errno` of the write that failed (`EPIPE`,
    /// `ENOSPC`, …), so the caller can tell a closed pipe from a full disk.
    public static func write(_ bytes: UnsafeRawBufferPointer, toDescriptor fd: Int32) -> Int32 {
        _writeFully(fd, bytes)
    }

    /// The text of an `errno` value.
    public static func errorText(_ code: Int32) -> String { _errnoText(code) }
}
