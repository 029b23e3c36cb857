/// Writes all of `bytes` to `fd`, retrying short writes and `EINTR`: the one write loop of the
/// library. Returns 0, or the `errno` of the write that failed.
func _writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    guard var p = bytes.baseAddress else { return 0 }
    var left = bytes.count
    while left > 0 {
        let n = _Platform.write(fd, p, left)
        if n < 0 {
            if _Platform.interrupted { continue }
            return _Platform.errno
        }
        p += n
        left -= n
    }
    return 0
}

/// `_writeFully`, throwing `ALSError.io` naming `path` and the error text.
func _writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
    let code = _writeFully(fd, bytes)
    guard code == 0 else { throw ALSError.io(path: path, reason: "cannot write (\(_errnoText(code)))") }
}
