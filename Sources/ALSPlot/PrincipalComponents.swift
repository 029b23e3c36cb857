@_spi(Engine) import ALS
/// Principal component analysis of the rows of an n×k matrix: the eigen-decomposition of the
/// k×k covariance `C = (X − x̄)ᵀ(X − x̄) / (n − 1)` through LAPACK `dsyevd` (`_BLAS.symmetricEigen`),
/// accumulated in Double. k is a factor count (at most a few hundred), so the k×k problem costs
/// nothing next to forming C (O(n·k²)).
public struct PrincipalComponents: Sendable {
    /// Column means x̄ (k).
    public let mean: [Double]
    /// Every eigenvalue of C, largest first (the variance along each component).
    public let variances: [Double]
    /// The first `components` eigenvectors, row j holding component j (unit length, k entries),
    /// signed so that the entry of largest magnitude is positive (a deterministic choice; an
    /// eigenvector's sign is otherwise arbitrary).
    public let directions: [[Double]]

    /// - Parameters:
    ///   - rows: n×k row-major.
    ///   - components: how many directions to keep (≤ k).
    /// - Throws: `ALSError.shapeMismatch` when `rows.count` is not a multiple of k, or fewer than
    ///   two rows; the LAPACK status otherwise.
    public init(rows: [Float], columns k: Int, components: Int = 2) throws {
        guard k >= 1, rows.count % k == 0, rows.count / k >= 2, (1 ... k).contains(components) else {
            throw ALSError.shapeMismatch(
                "PCA needs at least two rows of k = \(k) columns and 1...k components; got \(rows.count) values and \(components) components")
        }
        let n = rows.count / k
        var mean = [Double](repeating: 0, count: k)
        for r in 0 ..< n { for c in 0 ..< k { mean[c] += Double(rows[r * k + c]) } }
        for c in 0 ..< k { mean[c] /= Double(n) }
        // Upper triangle of the covariance, then mirrored (column-major = row-major when symmetric).
        var C = [Double](repeating: 0, count: k * k)
        var centred = [Double](repeating: 0, count: k)
        for r in 0 ..< n {
            for c in 0 ..< k { centred[c] = Double(rows[r * k + c]) - mean[c] }
            for a in 0 ..< k where centred[a] != 0 {
                let va = centred[a]
                for b in a ..< k { C[a * k + b] += va * centred[b] }
            }
        }
        for a in 0 ..< k {
            for b in a ..< k {
                C[a * k + b] /= Double(n - 1)
                C[b * k + a] = C[a * k + b]
            }
        }
        var w = [Double](repeating: 0, count: k)
        try C.withUnsafeMutableBufferPointer { a in
            try w.withUnsafeMutableBufferPointer { w in try _BLAS.symmetricEigen(n: k, a: a._start, w: w._start) }
        }
        // dsyevd: ascending eigenvalues, eigenvector j in column j (column-major): C[j * k + i].
        self.mean = mean
        variances = w.reversed().map { max($0, 0) }
        directions = (0 ..< components).map { j in
            let column = k - 1 - j
            var v = (0 ..< k).map { C[column * k + $0] }
            let largest = v.indices.max { abs(v[$0]) < abs(v[$1]) }!
            if v[largest] < 0 { v = v.map { -$0 } }
            return v
        }
    }

    /// The fraction of the total variance along each kept component.
    public var explainedVarianceRatio: [Double] {
        let total = variances.reduce(0, +)
        return directions.indices.map { total > 0 ? variances[$0] / total : 0 }
    }

    /// The coordinates of every row of `rows` (n×k) on the kept components: n × components,
    /// row-major.
    public func project(_ rows: [Float], columns k: Int) -> [Double] {
        let n = rows.count / k, m = directions.count
        var out = [Double](repeating: 0, count: n * m)
        for r in 0 ..< n {
            for j in 0 ..< m {
                var s = 0.0
                for c in 0 ..< k { s += (Double(rows[r * k + c]) - mean[c]) * directions[j][c] }
                out[r * m + j] = s
            }
        }
        return out
    }
}
