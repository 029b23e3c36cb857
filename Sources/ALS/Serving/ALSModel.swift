/// A trained model: immutable and `Sendable`, so many threads may query it at once.
///
/// Factors are row-major Float32. In explicit mode with biases the scores are
/// `globalMean + userBias[u] + itemBias[i] + x_uᵀy_i`; otherwise `x_uᵀy_i`.
public struct ALSModel: Sendable {
    /// Number of latent factors k (each row of `userFactors`/`itemFactors` has k floats).
    public let factors: Int
    /// users × k, row-major. A model loaded with `ALSModel.load(from:)` keeps its factors in the
    /// mapped file: the first read of this property copies them into an array (once; the copy is
    /// cached). `withUserFactors` reads them without copying.
    public var userFactors: [Float] { _userFactors.array }
    /// items × k, row-major. Loaded models copy on first read, as `userFactors`;
    /// `withItemFactors` reads without copying.
    public var itemFactors: [Float] { _itemFactors.array }
    internal let _userFactors: _FactorStorage
    internal let _itemFactors: _FactorStorage
    /// Per-user bias (explicit mode with biases), else empty.
    public let userBiases: [Float]
    /// Per-item bias (explicit mode with biases), else empty.
    public let itemBiases: [Float]
    /// Global mean subtracted before training (explicit mode with `globalMean`), else 0.
    public let globalMean: Float
    public let userIDs: IDMap
    public let itemIDs: IDMap
    public let configuration: ALSConfiguration
    /// Training metadata: one entry per completed iteration.
    public let lossHistory: [Double]
    /// The training data's per-item counts, kept when fold-in needs them
    /// (`foldInNeedsItemCounts`: weighted mode, popularity-weighted implicit), else nil.
    internal let _itemCounts: [Int]?
    /// The training interactions (item indices per user) that `SeenItems.training` leaves
    /// out, or nil when the model keeps none.
    internal let _seen: _SeenMatrix?
    /// The checksum stored in the model file this model was loaded from (XXH64 of the file past
    /// its header's first 24 bytes, verified by `load(from:)`): a tag for the file's content, for
    /// example a service's model version. Nil for a model trained, folded into or changed in
    /// memory, which no file describes.
    public internal(set) var fileChecksum: UInt64? = nil
    /// Norms and bounds that serving computes once (see `_ServingCache`).
    internal let _cache = _ServingCache()

    public var users: Int { userIDs.count }
    public var items: Int { itemIDs.count }

    /// A model from its parts (a trained model comes from `ALSTrainer.fit`).
    ///
    /// - Parameters:
    ///   - factors: k, the length of every factor row.
    ///   - userFactors: users × k floats, row-major, in the order of `userIDs`.
    ///   - itemFactors: items × k floats, row-major, in the order of `itemIDs`.
    ///   - userBiases: one per user, or empty for a model without biases (the default).
    ///   - itemBiases: one per item, or empty (the default).
    ///   - globalMean: the mean rating added to every score of a model with biases; default 0.
    ///   - userIDs: the external user ids.
    ///   - itemIDs: the external item ids.
    ///   - configuration: the configuration the factors were trained with.
    ///   - lossHistory: the loss after each iteration; default empty.
    ///   - itemCounts: the training data's per-item counts, which fold-in needs in
    ///     weighted mode and popularity-weighted implicit mode; default nil, and fold-in of such
    ///     a model then needs them given.
    /// - Throws: `ALSError.shapeMismatch` when an array does not match the id maps and `factors`.
    public init(factors: Int, userFactors: [Float], itemFactors: [Float], userBiases: [Float] = [],
                itemBiases: [Float] = [], globalMean: Float = 0, userIDs: IDMap, itemIDs: IDMap,
                configuration: ALSConfiguration, lossHistory: [Double] = [], itemCounts: [Int]? = nil) throws {
        try self.init(factors: factors, userStorage: .array(userFactors), itemStorage: .array(itemFactors),
                      userBiases: userBiases, itemBiases: itemBiases, globalMean: globalMean,
                      userIDs: userIDs, itemIDs: itemIDs, configuration: configuration,
                      lossHistory: lossHistory, itemCounts: itemCounts, seen: nil)
    }

    /// The designated initializer over either storage (arrays, or ranges of a mapped file).
    internal init(factors: Int, userStorage userFactors: _FactorStorage, itemStorage itemFactors: _FactorStorage,
                  userBiases: [Float], itemBiases: [Float], globalMean: Float, userIDs: IDMap, itemIDs: IDMap,
                  configuration: ALSConfiguration, lossHistory: [Double], itemCounts: [Int]?,
                  seen: _SeenMatrix?) throws {
        guard userFactors.count == userIDs.count * factors, itemFactors.count == itemIDs.count * factors else {
            throw ALSError.shapeMismatch("factor arrays do not match \(userIDs.count) users, \(itemIDs.count) items, k = \(factors)")
        }
        guard userBiases.isEmpty || userBiases.count == userIDs.count,
              itemBiases.isEmpty || itemBiases.count == itemIDs.count else {
            throw ALSError.shapeMismatch("bias arrays do not match the id maps")
        }
        guard itemCounts.map({ $0.count == itemIDs.count && $0.allSatisfy { $0 >= 0 } }) ?? true else {
            throw ALSError.shapeMismatch("itemCounts must hold one count ≥ 0 per item (\(itemIDs.count))")
        }
        guard seen.map({ $0.users == userIDs.count }) ?? true else {
            throw ALSError.shapeMismatch("the seen items have \(seen?.users ?? 0) rows for \(userIDs.count) users")
        }
        self.factors = factors
        self._userFactors = userFactors
        self._itemFactors = itemFactors
        self.userBiases = userBiases
        self.itemBiases = itemBiases
        self.globalMean = globalMean
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.configuration = configuration
        self.lossHistory = lossHistory
        self._itemCounts = itemCounts
        self._seen = seen
    }

    /// This model with other item counts and seen items; the factors are shared, not copied,
    /// and the serving cache is fresh.
    internal func _with(itemCounts: [Int]?, seen: _SeenMatrix?) throws -> ALSModel {
        try ALSModel(factors: factors, userStorage: _userFactors, itemStorage: _itemFactors, userBiases: userBiases,
                     itemBiases: itemBiases, globalMean: globalMean, userIDs: userIDs, itemIDs: itemIDs,
                     configuration: configuration, lossHistory: lossHistory, itemCounts: itemCounts, seen: seen)
    }

    /// True when scores include a global mean and biases.
    public var hasBiases: Bool { !userBiases.isEmpty }

    /// The predicted score of dense user `u` for dense item `i`.
    ///
    /// This is the canonical score: `recommend` returns exactly these values (see
    /// `ALSModel+Recommend.swift`), so the expression and its order of operations are fixed.
    public func score(user u: Int, item i: Int) -> Float {
        let k = factors
        let dot = _userFactors.withUnsafeBufferPointer { X in
            _itemFactors.withUnsafeBufferPointer { Y in _dot(X, u * k, Y, i * k, k) }
        }
        return dot + _offset(user: u, item: i)
    }

    /// `score(user:item:)` by external ids.
    /// - Throws: `ALSError.unknownID` for an id the model does not know.
    public func score(userID: String, itemID: String) throws -> Float {
        score(user: try _index(of: userID, .user), item: try _index(of: itemID, .item))
    }
}
