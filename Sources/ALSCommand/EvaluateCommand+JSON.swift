@_spi(Engine) import ALS

/// What `als evaluate --format json` prints: one object with the model's figures and each
/// baseline's, keyed by the `--metric` names in lower case (`ndcg@10`, `recall@10`, `rmse`, …;
/// `coverage@10` has no `--metric` name but follows the pattern). Figures are JSON numbers,
/// `null` when undefined (NaN).
///
///     {"model": {"file": …, "mode": …, "users": …, "items": …, "factors": …},
///      "train": …, "test": …, "k": 10,
///      "metrics": {"ndcg@10": 0.31, …},
///      "baselines": {"popularity": {…}, "random": {…}, "global_mean": {…}, …},
///      "ranking_users": …, "test_entries": …, "unknown_users": …, "unknown_items": …}
struct EvaluationReport: Encodable {
    struct Model: Encodable {
        var file: String
        var mode: String
        var users: Int
        var items: Int
        var factors: Int
    }

    var model: Model
    var train: String
    var test: String
    var k: Int
    var metrics: [String: Double?]
    var baselines: [String: [String: Double?]]
    var rankingUsers: Int
    var testEntries: Int
    var unknownUsers: Int
    var unknownItems: Int
    var unknownTestEntries: Int

    enum CodingKeys: String, CodingKey {
        case model, train, test, k, metrics, baselines
        case rankingUsers = "ranking_users"
        case testEntries = "test_entries"
        case unknownUsers = "unknown_users"
        case unknownItems = "unknown_items"
        case unknownTestEntries = "unknown_test_entries"
    }

    /// The key of a system in `baselines`: its table name in snake case (`user + item bias` →
    /// `user_item_bias`).
    static func key(system: String) -> String {
        system.split { !$0.isLetter && !$0.isNumber }.joined(separator: "_")
    }

    /// The key of a figure: its `--metric` name, with `@K` for a ranking figure.
    static func key(figure: String, k: Int?) -> String {
        let name: String
        switch figure {
        case "CappedRecall": name = "capped-recall"
        case "HitRate": name = "hit-rate"
        default: name = figure.lowercased().replacingOccurrences(of: " ", with: "-")
        }
        return k.map { "\(name)@\($0)" } ?? name
    }

    /// One system's figures as an object.
    static func object(_ figures: [EvaluateCommand.Figure]) -> [String: Double?] {
        Dictionary(figures.map { (key(figure: $0.name, k: $0.k), $0.value.finite) }, uniquingKeysWith: { a, _ in a })
    }
}
