import Foundation
import Testing

/// The `als` executable built next to the test bundle, run as a child process: for behaviour
/// that only a real process shows (exit status, standard output failures, signals).
enum ALSBinary {
    static let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("als")
    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

    /// How a run ended: the exit status (or signal), whether it was a signal, and standard error.
    struct Outcome {
        var status: Int32
        var signalled: Bool
        var standardError: String
        var timedOut: Bool
    }

    /// Runs `als arguments` with standard output sent to `standardOutput` (a pipe that is read and
    /// dropped when nil), killing it after `timeout` seconds (then `timedOut` is true).
    static func run(_ arguments: [String], standardOutput: FileHandle? = nil, timeout: Double = 60) throws -> Outcome {
        try run(executable: url, arguments, standardOutput: standardOutput, timeout: timeout)
    }

    /// Runs `script` with bash, `$ALS` naming the binary (for pipelines and `trap`).
    static func shell(_ script: String, timeout: Double = 60) throws -> Outcome {
        try run(executable: URL(fileURLWithPath: "/bin/bash"), ["-c", "ALS='\(url.path)'; " + script], timeout: timeout)
    }

    private static func run(executable: URL, _ arguments: [String], standardOutput: FileHandle? = nil,
                            timeout: Double) throws -> Outcome {
        try #require(isBuilt, "als is not built next to the tests")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        let output = Pipe()
        process.standardOutput = standardOutput ?? output
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        // Drain both pipes on other threads so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var message = Data()
        let reader = DispatchGroup()
        DispatchQueue.global().async(group: reader) { message = errors.fileHandleForReading.readDataToEndOfFile() }
        if standardOutput == nil {
            DispatchQueue.global().async(group: reader) { _ = output.fileHandleForReading.readDataToEndOfFile() }
        }
        let timedOut = done.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        reader.wait()
        return Outcome(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                       standardError: String(decoding: message, as: UTF8.self), timedOut: timedOut)
    }
}
