extension InteractionMatrix {
    /// Assembles a matrix from a CSR and a CSC built together (by the loader) or stored together
    /// (in the binary cache), without transposing again.
    ///
    /// Checks that the shapes and id maps agree and, with `validate`, each half's own invariants
    /// (for data read from a file), and throws `ALSError.invariantViolation` otherwise. That the
    /// two halves hold the same entries is not re-checked (it costs a full transpose): the
    /// loader's construction, or the cache's checksum, stands for it.
    @_spi(Engine) public init(byUser: CompressedMatrix, byItem: CompressedMatrix, userIDs: IDMap, itemIDs: IDMap,
         duplicatesMerged: Int, validate: Bool) throws {
        if validate {
            try byUser.checkInvariants()
            try byItem.checkInvariants()
        }
        guard byItem.outerCount == byUser.innerCount, byItem.innerCount == byUser.outerCount,
              byItem.nonZeros == byUser.nonZeros,
              (byItem.timestamps == nil) == (byUser.timestamps == nil),
              (byItem.weights == nil) == (byUser.weights == nil) else {
            throw ALSError.invariantViolation("the stored CSC is not the transpose of the stored CSR")
        }
        guard userIDs.count == byUser.outerCount, itemIDs.count == byUser.innerCount else {
            throw ALSError.invariantViolation("id maps do not match the matrix shape")
        }
        self.byUser = byUser
        self.byItem = byItem
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.duplicatesMerged = duplicatesMerged
    }
}
