extension ALSModel {
    /// A new model in which dense user `user` has factor row `row` (and bias `bias`, for models
    /// with biases; nil keeps the old one). Value semantics: this model is unchanged, and the new
    /// one owns its own copy of the factors (a loaded, mapped model is copied once here).
    ///
    /// The row typically comes from a fold-in solve for a user whose interactions changed.
    /// - Throws: `ALSError.shapeMismatch` when `row.count != factors` or a bias is given to a
    ///   model without biases, `ALSError.unknownID` when `user` is out of range.
    func updating(userFactors row: [Float], for user: Int, bias: Float? = nil) throws -> ALSModel {
        try _updating(.user, row: row, at: user, bias: bias)
    }

    /// As `updating(userFactors:for:bias:)`, for item `item`.
    func updating(itemFactors row: [Float], for item: Int, bias: Float? = nil) throws -> ALSModel {
        try _updating(.item, row: row, at: item, bias: bias)
    }

    /// A new model with one more user, external id `id`, dense index `users` (the old count),
    /// factor row `row` and, for models with biases, bias `bias`.
    ///
    /// Cost O((users + 1)·k): the factors are copied and the id map rebuilt; append in bulk
    /// (retrain or fold in many users, then build one model) when adding many users.
    /// - Throws: `ALSError.invalidConfiguration` when `id` is already a user or, for a model with
    ///   integer ids, not an integer; `ALSError.shapeMismatch` when `row.count != factors`.
    func appendingUser(id: String, factors row: [Float], bias: Float = 0) throws -> ALSModel {
        try _appending(.user, id: id, row: row, bias: bias)
    }

    /// As `appendingUser(id:factors:bias:)`, for a new item.
    func appendingItem(id: String, factors row: [Float], bias: Float = 0) throws -> ALSModel {
        try _appending(.item, id: id, row: row, bias: bias)
    }

    private func _updating(_ side: _Side, row: [Float], at r: Int, bias: Float?) throws -> ALSModel {
        try _checkIndex(r, side)
        try _checkRow(row, bias: bias)
        var f = storage(side).array
        f.replaceSubrange(r * factors ..< (r + 1) * factors, with: row)
        var b = side == .user ? userBiases : itemBiases
        if let bias { b[r] = bias }
        return try _replacing(side, factors: f, biases: b, ids: side == .user ? userIDs : itemIDs)
    }

    private func _appending(_ side: _Side, id: String, row: [Float], bias: Float) throws -> ALSModel {
        try _checkRow(row, bias: bias == 0 ? nil : bias)
        let map = side == .user ? userIDs : itemIDs
        guard map.index(of: id) == nil else {
            throw ALSError.invalidConfiguration(
                parameter: "id", reason: "\(side.name) \"\(id)\" is already in the model; use updating(\(side.name)Factors:for:)")
        }
        let ids: IDMap
        switch map.storage {
        case .integers(let a):
            guard let v = Int64(id) else {
                throw ALSError.invalidConfiguration(
                    parameter: "id", reason: "the model's \(side.name) ids are integers and \"\(id)\" is not one")
            }
            ids = try IDMap(integers: a + [v])
        case .strings(let a):
            ids = try IDMap(strings: a + [id])
        }
        let b = side == .user ? userBiases : itemBiases
        return try _replacing(side, factors: storage(side).array + row, biases: hasBiases ? b + [bias] : b, ids: ids)
    }

    private func _checkRow(_ row: [Float], bias: Float?) throws {
        guard row.count == factors else {
            throw ALSError.shapeMismatch("a factor row has \(row.count) values, the model k = \(factors)")
        }
        guard bias == nil || hasBiases else {
            throw ALSError.shapeMismatch("a bias was given but the model has no biases")
        }
    }

    /// This model with one side's factors, biases and ids replaced (and a fresh serving cache).
    /// An appended item has no training interactions, so its kept count is 0; an appended user
    /// has an empty row of seen items.
    private func _replacing(_ side: _Side, factors f: [Float], biases b: [Float], ids: IDMap) throws -> ALSModel {
        let user = side == .user
        let counts = user ? _itemCounts : _itemCounts.map { $0 + [Int](repeating: 0, count: ids.count - items) }
        // An appended user has seen nothing yet (`foldingIn` then sets the row it was fitted to).
        let seen = user && ids.count > users ? _seen?.settingRow(users, to: []) : _seen
        return try ALSModel(
            factors: factors, userStorage: user ? .array(f) : _userFactors, itemStorage: user ? _itemFactors : .array(f),
            userBiases: user ? b : userBiases, itemBiases: user ? itemBiases : b, globalMean: globalMean,
            userIDs: user ? ids : userIDs, itemIDs: user ? itemIDs : ids, configuration: configuration,
            lossHistory: lossHistory, itemCounts: counts, seen: seen)
    }
}
