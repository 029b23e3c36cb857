/// A trained model: immutable and `Sendable`, so many threads may query it at once.
///
/// Factors are row-major Float32. In explicit mode with biases the scores are
/// `globalMean + userBias[u] + itemBias[i] + x_uᵀy_i`; otherwise `x_uᵀy_i`.
public struct ALSModel: Sendable {
    /// Number of latent factors k (each row of `userFactors`/`itemFactors` has k floats).
    public let factors: Int
    /// users × k, row-major.
    public let userFactors: [Float]
    /// items × k, row-major.
    public let itemFactors: [Float]
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

    public var users: Int { userIDs.count }
    public var items: Int { itemIDs.count }

    public init(factors: Int, userFactors: [Float], itemFactors: [Float], userBiases: [Float] = [],
                itemBiases: [Float] = [], globalMean: Float = 0, userIDs: IDMap, itemIDs: IDMap,
                configuration: ALSConfiguration, lossHistory: [Double] = []) throws {
        guard userFactors.count == userIDs.count * factors, itemFactors.count == itemIDs.count * factors else {
            throw ALSError.shapeMismatch("factor arrays do not match \(userIDs.count) users, \(itemIDs.count) items, k = \(factors)")
        }
        guard userBiases.isEmpty || userBiases.count == userIDs.count,
              itemBiases.isEmpty || itemBiases.count == itemIDs.count else {
            throw ALSError.shapeMismatch("bias arrays do not match the id maps")
        }
        self.factors = factors
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.userBiases = userBiases
        self.itemBiases = itemBiases
        self.globalMean = globalMean
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.configuration = configuration
        self.lossHistory = lossHistory
    }

    /// True when scores include a global mean and biases.
    public var hasBiases: Bool { !userBiases.isEmpty }

    /// The predicted score of dense user `u` for dense item `i`.
    public func score(user u: Int, item i: Int) -> Float {
        var s: Float = 0
        let k = factors
        userFactors.withUnsafeBufferPointer { X in
            itemFactors.withUnsafeBufferPointer { Y in
                for f in 0 ..< k { s += X[u * k + f] * Y[i * k + f] }
            }
        }
        if hasBiases { s += globalMean + userBiases[u] + itemBiases[i] } else { s += globalMean }
        return s
    }
}
