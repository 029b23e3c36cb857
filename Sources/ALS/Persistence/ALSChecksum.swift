/// XXH64 checksums (the model file's `_XXH64`) for the distributed layer, which stamps shards
/// and checkpoints with the checksum of their source so that a job refuses mixed inputs before
/// any work. Not API: `@_spi(Engine)`.
@_spi(Engine)
public enum ALSChecksum {
    /// XXH64 of `bytes` with `seed`.
    public static func of(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        _XXH64.hash(bytes, seed: seed)
    }

    /// XXH64 of the interactions of `matrix`: its shape and the user-major offsets, item indices
    /// and values (not the id text, nor timestamps). Equal matrices give equal checksums.
    public static func of(_ matrix: InteractionMatrix) -> UInt64 {
        var h = _XXH64()
        [Int64(matrix.users), Int64(matrix.items), Int64(matrix.nonZeros)].withUnsafeBytes { h.update($0) }
        matrix.byUser.outerOffsets.withUnsafeBytes { h.update($0) }
        matrix.byUser.innerIndices.withUnsafeBytes { h.update($0) }
        matrix.byUser.values.withUnsafeBytes { h.update($0) }
        return h.digest()
    }
}
