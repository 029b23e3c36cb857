/// A split re-indexed over a model's id maps (see `ALSModel.aligned(_:)`).
@_spi(Engine) public struct AlignedSplit: Sendable {
    /// The split over the model's id maps, extended by the ids the model does not know.
    public let split: DataSplit
    /// Users of the split (train or test) the model has no factors for.
    public let unknownUsers: Int
    /// Items of the split the model has no factors for.
    public let unknownItems: Int
    /// Test entries whose user or item the model does not know.
    public let unknownTestEntries: Int
}

extension ALSModel {
    /// Re-indexes `split` so that dense index `u` of the result is the model's user `u`: the
    /// result's id maps are the model's, followed by the split's ids the model does not know (in
    /// the split's order). The evaluators accept such a split (`RankingEvaluator.evaluate(k:model:)`,
    /// `evaluateRatings(model:train:test:)`): a model's id maps come from the file it was trained
    /// on, while a split file pair loaded with `SplitFiles` numbers its ids over both files.
    ///
    /// Ids are matched by their text when one side has integer ids and the other text ids.
    @_spi(Engine) public func aligned(_ split: DataSplit) throws -> AlignedSplit {
        let (userIDs, userIndex) = try Self.extend(self.userIDs, with: split.train.userIDs)
        let (itemIDs, itemIndex) = try Self.extend(self.itemIDs, with: split.train.itemIDs)
        guard split.test.userIDs == split.train.userIDs, split.test.itemIDs == split.train.itemIDs else {
            throw ALSError.shapeMismatch("train and test do not share id maps; load them together with SplitFiles.load(train:test:)")
        }
        func remap(_ m: InteractionMatrix) throws -> InteractionMatrix {
            var t = m.triplets()
            t.users = t.users.map { userIndex[Int($0)] }
            t.items = t.items.map { itemIndex[Int($0)] }
            return try InteractionMatrix(
                users: userIDs.count, items: itemIDs.count, triplets: t, duplicates: .error,
                userIDs: userIDs, itemIDs: itemIDs)
        }
        let test = try remap(split.test)
        var unknownTest = 0
        for u in 0 ..< test.users {
            for p in test.byUser.range(of: u) where u >= users || Int(test.byUser.innerIndices[p]) >= items {
                unknownTest += 1
            }
        }
        return AlignedSplit(
            split: DataSplit(train: try remap(split.train), test: test), unknownUsers: userIDs.count - users,
            unknownItems: itemIDs.count - items, unknownTestEntries: unknownTest)
    }

    /// `base` followed by the ids of `other` it lacks, and the new index of every index of `other`.
    static func extend(_ base: IDMap, with other: IDMap) throws -> (IDMap, [Int32]) {
        var index = [Int32](repeating: -1, count: other.count)
        switch (base.storage, other.storage) {
        case let (.integers(a), .integers(b)):
            var ids = a
            for (j, id) in b.enumerated() {
                if let i = base.index(of: id) { index[j] = Int32(i) } else { index[j] = Int32(ids.count); ids.append(id) }
            }
            return (try IDMap(integers: ids), index)
        default:
            var ids = (0 ..< base.count).map { base.externalID($0) }
            for j in 0 ..< other.count {
                let id = other.externalID(j)
                if let i = base.index(of: id) { index[j] = Int32(i) } else { index[j] = Int32(ids.count); ids.append(id) }
            }
            return (try IDMap(strings: ids), index)
        }
    }
}
