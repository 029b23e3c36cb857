extension ALSConfiguration {
    /// The configuration the engine's own tests were written against (reached through
    /// `@testable import`): plain λ 0.1, linear confidence with α 1, no biases and the exact
    /// Cholesky solver, which were the defaults before frequency-scaled λ, log confidence and CG
    /// from 64 factors. Not API.
    static func plain(mode: Mode) -> ALSConfiguration {
        var c = ALSConfiguration(mode: mode)
        (c.regularization, c.regularizationExponent, c.alpha, c.confidence) = (0.1, 0, 1, .linear)
        (c.biases, c.globalMean) = (false, false)
        c.solver = .cholesky
        return c
    }
}
