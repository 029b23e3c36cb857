/// Values derived from a model's factors that serving needs again and again: the Euclidean norm
/// of every user and item row (cosine similarity, and the error bound of the BLAS pre-selection),
/// the largest |item bias|, the Int8 item factors of single-user pre-selection, the items in
/// descending norm order of batch recommend and the Grams of user and item fold-in. Computed on first use, then shared by every copy of the model.
///
/// A final class behind a `let`, so `ALSModel` stays an immutable `Sendable` value; each lazy
/// value sits behind its own lock (the first caller computes it, others wait for it). A model
/// made by `updating`/`appending` gets a fresh cache, so cached values never go stale.
internal final class _ServingCache: Sendable {
    /// The norms of one side's rows and their maximum.
    struct RowNorms: Sendable {
        /// ‖row‖₂ of every row, accumulated in Double and rounded once.
        var norms: [Float]
        var maximum: Float
    }

    private let userNorms = _Locked<RowNorms?>(nil)
    private let itemNorms = _Locked<RowNorms?>(nil)
    private let itemBiasBound = _Locked<Float?>(nil)
    private let quantizedItemFactors = _Locked<_QuantizedFactors??>(nil)
    private let itemsByNormOrder = _Locked<_ItemsByNorm?>(nil)
    private let foldIn = _Locked<_FoldInContext?>(nil)
    private let itemFoldIn = _Locked<_FoldInContext?>(nil)
    private let acceptedSeenIDs = _Locked<(users: IDMap, items: IDMap)?>(nil)

    init() {}

    func norms(_ side: _Side, of model: ALSModel) -> RowNorms {
        let make = { Self.computeNorms(model.storage(side), rows: model.count(side), k: model.factors) }
        return side == .user ? Self.value(userNorms, make) : Self.value(itemNorms, make)
    }

    /// max_i |itemBias[i]|, 0 without biases.
    func maxAbsItemBias(of model: ALSModel) -> Float {
        Self.value(itemBiasBound) { model.itemBiases.reduce(Float(0)) { max($0, abs($1)) } }
    }

    /// The item factors as Int8 for single-user pre-selection, or nil when they cannot be
    /// quantised (see `_QuantizedFactors`).
    func quantizedItems(of model: ALSModel) -> _QuantizedFactors? {
        Self.value(quantizedItemFactors) { _QuantizedFactors(model._itemFactors, rows: model.items, k: model.factors) }
    }

    /// True when `m`'s id maps are the very buffers of the last matrix `accept(seenMatrix:)` took:
    /// a caller that passes its training matrix with every query (`.interactions(train)`) pays
    /// the O(users + items) id comparison of `_checkSeenMatrix` once. Identity, not equality:
    /// the cache holds the accepted maps, so their buffers stay alive and cannot be reused, and
    /// an id map is immutable, so the same buffer means the same ids.
    func isAccepted(seenMatrix m: InteractionMatrix) -> Bool {
        acceptedSeenIDs.withLock { accepted in
            guard let a = accepted else { return false }
            return a.users.storage._isSameBuffer(as: m.userIDs.storage) && a.items.storage._isSameBuffer(as: m.itemIDs.storage)
        }
    }

    /// Remembers `m`'s id maps after `_checkSeenMatrix` found them to match the model's.
    func accept(seenMatrix m: InteractionMatrix) {
        acceptedSeenIDs.withLock { $0 = (m.userIDs, m.itemIDs) }
    }

    /// The item factors in descending norm order, for the early stop of batch recommend.
    func itemsByNorm(of model: ALSModel) -> _ItemsByNorm {
        let norms = norms(.item, of: model).norms
        return Self.value(itemsByNormOrder) {
            _ItemsByNorm(model._itemFactors, items: model.items, k: model.factors, norms: norms)
        }
    }

    /// The user-independent part of a fold-in against the model's own item counts (the item
    /// Gram: one `ssyrk` on first use). Not cached when it throws (counts missing).
    func foldInContext(of model: ALSModel, side: _Side = .user) throws -> _FoldInContext {
        try (side == .user ? foldIn : itemFoldIn).withLock { cached in
            if let v = cached { return v }
            let v = try _FoldInContext(model: model, itemCounts: nil, side: side)
            cached = v
            return v
        }
    }

    /// The value in `slot`, made by `make` on first use.
    private static func value<T: Sendable>(_ slot: _Locked<T?>, _ make: () -> T) -> T {
        slot.withLock { cached in
            if let v = cached { return v }
            let v = make()
            cached = v
            return v
        }
    }

    private static func computeNorms(_ storage: _FactorStorage, rows: Int, k: Int) -> RowNorms {
        var norms = [Float](repeating: 0, count: rows)
        var maximum: Float = 0
        storage.withUnsafeBufferPointer { F in
            for r in 0 ..< rows {
                var s = 0.0
                for f in 0 ..< k { let v = Double(F[r * k + f]); s += v * v }
                norms[r] = Float(s.squareRoot())
                maximum = max(maximum, norms[r])
            }
        }
        return RowNorms(norms: norms, maximum: maximum)
    }
}

/// The two sides of a model: users (rows of `userFactors`) and items (rows of `itemFactors`).
internal enum _Side: Sendable {
    case user, item

    var name: String { self == .user ? "user" : "item" }
}

extension IDMap.Storage {
    /// True when both hold the same array buffer (so the same ids, an `IDMap` being immutable).
    func _isSameBuffer(as other: IDMap.Storage) -> Bool {
        func same<T>(_ a: [T], _ b: [T]) -> Bool {
            a.count == b.count && a.withUnsafeBufferPointer { p in b.withUnsafeBufferPointer { p.baseAddress == $0.baseAddress } }
        }
        switch (self, other) {
        case let (.integers(a), .integers(b)): return same(a, b)
        case let (.strings(a), .strings(b)): return same(a, b)
        default: return false
        }
    }
}
