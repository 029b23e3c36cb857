extension RankingEvaluator {
    /// Partial top-K selection over one user's scores: the `k` best items not in `excluded`
    /// (sorted ascending), best first, ties to the lower item index. NaN scores must have been
    /// replaced by -∞ beforehand.
    ///
    /// A binary min-heap of size k whose root is the worst kept item; O(items · log k) at worst,
    /// and about O(items) in practice because most candidates lose to the root at once.
    static func topK(_ scores: [Float], k: Int, excluding excluded: ArraySlice<Int32>) -> [Int32] {
        guard k > 0 else { return [] }
        var heap = [(score: Float, item: Int32)]()
        heap.reserveCapacity(k)
        // `a` ranks below `b`: lower score, or the same score and a higher index.
        func worse(_ a: (score: Float, item: Int32), _ b: (score: Float, item: Int32)) -> Bool {
            a.score < b.score || (a.score == b.score && a.item > b.item)
        }
        var e = excluded.startIndex
        for i in 0 ..< Int32(scores.count) {
            while e < excluded.endIndex, excluded[e] < i { e += 1 }
            if e < excluded.endIndex, excluded[e] == i { continue }
            let candidate = (score: scores[Int(i)], item: i)
            if heap.count < k {
                heap.append(candidate)
                var c = heap.count - 1
                while c > 0 {
                    let parent = (c - 1) / 2
                    guard worse(heap[c], heap[parent]) else { break }
                    heap.swapAt(c, parent)
                    c = parent
                }
            } else if worse(heap[0], candidate) {
                heap[0] = candidate
                var c = 0
                while true {
                    let l = 2 * c + 1, r = l + 1
                    var smallest = c
                    if l < heap.count, worse(heap[l], heap[smallest]) { smallest = l }
                    if r < heap.count, worse(heap[r], heap[smallest]) { smallest = r }
                    if smallest == c { break }
                    heap.swapAt(c, smallest)
                    c = smallest
                }
            }
        }
        return heap.sorted { worse($1, $0) }.map(\.item)
    }
}
