@_spi(Engine) import ALS

/// What `als train --format json` prints and `--report FILE` writes: the configuration trained
/// (as `ALSConfiguration` encodes itself), one entry per iteration, and the final figures.
/// Every key is always present; a figure that does not exist (the loss with `--no-loss`, the
/// `.npz` path without `--export-npz`) is `null`.
struct TrainReport: Encodable {
    struct Iteration: Encodable {
        var iteration: Int
        /// The training loss after this iteration; nil with `--no-loss`.
        var loss: Nullable<Double>
        /// Seconds of this iteration, and since training started.
        var seconds: Double
        var elapsedSeconds: Double

        init(_ p: ALSProgress) {
            iteration = p.iteration
            loss = Nullable(p.loss?.finite)
            seconds = p.seconds
            elapsedSeconds = p.elapsed
        }

        enum CodingKeys: String, CodingKey {
            case iteration, loss, seconds
            case elapsedSeconds = "elapsed_seconds"
        }
    }

    /// The interactions file and the format it was read as.
    var file: String
    var inputFormat: String
    var configuration: ALSConfiguration
    /// Worker threads the run used (`configuration.threads` 0 resolved to the core count).
    var threads: Int
    var iterations: [Iteration]
    /// The matrix trained on: rows (users), columns (items), stored entries.
    var rows: Int
    var columns: Int
    var nonZeros: Int
    var finalLoss: Nullable<Double>
    /// Seconds loading the file, fitting, and the whole command (load, fit, save).
    var loadSeconds: Double
    var trainingSeconds: Double
    var seconds: Double
    /// Where the model (and the `.npz`, if asked for) was written.
    var output: String
    var npz: Nullable<String>

    enum CodingKeys: String, CodingKey {
        case file, configuration, threads, iterations, rows, columns, seconds, output, npz
        case inputFormat = "input_format"
        case nonZeros = "non_zeros"
        case finalLoss = "final_loss"
        case loadSeconds = "load_seconds"
        case trainingSeconds = "training_seconds"
    }
}
