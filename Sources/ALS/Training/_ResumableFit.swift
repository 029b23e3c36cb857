import Dispatch

/// One training run that can be scored, paused and resumed: the unit of `AutoSearch`. Training
/// to n iterations in steps (2, then 5, then 15, say) gives the same factors as one `fit` of n
/// iterations, so successive halving pays for each iteration once.
@_spi(Engine) public struct _ResumableFit {
    private var state: _TrainingState
    /// Iterations trained so far.
    public private(set) var iterations = 0
    /// Seconds spent in half-steps so far (scoring excluded).
    public private(set) var seconds = 0.0
    /// Nanoseconds the last iteration took.
    private var lastIteration: UInt64 = 0

    /// - Parameter expectedIterationSeconds: how long the first iteration is expected to take,
    ///   for the deadline check before it is timed.
    public init(configuration: ALSConfiguration, data: InteractionMatrix, expectedIterationSeconds: Double = 0) throws {
        try configuration.validate()
        state = try _TrainingState(configuration: configuration, data: data)
        lastIteration = UInt64(max(0, min(expectedIterationSeconds, 1e6)) * 1e9)
    }

    /// Trains up to `target` iterations. Returns false, leaving the fit where it stopped, when
    /// the next iteration would end past `deadline` (nanoseconds of
    /// `DispatchTime.now().uptimeNanoseconds`), judged by the time the last one took.
    public mutating func advance(to target: Int, deadline: UInt64) throws -> Bool {
        while iterations < target {
            let t0 = DispatchTime.now().uptimeNanoseconds
            // Stop when the next iteration, as long as the last one, would end past the deadline.
            if t0 + lastIteration > deadline { return false }
            try state.iterate(iteration: iterations + 1)
            iterations += 1
            lastIteration = DispatchTime.now().uptimeNanoseconds - t0
            seconds += Double(lastIteration) / 1e9
        }
        return true
    }

    /// The model as trained so far.
    public func model() throws -> ALSModel { try state.model(lossHistory: []) }
}
