/// Wall-clock seconds since it was made, on the monotonic clock: the durations the commands
/// report (`als inspect --timing`, `als train --format json`).
struct Stopwatch {
    private let start = ContinuousClock.now

    var seconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
