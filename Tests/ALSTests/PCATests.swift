import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS
@testable import ALSPlot

@Suite("PCA of factor rows through LAPACK dsyevd")
struct PCATests {
    @Test("points on a known ellipse: directions, variances and projections by hand")
    func knownAxes() throws {
        // Rows (3, 4, 0)·t + (−4, 3, 0)·s/3 + (1, 1, 1) for t, s ∈ {−1, 1}: the centred rows are
        // ±(3, 4, 0) ± (−4/3, 1, 0). The two directions are orthogonal with |(3,4,0)| = 5 and
        // |(−4/3,1,0)| = 5/3, so the variances (n − 1 = 3) are 4·25/3 and 4·(25/9)/3.
        var rows: [Float] = []
        for t in [-1.0, 1.0] { for s in [-1.0, 1.0] {
            rows += [Float(3 * t - 4 * s / 3 + 1), Float(4 * t + s + 1), 1]
        } }
        let pca = try PrincipalComponents(rows: rows, columns: 3, components: 2)
        #expect(pca.mean.map { abs($0 - 1) < 1e-6 } == [true, true, true])
        #expect(abs(pca.variances[0] - 100.0 / 3) < 1e-4 && abs(pca.variances[1] - 100.0 / 27) < 1e-4 && abs(pca.variances[2]) < 1e-6)
        #expect(abs(pca.explainedVarianceRatio[0] - 0.9) < 1e-6 && abs(pca.explainedVarianceRatio[1] - 0.1) < 1e-6)
        // Component 1 is (0.6, 0.8, 0), its largest entry positive; component 2 is ±(−0.8, 0.6, 0)
        // with its largest-magnitude entry (−0.8 → 0.8) made positive.
        let d = pca.directions
        #expect(abs(d[0][0] - 0.6) < 1e-6 && abs(d[0][1] - 0.8) < 1e-6 && abs(d[0][2]) < 1e-6)
        #expect(abs(d[1][0] - 0.8) < 1e-6 && abs(d[1][1] + 0.6) < 1e-6)
        // Row (t, s) = (1, 1) projects to (5, −5/3).
        let xy = pca.project(rows, columns: 3)
        #expect(abs(xy[6] - 5) < 1e-5 && abs(xy[7] + 5.0 / 3) < 1e-5)
    }

    @Test("random factors: the components are orthonormal, the variances are the projections' variances")
    func randomRows() throws {
        var rng = _SplitMix64(seed: 9)
        let n = 200, k = 6
        let rows = (0 ..< n * k).map { j in Float(rng.nextGaussian()) * Float(1 + j % k) }
        let pca = try PrincipalComponents(rows: rows, columns: k, components: 3)
        for a in 0 ..< 3 { for b in 0 ..< 3 {
            let dot = zip(pca.directions[a], pca.directions[b]).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(dot - (a == b ? 1 : 0)) < 1e-9)
        } }
        let xy = pca.project(rows, columns: k)
        for j in 0 ..< 3 {
            let v = (0 ..< n).reduce(0.0) { $0 + xy[$1 * 3 + j] * xy[$1 * 3 + j] } / Double(n - 1)
            #expect(abs(v - pca.variances[j]) < 1e-6 * pca.variances[j])
        }
        #expect(pca.variances == pca.variances.sorted(by: >))
        // The largest variance is along the noisiest column (scale 6).
        #expect(abs(pca.directions[0][5]) > 0.9)
    }

    @Test("bad shapes are refused")
    func shapes() {
        #expect(throws: ALSError.self) { try PrincipalComponents(rows: [1, 2, 3], columns: 2) }
        #expect(throws: ALSError.self) { try PrincipalComponents(rows: [1, 2], columns: 2) }
        #expect(throws: ALSError.self) { try PrincipalComponents(rows: [1, 2, 3, 4], columns: 2, components: 3) }
    }
}
