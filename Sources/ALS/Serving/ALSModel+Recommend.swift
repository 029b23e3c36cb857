/// One ranked result: a dense index (an item, or a user for `similarUsers`) and its score.
public struct Scored: Sendable, Hashable, Codable {
    public var index: Int
    public var score: Float

    @_spi(Engine) public init(index: Int, score: Float) {
        self.index = index
        self.score = score
    }
}

/// One ranked result named by its external id (as in the data file).
public struct ScoredID: Sendable, Hashable, Codable {
    public var id: String
    public var score: Float

    @_spi(Engine) public init(id: String, score: Float) {
        self.id = id
        self.score = score
    }
}

/// The items a user has already interacted with, which `recommend` leaves out: one type for the
/// single-user, batch and fold-in calls.
public enum SeenItems: Sendable {
    /// The user's training interactions: for a user of the model, the ones kept with the model
    /// (`ALSModel.hasSeenItems`); for a folded-in user, the interactions given. Throws
    /// `ALSError.invalidConfiguration` for a user of a model that kept none (an older file, or
    /// trained without them): pass `.interactions(train)` or, knowingly, `.nothing`.
    case training
    /// Leave nothing out.
    case nothing
    /// Leave out the user's row of this matrix, normally the training data. Its item dimension
    /// must be the model's.
    case interactions(InteractionMatrix)
    /// Leave out these dense item indices.
    case items([Int])
    /// Leave out these external item ids.
    case ids([String])
}

extension ALSModel {
    /// The `k` items with the highest score for dense user `user`, best first: score is
    /// `score(user:item:)` (dot product, plus global mean and biases when the model has them),
    /// ties go to the lower item index.
    ///
    /// - Parameters:
    ///   - user: a dense user index, `0 ..< users`.
    ///   - k: results (≥ 0).
    ///   - excludeSeen: the items to leave out. Default `.training`, the user's training
    ///     interactions kept with the model: silently recommending training items back is the
    ///     most common ALS evaluation bug, so keeping them takes a `.nothing`. A model that keeps
    ///     none (`hasSeenItems` false) throws on the default rather than return them.
    ///   - allow: when given, only these items are candidates (duplicates ignored).
    ///   - deny: items never returned.
    /// - Returns: `min(k, candidates)` results, where the candidates are the allowed items that
    ///   are neither seen nor denied (items whose score is NaN are never returned).
    /// - Throws: `ALSError.unknownID` for an index out of range, `ALSError.shapeMismatch` when
    ///   the interaction matrix does not match the model, `ALSError.invalidConfiguration` for
    ///   k < 0.
    ///
    /// Cost: one pass over all items with Int8 copies of the factors (made on the first query and kept: a quarter of the size of the item factors), or one `sgemv` when the
    /// factors cannot be quantised, then a heap of size k (no full sort); with an allow-list,
    /// one dot product per allowed item instead.
    public func recommend(user: Int, k: Int, excludeSeen: SeenItems = .training, allow: [Int]? = nil,
                          deny: [Int] = []) throws -> [Scored] {
        try _checkIndex(user, .user)
        let filter = try _ItemFilter(model: self, k: k, allow: allow, deny: deny)
        return try _recommend(user: user, filter: filter, seen: _seenItems(excludeSeen, user: user))
    }

    /// `recommend(user:k:excludeSeen:allow:deny:)` by external ids: the user and the allow and
    /// deny lists are ids of the model's `userIDs`/`itemIDs`, and results carry item ids.
    ///
    /// - Throws: `ALSError.unknownID` for an id the model does not know.
    public func recommend(userID: String, k: Int, excludeSeen: SeenItems = .training, allow: [String]? = nil,
                          deny: [String] = []) throws -> [ScoredID] {
        let user = try _index(of: userID, .user)
        let results = try recommend(user: user, k: k, excludeSeen: excludeSeen,
                                    allow: try allow.map { try _indices(of: $0, .item) },
                                    deny: try _indices(of: deny, .item))
        return _named(results, .item)
    }

    /// The single-user path once the inputs are checked; `seen` is ascending and unique.
    internal func _recommend(user u: Int, filter: _ItemFilter, seen: [Int]) throws -> [Scored] {
        _withUserRow(u) { _recommend($0, filter: filter, seen: seen) }
    }

    /// The single-user path for any user row, a row of the model or a folded-in user.
    internal func _recommend(_ row: _UserRow, filter: _ItemFilter, seen: [Int]) -> [Scored] {
        let excluded = filter.excluded(adding: seen)
        if let allowed = filter.allowed {
            return _selectTopK(k: filter.k, candidates: _sortedDifference(allowed, excluded)) { _score(row, item: $0) }
        }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: items) { scores in
            // Int8 pre-selection when the factors allow it (a quarter of the bytes to read), else sgemv.
            let slack: Float
            if let s = _quantizedScores(row, into: scores) {
                slack = s
            } else {
                _approximateScores(row, into: scores)
                slack = _recommendSlack(row)
            }
            return _selectTopK(k: filter.k, approximate: UnsafeBufferPointer(scores), excluding: excluded, slack: slack) {
                _score(row, item: $0)
            }
        }
    }

    /// The seen items of dense user `u`, ascending and unique, checked against the model.
    internal func _seenItems(_ seen: SeenItems, user u: Int) throws -> [Int] {
        switch seen {
        case .training:
            return try _trainingItems(of: u)
        case .nothing:
            return []
        case .interactions(let m):
            try _checkSeenMatrix(m)
            guard u < m.users else {
                throw ALSError.shapeMismatch(
                    "user \(u) has no row in the interaction matrix (\(m.users) users); pass .nothing or .items for users added after training")
            }
            return m.byUser.range(of: u).map { Int(m.byUser.innerIndices[$0]) }
        case .items, .ids:
            return try _listedSeenItems(seen)
        }
    }

    /// The items of `.items` or `.ids`, checked, ascending and unique; [] for any other case.
    internal func _listedSeenItems(_ seen: SeenItems) throws -> [Int] {
        switch seen {
        case .items(let list):
            for i in list { try _checkIndex(i, .item) }
            return _sortedUnique(list)
        case .ids(let ids):
            return _sortedUnique(try _indices(of: ids, .item))
        case .training, .nothing, .interactions:
            return []
        }
    }

    /// Throws unless dense index `i` of `m` names the model's item `i` and row `u` the model's
    /// user `u`: the item maps must hold the same ids in the same order (integer and text ids
    /// match by their text), and one user map must be the start of the other (users added to
    /// the model after `m` was made have no row, rows past the model's users are never read).
    /// Equal counts are not enough: the same file loaded with other id options numbers its
    /// items otherwise, and the wrong items would be left out.
    internal func _checkSeenMatrix(_ m: InteractionMatrix) throws {
        if _cache.isAccepted(seenMatrix: m) { return }
        guard m.items == items else {
            throw ALSError.shapeMismatch(
                "the interaction matrix has \(m.items) items, the model \(items); pass the matrix the model was trained on, or model.reindexed(matrix)")
        }
        guard itemIDs.isPrefix(of: m.itemIDs),
              userIDs.isPrefix(of: m.userIDs) || m.userIDs.isPrefix(of: userIDs) else {
            throw ALSError.shapeMismatch(
                "the interaction matrix numbers its \(m.itemIDs.isPrefix(of: itemIDs) ? "users" : "items") otherwise than the model (another file, or the same file loaded with other id options); pass model.reindexed(matrix), which matches the ids")
        }
        _cache.accept(seenMatrix: m)
    }

    internal func _checkIndex(_ i: Int, _ side: _Side) throws {
        guard i >= 0, i < count(side) else {
            throw ALSError.unknownID(kind: side.name, id: "#\(i) (dense index; the model has \(count(side)) \(side.name)s)")
        }
    }

    internal func _index(of id: String, _ side: _Side) throws -> Int {
        guard let i = (side == .user ? userIDs : itemIDs).index(of: id) else {
            throw ALSError.unknownID(kind: side.name, id: id)
        }
        return i
    }

    internal func _indices(of ids: [String], _ side: _Side) throws -> [Int] {
        try ids.map { try _index(of: $0, side) }
    }

    internal func _named(_ results: [Scored], _ side: _Side) -> [ScoredID] {
        let map = side == .user ? userIDs : itemIDs
        return results.map { ScoredID(id: map.externalID($0.index), score: $0.score) }
    }
}

/// The checked k, allow-list and deny-list of one query, resolved once and shared by every user
/// of a batch.
internal struct _ItemFilter: Sendable {
    let k: Int
    /// Ascending, unique; nil when every item is a candidate.
    let allowed: [Int]?
    /// Ascending, unique.
    let denied: [Int]

    /// Checks `k ≥ 0` and every index against `side` (items for recommend).
    init(model: ALSModel, k: Int, allow: [Int]?, deny: [Int], side: _Side = .item) throws {
        guard k >= 0 else {
            throw ALSError.invalidConfiguration(parameter: "k", reason: "must be ≥ 0 (got \(k)); pass the number of results wanted")
        }
        for i in (allow ?? []) + deny { try model._checkIndex(i, side) }
        self.k = k
        self.allowed = allow.map(_sortedUnique)
        self.denied = _sortedUnique(deny)
    }

    /// The denied items plus `more` (ascending, unique), ascending and unique.
    func excluded(adding more: [Int]) -> [Int] {
        more.isEmpty ? denied : denied.isEmpty ? more : _sortedUnique(denied + more)
    }
}
