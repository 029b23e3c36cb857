/// The training interactions kept with a model, which recommendations leave out by default
/// (`SeenItems.training`).
extension ALSModel {
    /// Whether the model keeps its training interactions: true for a model from
    /// `ALSTrainer.fit`, or loaded from a file saved with them (`save(to:includeSeenItems:)`,
    /// the default); false for an older file, an `.npz`, or a model built from its parts.
    public var hasSeenItems: Bool { _seen != nil }

    /// This model keeping `data` as its users' seen items, for a model that has none (an older
    /// file, say). `data` is matched to the model by id (`reindexed(_:)`): interactions of
    /// users or items the model does not know are dropped. The factors are shared, not copied.
    ///
    /// - Throws: the errors of `reindexed(_:)`.
    public func withSeenItems(_ data: InteractionMatrix) throws -> ALSModel {
        try _with(itemCounts: _itemCounts, seen: _SeenMatrix(try reindexed(data).byUser))
    }

    /// The kept seen items of dense user `u`, ascending; throws when the model keeps none.
    internal func _trainingItems(of u: Int) throws -> [Int] {
        guard let seen = _seen else {
            throw ALSError.invalidConfiguration(
                parameter: "excludeSeen",
                reason: "this model keeps no training interactions (an older file, or saved with `includeSeenItems: false`); pass `.interactions(train)` with the training data, or `.nothing`")
        }
        return seen.items(of: u)
    }
}
