/// Facts about the running engine that benchmarks and logs report next to their figures.
@_spi(Engine) public enum ALSRuntime {
    /// The kernel OpenBLAS selected for this CPU (`openblas_get_corename`), e.g. "Cooperlake".
    /// It depends on the CPU and on OPENBLAS_CORETYPE, so it belongs next to every timing.
    public static var openBLASCoreName: String { _BLAS.coreName }

    /// The worker threads a `threads` setting resolves to (0 = every core).
    public static func threads(_ setting: Int) -> Int { _resolvedThreads(setting) }
}
