/// Recommends the most popular items: items ranked by their number of train interactions,
/// ties to the lower item index, the same list for everyone (minus each user's train items).
@_spi(Engine) public struct PopularityRanker: ItemScorer {
    /// Train interactions per item.
    public let counts: [Int]
    /// Every item, most popular first, ties to the lower index.
    public let ranking: [Int32]

    public init(train: InteractionMatrix) {
        counts = (0 ..< train.items).map { train.byItem.count(of: $0) }
        ranking = (0 ..< Int32(train.items)).sorted { [counts] a, b in
            (counts[Int(a)], -a) > (counts[Int(b)], -b)
        }
    }

    /// Score = train count (exact up to 2²⁴ interactions per item; `topK` is exact always).
    public func scoreItems(user: Int, into scores: inout [Float]) {
        for i in scores.indices { scores[i] = Float(counts[i]) }
    }

    /// The `k` most popular items not in `exclude` (sorted ascending): a walk down `ranking`,
    /// O(k + |exclude| · log), for `RankingEvaluator.evaluate(k:topK:)`.
    public func topK(user: Int, k: Int, exclude: ArraySlice<Int32>) -> [Int32] {
        var top = [Int32]()
        top.reserveCapacity(k)
        for item in ranking {
            if top.count == k { break }
            if !RankingMetrics.contains(exclude, item) { top.append(item) }
        }
        return top
    }
}
