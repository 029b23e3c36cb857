import Dispatch

/// What the training loop reports after each iteration.
public struct ALSProgress: Sendable, Hashable, Codable {
    /// 1-based iteration number.
    public var iteration: Int
    public var iterations: Int
    /// The exact objective after this iteration (nil when `computeLoss` is off).
    public var loss: Double?
    /// Seconds this iteration took (both half-steps, without the loss).
    public var seconds: Double
    /// Seconds since training started.
    public var elapsed: Double

    @_spi(Engine) public init(iteration: Int, iterations: Int, loss: Double?, seconds: Double, elapsed: Double) {
        self.iteration = iteration
        self.iterations = iterations
        self.loss = loss
        self.seconds = seconds
        self.elapsed = elapsed
    }
}

/// The training loop: alternates a user half-step and an item half-step of one weighted
/// least-squares engine for every mode (see `ALSConfiguration`).
public struct ALSTrainer: Sendable {
    public let configuration: ALSConfiguration

    /// - Throws: `ALSError.invalidConfiguration` when a value is out of range.
    public init(_ configuration: ALSConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Trains on `data`, blocking the calling thread (for scripts and command lines; a service
    /// awaits `fit(_:progress:) async`, which trains off the concurrency pool and can be
    /// cancelled). `progress` is called after every iteration, on the calling thread.
    ///
    /// - Throws: `ALSError.notPositiveDefinite` (raise λ), `ALSError.nonFinite` (raise λ or
    ///   lower α).
    public func fit(_ data: InteractionMatrix, progress: ((ALSProgress) -> Void)? = nil) throws -> ALSModel {
        try _fit(data, progress: progress, isCancelled: { false })
    }

    /// The training loop. `isCancelled` is asked before every half-step and before the loss;
    /// once it answers true the loop throws `CancellationError`.
    internal func _fit(_ data: InteractionMatrix, progress: ((ALSProgress) -> Void)?,
                       isCancelled: () -> Bool) throws -> ALSModel {
        func checkCancellation() throws { if isCancelled() { throw CancellationError() } }
        try checkCancellation()
        var state = try _TrainingState(configuration: configuration, data: data)
        let start = DispatchTime.now().uptimeNanoseconds
        var history: [Double] = []
        for iteration in 1 ... max(configuration.iterations, 1) where configuration.iterations > 0 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try checkCancellation()
            try state.iterate(iteration: iteration, between: checkCancellation)
            try checkCancellation()
            let t1 = DispatchTime.now().uptimeNanoseconds
            var loss: Double? = nil
            if configuration.computeLoss {
                let l = try state.loss()
                guard l.isFinite else { throw ALSError.nonFinite(side: "loss", iteration: iteration) }
                loss = l
                history.append(l)
            }
            progress?(ALSProgress(iteration: iteration, iterations: configuration.iterations, loss: loss,
                                  seconds: Double(t1 - t0) / 1e9,
                                  elapsed: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
            if let tol = configuration.earlyStopTolerance, history.count >= 2 {
                let a = history[history.count - 2], b = history[history.count - 1]
                if abs(a - b) <= tol * abs(a) { break }
            }
        }
        return try state.model(lossHistory: history)
    }
}
