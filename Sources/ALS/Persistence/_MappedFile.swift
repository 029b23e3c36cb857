/// A whole file mapped read-only (`mmap(PROT_READ, MAP_PRIVATE)`), unmapped when the last
/// reference goes. Model files are written to a temporary name and renamed into place, so a
/// mapping never sees its file change underneath it.
///
/// `@unchecked Sendable`: the mapping is read-only and immutable for the object's lifetime.
internal final class _MappedFile: @unchecked Sendable {
    let base: UnsafeRawPointer
    let length: Int
    let path: String

    /// Maps `path` (opened with `_openForReading`, so only a regular file). Throws `ALSError.io`
    /// when it cannot be opened or mapped, `ALSError.notARegularFile` for a FIFO, directory or
    /// device, and `ALSError.corruptFile` when it is empty (an empty file cannot be mapped).
    init(path: String) throws {
        let (fd, length) = try _openForReading(path)
        defer { _Platform.close(fd) }
        guard length > 0 else { throw ALSError.corruptFile(path: path, reason: "truncated: the file is empty") }
        guard let p = _Platform.mapReadOnly(fd, length: length) else {
            throw ALSError.io(path: path, reason: "cannot map (\(_errnoText()))")
        }
        self.base = p
        self.length = length
        self.path = path
    }

    deinit { _Platform.unmap(base, length: length) }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }

    /// Drops the whole pages inside `range` (byte offsets) from this process's resident set.
    /// The mapping stays valid: a later read faults the page back in from the page cache. Used
    /// when a file is read once front to back, so resident memory never holds the whole file
    /// next to what was built from it.
    func release(_ range: Range<Int>) {
        let page = _Platform.pageSize
        let start = (range.lowerBound + page - 1) / page * page
        let end = min(range.upperBound, length) / page * page
        guard end > start else { return }
        _Platform.discardPages(base + start, length: end - start)
    }
}
