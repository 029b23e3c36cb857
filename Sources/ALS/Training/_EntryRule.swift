#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one observed entry becomes the weighted objective's confidence c, target p and missing
/// weight w, for one mode and one half-step. Computed per row into scratch (never per nnz for
/// the whole matrix, which would cost two floats per interaction of memory).
///
/// In the user half-step the fixed side is the items, so an entry's item is its inner index; in
/// the item half-step the item is the row itself.
internal struct _EntryRule {
    enum Kind {
        /// c = 1, w = 0, p = r − mean − offset[fixed]  (explicit, offsets = the fixed side's biases)
        case explicit
        /// c = 1, w = 1, p = r
        case dense
        /// c = weight, w = 0, p = r
        case weighted
        /// c = conf(r), w = w_item, p = 1[r > 0]
        case implicit

        init(_ mode: ALSConfiguration.Mode) {
            switch mode {
            case .explicit: self = .explicit
            case .dense: self = .dense
            case .weighted: self = .weighted
            case .implicit: self = .implicit
            }
        }
    }

    var kind: Kind
    /// True in the user half-step (inner indices are items).
    var fixedIsItem: Bool
    var mean: Float = 0
    /// Explicit with biases: the fixed side's bias per fixed index.
    var offsets: UnsafePointer<Float>? = nil
    /// Weighted: per-item weight (nil when the matrix carries per-entry weights).
    var itemWeight: UnsafePointer<Float>? = nil
    /// Weighted: per-entry weights aligned with the half-step's matrix.
    var entryWeights: UnsafePointer<Float>? = nil
    /// Implicit: per-item missing weight (nil = 1 everywhere).
    var missingWeight: UnsafePointer<Float>? = nil
    var confidence: ALSConfiguration.Confidence = .linear
    var alpha: Float = 1
    var epsilon: Float = 1

    @inline(__always)
    func confidence(_ r: Float) -> Float {
        switch confidence {
        case .linear: return 1 + alpha * r
        case .scaled: return alpha * r
        case .log: return 1 + alpha * Float.log1p(r / epsilon)
        }
    }

    /// Fills c, p, w, d = c − w and t = c·p for the entries `range` of row `row`.
    func fill(row: Int, range: Range<Int>, inner: UnsafePointer<Int32>, values: UnsafePointer<Float>,
              c: UnsafeMutablePointer<Float>, p: UnsafeMutablePointer<Float>, w: UnsafeMutablePointer<Float>,
              d: UnsafeMutablePointer<Float>, t: UnsafeMutablePointer<Float>) {
        var j = 0
        switch kind {
        case .explicit:
            for q in range {
                let off = offsets.map { $0[Int(inner[q])] } ?? 0
                c[j] = 1; w[j] = 0; p[j] = values[q] - mean - off
                d[j] = 1; t[j] = p[j]
                j += 1
            }
        case .dense:
            for q in range {
                c[j] = 1; w[j] = 1; p[j] = values[q]; d[j] = 0; t[j] = values[q]
                j += 1
            }
        case .weighted:
            for q in range {
                let weight: Float
                if let e = entryWeights { weight = e[q] }
                else if let iw = itemWeight { weight = iw[fixedIsItem ? Int(inner[q]) : row] }
                else { weight = 1 }
                c[j] = weight; w[j] = 0; p[j] = values[q]; d[j] = weight; t[j] = weight * values[q]
                j += 1
            }
        case .implicit:
            let rowWeight: Float = fixedIsItem ? 1 : (missingWeight?[row] ?? 1)
            for q in range {
                let r = values[q]
                let cc = confidence(r)
                let ww = fixedIsItem ? (missingWeight?[Int(inner[q])] ?? 1) : rowWeight
                let pp: Float = r > 0 ? 1 : 0
                c[j] = cc; w[j] = ww; p[j] = pp; d[j] = cc - ww; t[j] = cc * pp
                j += 1
            }
        }
    }
}

extension Float {
    @inline(__always) static func log1p(_ x: Float) -> Float { log1pf(x) }
}
