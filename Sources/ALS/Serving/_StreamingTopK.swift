/// `_selectTopK` for scores that arrive in blocks of items, in increasing item order, so that a
/// batch never holds a whole row of scores (see `ALSModel+Batch.swift`).
///
/// `_selectTopK` makes two passes over one row: the first finds τ, the K-th best approximate
/// score; the second rescores exactly every item whose approximate score is at least the cutoff
/// (τ − slack).nextDown. Here the first pass runs as blocks arrive, and each item that might
/// pass the second is kept as a candidate: one whose score reaches the running bound
/// (t − slack).nextDown, t the heap's current threshold. t only rises to τ, so the candidates
/// include every item the second pass would take; `finish` applies the final cutoff, so the
/// result is exactly `_selectTopK`'s.
///
/// Candidates beyond `limit` are pruned to the current bound. When nearly all of them stay (a
/// row of many equal scores, or an infinite slack), the selection gives up, `overflowed` is set
/// and the caller scores that user on the single-user path.
internal struct _StreamingTopK {
    private var heap: _TopK
    private var candidates: [Scored] = []
    /// Candidates must reach this: −∞ until the heap is full.
    private var bound = -Float.infinity
    private let excluded: [Int]
    private var e = 0
    private let slack: Float
    private let limit: Int
    private(set) var overflowed = false

    /// - Parameters: `excluded` ascending and unique; `slack` as `_selectTopK`'s.
    init(k: Int, excluding excluded: [Int], slack: Float) {
        heap = _TopK(k: k)
        self.excluded = excluded
        self.slack = slack
        limit = 4 * k + 256
        if k == 0 { overflowed = true }
    }

    /// Takes the approximate scores of items `first ..< first + scores.count`.
    mutating func scan(_ scores: UnsafeBufferPointer<Float>, first: Int) {
        if overflowed { return }
        let n = scores.count, m = excluded.count
        var i = 0
        while i < n {
            if bound > -.infinity {
                i = _skipBelow(scores, from: i, bound)
                if i >= n { break }
            }
            for j in i ..< Swift.min(i + 8, n) where scores[j] >= bound {
                let item = first + j
                while e < m, excluded[e] < item { e += 1 }
                if e < m, excluded[e] == item { continue }
                candidates.append(Scored(index: item, score: scores[j]))
                heap.offer(scores[j], item)
                if heap.count == heap.k {
                    let t = heap.threshold - slack
                    bound = t.isNaN ? -.infinity : t.nextDown
                }
            }
            if candidates.count > limit {
                candidates.removeAll { !($0.score >= bound) }
                if candidates.count > limit / 2 {
                    overflowed = true
                    return
                }
            }
            i += 8
        }
    }

    /// True when no item whose approximate score is at most `upperBound` can still be taken:
    /// every such item is below the current cutoff by more than the slack. Items after that
    /// point may then be left unscanned (their approximate scores are within `slack` of exact
    /// scores no higher than `upperBound`, so they are below every later cutoff too).
    func isDone(below upperBound: Float) -> Bool {
        overflowed || (bound > -.infinity && upperBound + slack < bound)
    }

    /// The exact top-K: the candidates at or above the final cutoff, ranked by `exact`.
    /// `item` maps a scanned index to the item index the result and the tie-break use (the
    /// identity when items were scanned in item order).
    /// - Precondition: not `overflowed`.
    func finish(item: (Int) -> Int = { $0 }, exact: (Int) -> Float) -> [Scored] {
        var final = _TopK(k: heap.k)
        for c in candidates where c.score >= bound {
            let i = item(c.index)
            final.offer(exact(i), i)
        }
        return final.sorted()
    }
}
