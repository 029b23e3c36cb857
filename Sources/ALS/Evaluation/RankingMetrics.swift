#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Top-K ranking metrics averaged over the evaluated users (every user with at least one test
/// item), exactly as `shared/data/splits/METRICS.md` defines them. For one user, with `topK` the
/// K best-scored items that are not in the user's train row, `hits = |topK ∩ test|` and
/// `m = min(K, |test|)`:
///
/// | metric | one user's value |
/// |---|---|
/// | `precision` | hits / K |
/// | `recall` | hits / \|test\| (textbook recall; the LightGCN/Gowalla protocol) |
/// | `cappedRecall` | hits / m (implicit's `ranking_metrics_at_k` "precision", pooled there) |
/// | `ndcg` | Σ over hit positions j (0-based) of 1/log2(j+2), divided by Σ_{j<m} 1/log2(j+2) |
/// | `map` | (1/m) · Σ over hit positions j of (hits among the first j+1)/(j+1) |
/// | `hitRate` | 1 if hits > 0, else 0 |
///
/// `|test|` counts the whole test row, so a test item that is also a train item can only be a
/// miss; test items never seen in train stay candidates. Two figures are not per-user averages of
/// the top-K list:
/// - `auc`: for each user, the probability that a random positive (a test item not in train)
///   scores above a random negative (an item in neither train nor test), ties counting one half,
///   over all such pairs; averaged over the `aucUsers` users that have at least one positive and
///   one negative. It needs every score, so it is nil when the evaluator was given only top-K
///   lists.
/// - `coverage`: the number of distinct items in the evaluated users' top-K lists divided by the
///   number of items (catalogue coverage).
public struct RankingMetrics: Sendable, Equatable {
    /// The cut-off K.
    public let k: Int
    /// Number of evaluated users (users with at least one test item).
    public let users: Int
    public let precision: Double
    public let recall: Double
    public let cappedRecall: Double
    public let ndcg: Double
    public let map: Double
    public let hitRate: Double
    /// Mean per-user AUC over the non-train items, or nil (see the type's documentation).
    public let auc: Double?
    /// Number of users averaged into `auc`.
    public let aucUsers: Int
    /// Catalogue coverage of the top-K lists.
    public let coverage: Double
}

extension RankingMetrics {
    /// One user's top-K figures (the rows of the table on `RankingMetrics`).
    struct UserFigures: Equatable {
        var precision = 0.0, recall = 0.0, cappedRecall = 0.0, ndcg = 0.0, averagePrecision = 0.0, hit = 0.0
    }

    /// The figures of one user. `recommended` is best first and at most `k` long; `relevant` is
    /// the user's test row (sorted ascending, non-empty).
    static func user(recommended: [Int32], relevant: ArraySlice<Int32>, k: Int) -> UserFigures {
        let m = min(k, relevant.count)
        var hits = 0, dcg = 0.0, precisionSum = 0.0
        for (j, item) in recommended.prefix(k).enumerated() where contains(relevant, item) {
            hits += 1
            dcg += 1 / log2(Double(j + 2))
            precisionSum += Double(hits) / Double(j + 1)
        }
        var idcg = 0.0
        for j in 0 ..< m { idcg += 1 / log2(Double(j + 2)) }
        return UserFigures(
            precision: Double(hits) / Double(k), recall: Double(hits) / Double(relevant.count),
            cappedRecall: Double(hits) / Double(m), ndcg: dcg / idcg,
            averagePrecision: precisionSum / Double(m), hit: hits > 0 ? 1 : 0)
    }

    /// One user's AUC, or nil without a positive or a negative. `scores` has one finite-or-±∞
    /// (never NaN) score per item; `train` and `test` are the user's sorted rows.
    ///
    /// O(items · log P): the P positive scores are sorted once, then each negative counts the
    /// positives above it (and half of those equal to it) by binary search.
    static func auc(scores: [Float], train: ArraySlice<Int32>, test: ArraySlice<Int32>) -> Double? {
        var positives = test.filter { !contains(train, $0) }.map { scores[Int($0)] }
        positives.sort()
        let P = positives.count
        guard P > 0 else { return nil }
        var pairs = 0.0, negatives = 0
        var t = train.startIndex, s = test.startIndex
        for i in 0 ..< Int32(scores.count) {
            while t < train.endIndex, train[t] < i { t += 1 }
            while s < test.endIndex, test[s] < i { s += 1 }
            if (t < train.endIndex && train[t] == i) || (s < test.endIndex && test[s] == i) { continue }
            negatives += 1
            let score = scores[Int(i)]
            let below = lowerBound(positives, score), notAbove = upperBound(positives, score)
            pairs += Double(P - notAbove) + 0.5 * Double(notAbove - below)
        }
        guard negatives > 0 else { return nil }
        return pairs / (Double(P) * Double(negatives))
    }

    /// Binary search in a sorted slice.
    static func contains(_ sorted: ArraySlice<Int32>, _ x: Int32) -> Bool {
        var lo = sorted.startIndex, hi = sorted.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.endIndex && sorted[lo] == x
    }

    /// First index whose element is not below `x`.
    static func lowerBound(_ a: [Float], _ x: Float) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let mid = (lo + hi) / 2; if a[mid] < x { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    /// First index whose element is above `x`.
    static func upperBound(_ a: [Float], _ x: Float) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let mid = (lo + hi) / 2; if a[mid] <= x { lo = mid + 1 } else { hi = mid } }
        return lo
    }
}
