import Glibc

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
    var before = stat()
    guard stat(path, &before) == 0 else { throw ALSError.io(path: path, reason: "cannot open (\(_errnoText()))") }
    try _requireRegularFile(before, path: path)
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw ALSError.io(path: path, reason: "cannot open (\(_errnoText()))") }
    var after = stat()
    do {
        guard fstat(fd, &after) == 0 else { throw ALSError.io(path: path, reason: "cannot stat (\(_errnoText()))") }
        try _requireRegularFile(after, path: path)
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
            throw ALSError.io(path: path, reason: "cannot set blocking reads (\(_errnoText()))")
        }
    } catch {
        close(fd)
        throw error
    }
    return (fd, Int(after.st_size))
}

/// Throws `ALSError.notARegularFile` naming what `info` describes unless it is a regular file.
func _requireRegularFile(_ info: stat, path: String) throws {
    let kind: String
    switch info.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFIFO: kind = "a FIFO (named pipe)"
    case S_IFDIR: kind = "a directory"
    case S_IFCHR: kind = "a character device"
    case S_IFBLK: kind = "a block device"
    case S_IFSOCK: kind = "a socket"
    default: kind = "not a regular file"
    }
    throw ALSError.notARegularFile(path: path, kind: kind)
}

/// The whole of the regular file `path`, read with `pread` in 1 MiB steps.
func _readWholeFile(_ path: String) throws -> [UInt8] {
    let file = try _InputFile(path: path)
    return try file.bytes(at: 0, count: file.size)
}
