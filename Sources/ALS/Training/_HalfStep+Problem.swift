extension _HalfStep {
    /// Runs `body` with one half-step's problem over the rows of `matrix`, which are rows
    /// `firstRow ..< firstRow + matrix.outerCount` of their side (users when `users` is true,
    /// else items): the whole side in single-process training (`firstRow` = 0), one rank's block
    /// in distributed training (`ALSShardSolver`).
    ///
    /// - Parameters:
    ///   - fixed: the fixed side prepared by `_TrainingState.fixedSide` (all its rows).
    ///   - gram: the half-step's Gram, dims × dims (zeros when the mode has none).
    ///   - rowRegScale: the λ multiplier of each row of `matrix` (local indices), or nil.
    ///   - walsItemWeight, missingWeight: per item, over all items (global indices).
    /// - Precondition: every array has the size its documentation states.
    static func withProblem<R>(
        config: ALSConfiguration, dims: Int, mean: Float, users: Bool, matrix: CompressedMatrix, firstRow: Int,
        fixed: [Float], offsets: [Float]?, gram: [Float], reg: [Float], rowRegScale: [Float]?,
        walsItemWeight: [Float]?, missingWeight: [Float]?, _ body: (_HalfStep) throws -> R
    ) rethrows -> R {
        let usesGram = _TrainingState.usesGram(config.mode)
        // In the item half-step the item weights are indexed by row: shift them to this block.
        let rowShift = users ? 0 : firstRow
        return try fixed.withUnsafeBufferPointer { F in
            try gram.withUnsafeBufferPointer { G in
                try reg.withUnsafeBufferPointer { reg in
                    try offsets.withOptionalPointer { off in
                        try walsItemWeight.withOptionalPointer { wals in
                            try matrix.weights.withOptionalPointer { ew in
                                try missingWeight.withOptionalPointer { mw in
                                    try rowRegScale.withOptionalPointer { rs in
                                        let mw = mw.map { $0 + rowShift }
                                        let rule = _EntryRule(
                                            kind: _EntryRule.Kind(config.mode), fixedIsItem: users, mean: mean,
                                            offsets: off, itemWeight: wals.map { $0 + rowShift }, entryWeights: ew,
                                            missingWeight: mw, confidence: config.confidence, alpha: config.alpha,
                                            epsilon: config.confidenceEpsilon)
                                        return try body(_HalfStep(
                                            dims: dims, matrix: matrix, fixed: F._start, gram: G._start,
                                            gramScale: usesGram ? 1 : 0, rowGramScale: users ? nil : mw,
                                            reg: reg._start, rowRegScale: rs, rule: rule,
                                            side: users ? "user" : "item"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
