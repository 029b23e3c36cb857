#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain Swift reference for the weighted objective, in Double, that forms every matrix
/// densely: the users × items cell weights, every row's k×k system from all cells, and a
/// Gaussian-elimination solve. It shares no code with the fast path (no Gram trick, no C
/// kernels), so tests that compare the two check the engine's algebra, not just its plumbing.
///
/// For tests only: it is O(users·items·k²) per half-step.
@_spi(Testing) public struct _ReferenceSolver {
    public let config: ALSConfiguration
    public let users: Int
    public let items: Int
    /// observed[u][i]
    public var observed: [[Bool]]
    /// Confidence c of observed cells (1 where not observed; unused there).
    public var confidence: [[Double]]
    /// Target p of observed cells, before subtracting the global mean and biases.
    public var target: [[Double]]
    /// Weight of a missing cell of item i.
    public var missing: [Double]
    public let mean: Double
    public var dims: Int { config.mode == .explicit && config.biases ? config.factors + 1 : config.factors }

    public init(config: ALSConfiguration, data: InteractionMatrix) {
        self.config = config
        users = data.users
        items = data.items
        observed = Array(repeating: Array(repeating: false, count: items), count: users)
        confidence = Array(repeating: Array(repeating: 1, count: items), count: users)
        target = Array(repeating: Array(repeating: 0, count: items), count: users)
        let counts = (0 ..< items).map { data.byItem.count(of: $0) }
        var sum = 0.0
        for u in 0 ..< users {
            for q in data.byUser.range(of: u) {
                let i = Int(data.byUser.innerIndices[q])
                let r = Double(data.byUser.values[q])
                sum += r
                observed[u][i] = true
                switch config.mode {
                case .explicit, .dense:
                    confidence[u][i] = 1
                    target[u][i] = r
                case .weighted:
                    confidence[u][i] = Double(data.byUser.weights?[q] ?? ALSWeights.wals(count: counts[i], config.walsWeighting))
                    target[u][i] = r
                case .implicit:
                    let a = Double(config.alpha)
                    switch config.confidence {
                    case .linear: confidence[u][i] = 1 + a * r
                    case .scaled: confidence[u][i] = a * r
                    case .log: confidence[u][i] = 1 + a * log(1 + r / Double(config.confidenceEpsilon))
                    }
                    target[u][i] = r > 0 ? 1 : 0
                }
            }
        }
        switch config.mode {
        case .explicit, .weighted: missing = Array(repeating: 0, count: items)
        case .dense: missing = Array(repeating: 1, count: items)
        case .implicit:
            if config.missingWeightExponent == 0 {
                missing = Array(repeating: 1, count: items)
            } else {
                let total = Double(config.missingWeightTotal ?? Float(items))
                let pw = counts.map { pow(Double($0), Double(config.missingWeightExponent)) }
                let s = pw.reduce(0, +)
                missing = pw.map { total * $0 / s }
            }
        }
        mean = config.mode == .explicit && config.globalMean && data.nonZeros > 0 ? sum / Double(data.nonZeros) : 0
        rowCounts = (0 ..< users).map { data.byUser.count(of: $0) }
        colCounts = counts
    }

    let rowCounts: [Int]
    let colCounts: [Int]

    private func regScale(count: Int, universe: Int) -> Double {
        if config.regularizationExponent == 0 { return 1 }
        let base = Double(count) + Double(config.regularizationAlpha0) * Double(universe)
        return base > 0 ? pow(base, Double(config.regularizationExponent)) : 1
    }

    private func reg(_ d: Int) -> Double {
        d < config.factors ? Double(config.regularization) : Double(config.biasRegularization ?? config.regularization)
    }

    private var hasBias: Bool { config.mode == .explicit && config.biases }

    /// One half-step. `solveUsers` true: rows are users and `fixed` holds item rows (dims each);
    /// false: rows are items and `fixed` holds user rows. Returns the new rows.
    public func halfStep(solveUsers: Bool, fixed: [[Double]]) throws -> [[Double]] {
        let rows = solveUsers ? users : items
        return try (0 ..< rows).map { r in
            let (A, b) = system(row: r, solveUsers: solveUsers, fixed: fixed)
            return try Self.solve(A, b, row: r, side: solveUsers ? "user" : "item")
        }
    }

    /// Row `r`'s normal equations A x = b, formed densely from every cell of the row (observed
    /// cells with their confidence and target, missing cells with their weight), plus the
    /// frequency-scaled ridge on the diagonal.
    func system(row r: Int, solveUsers: Bool, fixed: [[Double]]) -> (A: [[Double]], b: [Double]) {
        let cols = solveUsers ? items : users
        let n = dims, k = config.factors
        var A = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        var b = Array(repeating: 0.0, count: n)
        for c in 0 ..< cols {
            let (u, i) = solveUsers ? (r, c) : (c, r)
            var f = fixed[c]
            var offset = 0.0
            if hasBias { offset = f[k]; f[k] = 1 }
            let weight: Double, p: Double
            if observed[u][i] {
                weight = confidence[u][i]
                p = target[u][i] - mean - offset
            } else {
                weight = missing[i]
                p = 0
            }
            if weight == 0 { continue }
            for a in 0 ..< n {
                b[a] += weight * p * f[a]
                for bb in 0 ..< n { A[a][bb] += weight * f[a] * f[bb] }
            }
        }
        let scale = solveUsers ? regScale(count: rowCounts[r], universe: items) : regScale(count: colCounts[r], universe: users)
        for a in 0 ..< n { A[a][a] += scale * reg(a) }
        return (A, b)
    }

    /// The objective Σ_observed c (p − s)² + Σ_missing w s² + penalties, visiting every cell.
    public func loss(users U: [[Double]], items V: [[Double]]) -> Double {
        let k = config.factors
        var total = 0.0
        for u in 0 ..< users {
            for i in 0 ..< items {
                var s = 0.0
                for d in 0 ..< k { s += U[u][d] * V[i][d] }
                if hasBias { s += U[u][k] + V[i][k] }
                if observed[u][i] {
                    let e = target[u][i] - mean - s
                    total += confidence[u][i] * e * e
                } else {
                    total += missing[i] * s * s
                }
            }
        }
        for u in 0 ..< users {
            let sc = regScale(count: rowCounts[u], universe: items)
            for d in 0 ..< dims { total += sc * reg(d) * U[u][d] * U[u][d] }
        }
        for i in 0 ..< items {
            let sc = regScale(count: colCounts[i], universe: users)
            for d in 0 ..< dims { total += sc * reg(d) * V[i][d] * V[i][d] }
        }
        return total
    }

    /// Gaussian elimination with partial pivoting; a zero or negative-definite system throws the
    /// same typed error as the fast path.
    static func solve(_ A0: [[Double]], _ b0: [Double], row: Int, side: String) throws -> [Double] {
        var A = A0, b = b0
        let n = b.count
        let scale = max(1e-300, A0.enumerated().map { abs($0.element[$0.offset]) }.max() ?? 1)
        for col in 0 ..< n {
            var piv = col
            for r in col + 1 ..< n where abs(A[r][col]) > abs(A[piv][col]) { piv = r }
            if abs(A[piv][col]) <= 1e-12 * scale { throw ALSError.notPositiveDefinite(side: side, row: row) }
            A.swapAt(col, piv); b.swapAt(col, piv)
            for r in col + 1 ..< n {
                let f = A[r][col] / A[col][col]
                if f == 0 { continue }
                for c in col ..< n { A[r][c] -= f * A[col][c] }
                b[r] -= f * b[col]
            }
        }
        var x = Array(repeating: 0.0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = b[r]
            for c in r + 1 ..< n { s -= A[r][c] * x[c] }
            x[r] = s / A[r][r]
        }
        return x
    }
}
