extension ALSFile {
    /// Writes a binary file atomically through the library's one safe-write policy
    /// (`_AtomicFile`: a temporary file in the same directory, `fsync`, `rename`, `fsync` of the
    /// directory): `body` is handed a function that appends bytes, and the file appears under
    /// `path` only once `body` returns. Not API: for the distributed layer's shards and
    /// checkpoints.
    ///
    /// - Throws: `ALSError.io` or `ALSError.notARegularFile` for the path, any error of `body`
    ///   (the temporary file is then removed and `path` is left as it was).
    @_spi(Engine)
    public static func writeAtomically(to path: String,
                                       _ body: (_ append: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let file = try _AtomicFile(path: path)
        try body { try file.write($0) }
        try file.commit()
    }
}
