@_spi(Engine) import ALS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The latent structure of `SyntheticData` with `structure: .planted`: a rank-`genres`
/// non-negative preference model (a topic model, as LDA) mixed with global popularity.
///
/// **Model.** Every item belongs to one to three of `genres` genres (a primary one with weight 1,
/// a second with probability ½ and weight ½, a third with probability ⅕ and weight ⅓); genre
/// sizes are Zipf-like, 1/(g + 3). Every user has genre tastes θ_u ~ Dirichlet(c·s), s the genre
/// shares and c = `concentration` (small c: a user likes a few genres). User u picks item i with
///
///     P(i | u) = (1 − ε) · Σ_g θ_ug · φ_g(i) + ε · pop(i)
///
/// where φ_g(i) ∝ pop(i)^τ · membership(i, g), τ = `popularityExponent` and ε = `popularityShare`. The first term has rank
/// `genres`: the structure a factor model can find. The second is what a popularity ranker can
/// find, and the item-popularity power law runs through both, so popularity stays a strong
/// baseline, as on MovieLens.
///
/// **Values.** A rating mixes a user bias, an item bias, the user's affinity for the item's
/// genres and noise into a latent score s ~ N(0, 1), and maps Φ(s) through the MovieLens
/// half-star shares, so the marginal distribution of ratings is MovieLens's and ratings carry
/// signal beyond the biases.
///
/// Everything is drawn from generators seeded by (seed, label, index), so a user's row does not
/// depend on how users are split among threads.
struct _PlantedPreferences: Sendable {
    // The four constants were chosen so that the MovieLens-100K shape, split per user 80/20,
    // gives a popularity ranker NDCG@10 ≈ 0.15 (MovieLens's figure) and implicit ALS over a range
    // of reasonable settings 1.5–2.3× that, close to the spread real ML-100K shows under the same
    // settings (1.3–1.9×). Not chosen: more structure (ε = 0 gives 2.0–2.3× and makes
    // popularity weak) or more genres (40–200 make the data harder, not more realistic).

    /// Number of latent genres (the rank of the planted model), about MovieLens's 19 genres.
    static let genres = 20
    /// Total Dirichlet concentration c of a user's genre tastes: at 1 most users like one to
    /// three genres.
    static let concentration = 1.0
    /// Share ε of picks that ignore the user's tastes and follow global popularity.
    static let popularityShare = 0.03
    /// Exponent τ of popularity inside a genre, φ_g(i) ∝ pop(i)^τ: below 1 a genre's tail items
    /// are more its own than globally popular ones are.
    static let popularityExponent = 0.8

    /// For each genre, its member items and an alias table over pop(i)·membership(i, g).
    private let members: [[Int32]]
    private let tables: [_AliasTable]
    /// Genre shares s_g (sum 1), the Dirichlet base measure.
    private let shares: [Double]
    /// Item i's memberships, normalised to sum 1: genre ids and weights, three slots each
    /// (unused slots have weight 0).
    private let itemGenres: [Int32]
    private let itemWeights: [Float]
    /// Item biases, standard normal.
    private let itemBias: [Float]
    private let seed: UInt64

    init(seed: UInt64, popularity: [Double]) {
        let k = Self.genres
        self.seed = seed
        let raw = (0 ..< k).map { 1 / (Double($0) + 3) }
        let total = raw.reduce(0, +)
        shares = raw.map { $0 / total }
        let genreTable = _AliasTable(weights: shares)
        let items = popularity.count
        var itemGenres = [Int32](repeating: 0, count: 3 * items)
        var itemWeights = [Float](repeating: 0, count: 3 * items)
        var itemBias = [Float](repeating: 0, count: items)
        var members = [[Int32]](repeating: [], count: k)
        var weights = [[Double]](repeating: [], count: k)
        for i in 0 ..< items {
            var rng = _SplitMix64(seed: SyntheticData.mix(seed, UInt64(i), 5))
            var genres: [Int] = [genreTable.draw(rng.next())]
            var w: [Double] = [1]
            for (p, weight) in [(0.5, 0.5), (0.2, 1.0 / 3)] where Self.uniform(&rng) < p {
                let g = genreTable.draw(rng.next())
                if !genres.contains(g) { genres.append(g); w.append(weight) }
            }
            let sum = w.reduce(0, +)
            for (slot, g) in genres.enumerated() {
                itemGenres[3 * i + slot] = Int32(g)
                itemWeights[3 * i + slot] = Float(w[slot] / sum)
                members[g].append(Int32(i))
                weights[g].append(pow(popularity[i], Self.popularityExponent) * w[slot])
            }
            itemBias[i] = rng.nextGaussian()
        }
        // A genre nobody drew (possible with few items) gets the most popular item, so that every
        // table can be drawn from.
        for g in 0 ..< k where members[g].isEmpty {
            let top = popularity.indices.max { popularity[$0] < popularity[$1] } ?? 0
            members[g] = [Int32(top)]
            weights[g] = [1]
        }
        self.members = members
        self.tables = weights.map { _AliasTable(weights: $0) }
        self.itemGenres = itemGenres
        self.itemWeights = itemWeights
        self.itemBias = itemBias
    }

    /// One user's tastes and bias, drawn from its own generator.
    struct User {
        /// Cumulative θ_u over the genres (last entry 1).
        var cumulative: [Double]
        var theta: [Double]
        /// max_g θ_ug.
        var top: Double
        var bias: Float
    }

    func user(_ u: Int) -> User {
        var rng = _SplitMix64(seed: SyntheticData.mix(seed, UInt64(u), 4))
        var theta = shares.map { Self.gamma(Self.concentration * $0, &rng) }
        let total = theta.reduce(0, +)
        theta = total > 0 ? theta.map { $0 / total } : shares
        var cumulative = theta
        for g in 1 ..< cumulative.count { cumulative[g] += cumulative[g - 1] }
        cumulative[cumulative.count - 1] = 1
        return User(cumulative: cumulative, theta: theta, top: theta.max() ?? 1, bias: rng.nextGaussian())
    }

    /// One item for `user` from P(i | u), drawn with `rng` (`popularity` is the global table).
    @inline(__always)
    func draw(_ user: User, popularity: _AliasTable, _ rng: inout _SplitMix64) -> Int {
        if Self.uniform(&rng) < Self.popularityShare { return popularity.draw(rng.next()) }
        let x = Self.uniform(&rng)
        var g = 0
        while g < user.cumulative.count - 1, x >= user.cumulative[g] { g += 1 }
        return Int(members[g][tables[g].draw(rng.next())])
    }

    /// A rating for (user, item): the latent score through the half-star shares.
    @inline(__always)
    func rating(_ user: User, item: Int, shares cumulative: [Double], _ rng: inout _SplitMix64) -> Float {
        // Affinity Σ_g θ_ug · membership(i, g) / max_g θ_ug: 1 when the item is all in the user's
        // favourite genre, near 0 when it is outside its tastes.
        var affinity = 0.0
        for slot in 0 ..< 3 {
            let w = itemWeights[3 * item + slot]
            if w > 0 { affinity += user.theta[Int(itemGenres[3 * item + slot])] * Double(w) }
        }
        let taste = 2 * affinity / max(user.top, 1e-12) - 1   // in [-1, 1]
        // Weights: biases 0.5 each, taste 0.9, noise 0.55; the scale and shift (measured on the
        // ml100k and ml1m shapes, where taste averages about -0.2) bring s near N(0, 1), so the
        // half-star shares come out close to MovieLens's.
        let s = (0.5 * Double(user.bias) + 0.5 * Double(itemBias[item]) + 0.9 * taste
                 + 0.55 * Double(rng.nextGaussian())) / 1.15 + 0.16
        let x = 0.5 * erfc(-s / 2.0.squareRoot())
        var k = 0
        while k < cumulative.count - 1, x >= cumulative[k] { k += 1 }
        return 1 + Float(k) * 0.5
    }

    // MARK: - Sampling helpers

    @inline(__always)
    static func uniform(_ rng: inout _SplitMix64) -> Double { Double(rng.next() >> 11) * 0x1.0p-53 }

    /// A Gamma(shape, 1) draw: Marsaglia and Tsang (2000), boosted by U^(1/shape) below shape 1.
    static func gamma(_ shape: Double, _ rng: inout _SplitMix64) -> Double {
        if shape < 1 {
            let u = max(uniform(&rng), 1e-300)
            return gamma(shape + 1, &rng) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = Double(rng.nextGaussian())
            let v0 = 1 + c * x
            guard v0 > 0 else { continue }
            let v = v0 * v0 * v0
            let u = uniform(&rng)
            if log(max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }
}
