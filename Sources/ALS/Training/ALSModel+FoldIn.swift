/// Fold-in: factors for a new or changed user from their interactions, without retraining.
extension ALSModel {
    /// A folded-in user or item: the factor row and, for a model with biases, the bias.
    public struct FoldedFactors: Sendable, Hashable, Codable {
        /// `factors` floats, in the order of the model's factor rows.
        public var factors: [Float]
        /// The user bias; 0 in a model without biases.
        public var bias: Float
    }

    /// Whether fold-in needs the training data's per-item counts: WALS item weights and
    /// popularity-weighted missing data (eALS) are functions of them. A model trained by this
    /// version keeps them (`itemCounts`); one saved by an older version needs them given.
    @_spi(Engine) public var foldInNeedsItemCounts: Bool {
        configuration.mode == .weighted || (configuration.mode == .implicit && configuration.missingWeightExponent != 0)
    }

    /// The training data's per-item counts kept with the model: set by training when
    /// `foldInNeedsItemCounts`, saved and loaded with the model file; nil otherwise.
    @_spi(Engine) public var itemCounts: [Int]? { _itemCounts }

    /// This model with the training data's per-item counts, for fold-in of a model that was saved
    /// without them (`foldInNeedsItemCounts` and `itemCounts == nil`). The factors are shared,
    /// not copied.
    ///
    /// - Parameter counts: one count per item, `(0..<items).map { train.byItem.count(of: $0) }`.
    /// - Throws: `ALSError.shapeMismatch` when there is not one count ≥ 0 per item.
    @_spi(Engine) public func withItemCounts(_ counts: [Int]) throws -> ALSModel {
        try _with(itemCounts: counts, seen: _seen)
    }

    /// The exact least-squares user factors for `interactions` (dense item index, value) against
    /// the model's item factors, in the model's own mode and weights: the same solve as a user
    /// half-step of training (the item Gram, the per-entry corrections, λ scaled by the user's
    /// count when training used frequency-scaled λ, the global mean and biases), bit for bit.
    /// Repeated items are summed, as training sums duplicate cells.
    ///
    /// Cost: O(n·k² + k³) for n interactions, no copy of the model. The item Gram YᵀY (dense
    /// and implicit modes) is computed on the model's first fold-in, once (O(items·k²)), and
    /// shared by every later call and every copy of the model; thread-safe.
    ///
    /// - Parameter itemCounts: the training data's per-item counts; default nil, the model's own
    ///   (`itemCounts`). Needed only when `foldInNeedsItemCounts` and the model has none.
    /// - Throws: `ALSError.unknownID` for an item out of range, `ALSError.invalidConfiguration`
    ///   when item counts are needed and missing or (implicit mode) a value is negative or not
    ///   finite, `ALSError.notPositiveDefinite` when the system is singular (raise λ).
    @_spi(Engine) public func foldIn(interactions: [(item: Int, value: Float)], itemCounts: [Int]? = nil) throws -> FoldedFactors {
        let row = try _foldInRow(interactions)
        let context = try itemCounts.map { try _FoldInContext(model: self, itemCounts: $0) }
            ?? _cache.foldInContext(of: self)
        return try context.solve(self, items: row.items, values: row.values)
    }

    /// `foldIn(interactions:itemCounts:)` by external item ids.
    public func foldIn(itemIDs interactions: [(id: String, value: Float)], itemCounts: [Int]? = nil) throws -> FoldedFactors {
        try foldIn(interactions: _itemIndices(interactions), itemCounts: itemCounts)
    }

    /// A new model in which user `id` has the folded-in factors: the row is replaced when the
    /// user exists and appended otherwise, and, when the model keeps seen items, the user's seen
    /// items become `interactions`. The receiver is unchanged; the new model copies the
    /// user factors (O(users·k)), so serve new users with `recommend(interactions:k:)` instead
    /// and use this to write a model that keeps them.
    public func foldingIn(userID id: String, interactions: [(item: Int, value: Float)],
                          itemCounts: [Int]? = nil) throws -> ALSModel {
        let folded = try foldIn(interactions: interactions, itemCounts: itemCounts)
        let user = userIDs.index(of: id)
        let model = try user.map { try updating(userFactors: folded.factors, for: $0, bias: hasBiases ? folded.bias : nil) }
            ?? appendingUser(id: id, factors: folded.factors, bias: folded.bias)
        // The user's seen items are now the interactions the new factors were fitted to.
        guard let seen = model._seen else { return model }
        return try model._with(itemCounts: model._itemCounts,
                               seen: seen.settingRow(user ?? users, to: try _foldInRow(interactions).items))
    }

    /// The exact least-squares factors of a new item from the users who interacted with it, in
    /// the model's own mode and weights: the same solve as an item half-step of training (the
    /// user Gram, the per-entry corrections, λ scaled by the item's count when training used
    /// frequency-scaled λ, the global mean and user biases), bit for bit. Folding in an item of
    /// the model with its training interactions gives back its factors. Repeated users are
    /// summed.
    ///
    /// Cost: O(n·k² + k³) for n interactions; the user Gram (dense and implicit modes) is
    /// computed on the model's first item fold-in, once (O(users·k²)).
    ///
    /// - Parameter interactions: (user id, value) pairs.
    /// - Throws: `ALSError.unknownID` for a user the model does not know,
    ///   `ALSError.invalidConfiguration` for a model trained with popularity-weighted missing
    ///   data (`missingWeightExponent` ≠ 0, where one more item changes every item's weight) or
    ///   (implicit mode) a negative or non-finite value, `ALSError.notPositiveDefinite` when
    ///   the system is singular.
    public func foldInItem(userIDs interactions: [(id: String, value: Float)]) throws -> FoldedFactors {
        let row = try _foldInRow(try interactions.map { (try _index(of: $0.id, .user), $0.value) }, indices: .user)
        return try _cache.foldInContext(of: self, side: .item).solve(self, items: row.items, values: row.values)
    }

    /// A new model in which item `id` has the factors folded in from `interactions` (user id,
    /// value): the row is replaced when the item exists and appended otherwise, and, when the
    /// model keeps seen items, each of those users' seen items gain the item. The receiver is
    /// unchanged; the new model copies the item factors (O(items·k)).
    ///
    /// - Throws: the errors of `foldInItem(userIDs:)`.
    public func foldingIn(itemID id: String, userIDs interactions: [(id: String, value: Float)]) throws -> ALSModel {
        let folded = try foldInItem(userIDs: interactions)
        let item = itemIDs.index(of: id)
        let model = try item.map { try updating(itemFactors: folded.factors, for: $0, bias: hasBiases ? folded.bias : nil) }
            ?? appendingItem(id: id, factors: folded.factors, bias: folded.bias)
        guard let seen = model._seen else { return model }
        let column = Int32(item ?? items)
        let rows = Set(try interactions.map { try _index(of: $0.id, .user) })
        let updated = seen.insertingColumn(column, intoRows: rows)
        return try model._with(itemCounts: model._itemCounts, seen: updated)
    }

    /// (dense item, value) pairs of external item ids; `ALSError.unknownID` for an unknown id.
    internal func _itemIndices(_ interactions: [(id: String, value: Float)]) throws -> [(item: Int, value: Float)] {
        try interactions.map { pair in (try _index(of: pair.id, .item), pair.value) }
    }

    /// A fold-in row as training would store it: indices ascending, repeated indices merged by
    /// `DuplicatePolicy.sum` in input order, every index and (implicit mode) value checked.
    ///
    /// - Parameter indices: whose indices the row holds: items (default) for a user's row,
    ///   users for an item's.
    internal func _foldInRow(_ interactions: [(item: Int, value: Float)], indices: _Side = .item) throws
        -> (items: [Int32], values: [Float]) {
        let count = indices == .item ? items : users
        for (item, value) in interactions {
            guard item >= 0, item < count else { throw ALSError.unknownID(kind: indices.name, id: String(item)) }
            if configuration.mode == .implicit, !(value >= 0) || !value.isFinite {
                throw ALSError.invalidConfiguration(
                    parameter: "mode", reason: "implicit feedback needs values ≥ 0 (found \(value)); use `mode: .explicit` for signed ratings")
            }
        }
        let order = interactions.indices.sorted { a, b in
            (interactions[a].item, a) < (interactions[b].item, b)
        }
        var itemsOut: [Int32] = [], values: [Float] = []
        itemsOut.reserveCapacity(order.count)
        values.reserveCapacity(order.count)
        for j in order {
            let (item, value) = interactions[j]
            if itemsOut.last == Int32(item) {
                DuplicatePolicy.sum.merge(&values[values.count - 1], value)
            } else {
                itemsOut.append(Int32(item))
                values.append(value)
            }
        }
        return (itemsOut, values)
    }
}
