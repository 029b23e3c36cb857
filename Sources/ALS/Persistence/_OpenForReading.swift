/// Opens `path` read-only and returns the descriptor and the file's size; the one way the
/// library opens a file to read.
///
/// Only regular files are accepted. The type is checked with `stat` before the open and again
/// with `fstat` after it, and the open itself is non-blocking, so a FIFO (which would block until
/// a writer appears), a directory or a device is refused with `ALSError.notARegularFile` instead
/// of hanging or reading garbage. The descriptor is switched back to blocking reads before it is
/// returned.
///
/// - Throws: `ALSError.io` when the path cannot be opened, `ALSError.notARegularFile` when it is
///   not a regular file.
func _openForReading(_ path: String) throws -> (descriptor: Int32, size: Int) {
    guard let before = _Platform.status(ofPath: path) else {
        throw ALSError.io(path: path, reason: "cannot open (\(_errnoText()))")
    }
    try _requireRegularFile(before, path: path)
    let fd = _Platform.openReadOnlyNonBlocking(path)
    guard fd >= 0 else { throw ALSError.io(path: path, reason: "cannot open (\(_errnoText()))") }
    do {
        guard let after = _Platform.status(ofDescriptor: fd) else {
            throw ALSError.io(path: path, reason: "cannot stat (\(_errnoText()))")
        }
        try _requireRegularFile(after, path: path)
        guard _Platform.setBlocking(fd) else {
            throw ALSError.io(path: path, reason: "cannot set blocking reads (\(_errnoText()))")
        }
        return (fd, after.size)
    } catch {
        _Platform.close(fd)
        throw error
    }
}

/// Throws `ALSError.notARegularFile` naming what `info` describes unless it is a regular file.
func _requireRegularFile(_ info: _Platform.FileStatus, path: String) throws {
    let kind: String
    switch info.kind {
    case .regular: return
    case .fifo: kind = "a FIFO (named pipe)"
    case .directory: kind = "a directory"
    case .characterDevice: kind = "a character device"
    case .blockDevice: kind = "a block device"
    case .socket: kind = "a socket"
    case .other: kind = "not a regular file"
    }
    throw ALSError.notARegularFile(path: path, kind: kind)
}

/// The whole of the regular file `path`, read with `pread` in 1 MiB steps.
func _readWholeFile(_ path: String) throws -> [UInt8] {
    let file = try _InputFile(path: path)
    return try file.bytes(at: 0, count: file.size)
}
