extension ALSModel {
    /// `data` re-indexed over this model's id maps: row `u` of the result holds the interactions
    /// of the model's user `u` and column `i` is the model's item `i`, so the result can be passed
    /// as `SeenItems.interactions` or to batch `recommend`. Ids are matched by their text, so a
    /// file loaded with other id options (integer or text ids) still lines up. Entries whose user
    /// or item the model does not know are dropped: the model can neither be asked about such a
    /// user nor recommend such an item.
    ///
    /// Returns `data` unchanged when its id maps already are the model's, the usual case of the
    /// file the model was trained on, loaded with the same options.
    ///
    /// Cost: O(nnz + users + items) when the maps differ, O(users + items) to find out.
    @_spi(Engine) public func reindexed(_ data: InteractionMatrix) throws -> InteractionMatrix {
        if data.userIDs == userIDs, data.itemIDs == itemIDs { return data }
        let userIndex = Self._indexMap(from: data.userIDs, to: userIDs)
        let itemIndex = Self._indexMap(from: data.itemIDs, to: itemIDs)
        var t = Triplets()
        let hasTimestamps = data.byUser.timestamps != nil, hasWeights = data.byUser.weights != nil
        if hasTimestamps { t.timestamps = [] }
        if hasWeights { t.weights = [] }
        let m = data.byUser
        for r in 0 ..< data.users {
            let u = userIndex[r]
            if u < 0 { continue }
            for p in m.range(of: r) {
                let i = itemIndex[Int(m.innerIndices[p])]
                if i < 0 { continue }
                t.users.append(u)
                t.items.append(i)
                t.values.append(m.values[p])
                if hasTimestamps { t.timestamps!.append(m.timestamps![p]) }
                if hasWeights { t.weights!.append(m.weights![p]) }
            }
        }
        // Distinct input cells map to distinct model cells (id maps hold no duplicates), so
        // `.error` can only fire on a bug.
        return try InteractionMatrix(users: users, items: items, triplets: t, duplicates: .error,
                                     userIDs: userIDs, itemIDs: itemIDs)
    }

    /// How many of `data`'s user ids and item ids this model knows.
    @_spi(Engine) public func knownIDs(in data: InteractionMatrix) -> (users: Int, items: Int) {
        (Self._indexMap(from: data.userIDs, to: userIDs).count { $0 >= 0 },
         Self._indexMap(from: data.itemIDs, to: itemIDs).count { $0 >= 0 })
    }

    /// Throws `ALSError.mostlyUnknownIDs` (naming `file`, the side and the counts) when the model
    /// knows fewer than `minimumFraction` of `data`'s user ids or of its item ids: a file of
    /// another data set, whose interactions `reindexed(_:)` would almost all drop without a word.
    @_spi(Engine) public func checkKnownIDs(in data: InteractionMatrix, file: String, minimumFraction: Double = 0.5) throws {
        let known = knownIDs(in: data)
        for (kind, k, total) in [("user", known.users, data.users), ("item", known.items, data.items)]
        where total > 0 && Double(k) < minimumFraction * Double(total) {
            throw ALSError.mostlyUnknownIDs(file: file, kind: kind, known: k, total: total)
        }
    }

    /// For every index of `source`, the index of the same id in `target`, or −1.
    private static func _indexMap(from source: IDMap, to target: IDMap) -> [Int32] {
        switch source.storage {
        case .integers(let ids):
            return ids.map { id in target.index(of: id).map(Int32.init) ?? -1 }
        case .strings(let ids):
            return ids.map { id in target.index(of: id).map(Int32.init) ?? -1 }
        }
    }
}
