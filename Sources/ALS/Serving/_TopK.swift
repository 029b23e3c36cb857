/// Partial top-K selection: the `k` best (score, index) pairs offered so far, kept in a binary
/// min-heap whose root is the worst kept pair. O(n log k) at worst and about O(n) in practice,
/// because most candidates lose to the root at once; only the k survivors are sorted.
///
/// Order: a higher score ranks first; equal scores rank the lower index first (deterministic
/// tie-break). NaN scores are never kept: a NaN compares false with everything, so admitting one
/// would make the order depend on the offering sequence.
internal struct _TopK {
    let k: Int
    /// The heap, root (worst kept) at 0.
    private var heap: [Scored] = []

    init(k: Int) {
        self.k = max(0, k)
        heap.reserveCapacity(self.k)
    }

    /// `a` ranks strictly before `b`.
    @inline(__always)
    static func ranksBefore(_ a: Scored, _ b: Scored) -> Bool {
        a.score > b.score || (a.score == b.score && a.index < b.index)
    }

    var count: Int { heap.count }

    /// The score a candidate must reach to enter once `k` pairs are kept; -∞ before that.
    var threshold: Float { heap.count < k ? -.infinity : heap[0].score }

    mutating func offer(_ score: Float, _ index: Int) {
        if score.isNaN || k == 0 { return }
        if heap.count == k, score < heap[0].score { return }
        let candidate = Scored(index: index, score: score)
        if heap.count < k {
            heap.append(candidate)
            siftUp(heap.count - 1)
        } else if Self.ranksBefore(candidate, heap[0]) {
            heap[0] = candidate
            siftDown(0)
        }
    }

    /// The kept pairs, best first.
    func sorted() -> [Scored] { heap.sorted(by: Self.ranksBefore) }

    private mutating func siftUp(_ start: Int) {
        var c = start
        while c > 0 {
            let parent = (c - 1) / 2
            guard Self.ranksBefore(heap[parent], heap[c]) else { break }
            heap.swapAt(c, parent)
            c = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var c = start
        while true {
            let l = 2 * c + 1, r = l + 1
            var worst = c
            if l < heap.count, Self.ranksBefore(heap[worst], heap[l]) { worst = l }
            if r < heap.count, Self.ranksBefore(heap[worst], heap[r]) { worst = r }
            if worst == c { return }
            heap.swapAt(c, worst)
            c = worst
        }
    }
}
