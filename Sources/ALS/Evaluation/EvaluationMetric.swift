/// One figure to choose hyperparameters by, named as on the command line: `ndcg@10`,
/// `recall@20`, `precision@10`, `capped-recall@10`, `map@10`, `hit-rate@10`, `rmse`, `mae` or
/// `sign-accuracy`. Ranking metrics are those of `RankingMetrics`, rating metrics those of
/// `RatingMetrics`.
public enum EvaluationMetric: Sendable, Hashable, CustomStringConvertible {
    case ndcg(k: Int)
    case recall(k: Int)
    case precision(k: Int)
    case cappedRecall(k: Int)
    case map(k: Int)
    case hitRate(k: Int)
    case rmse
    case mae
    case signAccuracy

    /// Parses the command-line name (case-insensitive); nil for anything else, K < 1 included.
    @_spi(Engine) public init?(_ text: String) {
        let parts = text.lowercased().split(separator: "@", omittingEmptySubsequences: false)
        if parts.count == 1 {
            switch parts[0] {
            case "rmse": self = .rmse
            case "mae": self = .mae
            case "sign-accuracy", "accuracy": self = .signAccuracy
            default: return nil
            }
            return
        }
        guard parts.count == 2, let k = Int(parts[1]), k >= 1 else { return nil }
        switch parts[0] {
        case "ndcg": self = .ndcg(k: k)
        case "recall": self = .recall(k: k)
        case "precision": self = .precision(k: k)
        case "capped-recall", "cappedrecall": self = .cappedRecall(k: k)
        case "map": self = .map(k: k)
        case "hit-rate", "hitrate": self = .hitRate(k: k)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .ndcg(let k): return "ndcg@\(k)"
        case .recall(let k): return "recall@\(k)"
        case .precision(let k): return "precision@\(k)"
        case .cappedRecall(let k): return "capped-recall@\(k)"
        case .map(let k): return "map@\(k)"
        case .hitRate(let k): return "hit-rate@\(k)"
        case .rmse: return "rmse"
        case .mae: return "mae"
        case .signAccuracy: return "sign-accuracy"
        }
    }

    /// The cut-off of a ranking metric, nil for a rating metric.
    public var k: Int? {
        switch self {
        case .ndcg(let k), .recall(let k), .precision(let k), .cappedRecall(let k), .map(let k), .hitRate(let k): return k
        case .rmse, .mae, .signAccuracy: return nil
        }
    }

    /// True for the errors (RMSE, MAE), which a better model makes smaller.
    @_spi(Engine) public var lowerIsBetter: Bool { self == .rmse || self == .mae }

    /// True when `a` is a strictly better figure than `b` (NaN is never better).
    @_spi(Engine) public func isBetter(_ a: Double, than b: Double) -> Bool {
        guard !a.isNaN else { return false }
        guard !b.isNaN else { return true }
        return lowerIsBetter ? a < b : a > b
    }

    /// This metric's figure in a ranking evaluation (nil for a rating metric).
    @_spi(Engine) public func value(in m: RankingMetrics) -> Double? {
        switch self {
        case .ndcg: return m.ndcg
        case .recall: return m.recall
        case .precision: return m.precision
        case .cappedRecall: return m.cappedRecall
        case .map: return m.map
        case .hitRate: return m.hitRate
        case .rmse, .mae, .signAccuracy: return nil
        }
    }

    /// This metric's figure in a rating evaluation (nil for a ranking metric).
    @_spi(Engine) public func value(in m: RatingMetrics) -> Double? {
        switch self {
        case .rmse: return m.rmse
        case .mae: return m.mae
        case .signAccuracy: return m.signAccuracy
        default: return nil
        }
    }

    /// The figure of `model` on `split` (a model trained on `split.train`, or one whose maps
    /// `split` extends): ranking metrics through `RankingEvaluator.evaluate(k:model:)`, rating
    /// metrics through `evaluateRatings(model:train:test:clamp:)`.
    public func evaluate(_ model: ALSModel, on split: DataSplit, clamp: ClosedRange<Float>? = nil,
                         threads: Int = 0) throws -> Double {
        if let k {
            let m = try RankingEvaluator(train: split.train, test: split.test).evaluate(k: k, model: model, threads: threads)
            return value(in: m)!
        }
        return value(in: try evaluateRatings(model: model, train: split.train, test: split.test, clamp: clamp))!
    }
}
