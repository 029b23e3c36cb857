import Foundation
import Testing
@_spi(Engine) @testable import ALS
@testable import ALSCommand

@Suite("Training flags: library defaults, --config, and configurations that cannot learn refused")
struct TrainingOptionsTests {
    func configuration(_ args: [String]) throws -> ALSConfiguration {
        try TrainCommand.parse(["data.tsv", "--output", "m.als"] + args).training.configuration()
    }

    @Test("with no flags every value is the library's recommended one for the mode")
    func defaults() throws {
        for mode in ALSConfiguration.Mode.allCases {
            #expect(try configuration(["--mode", mode.rawValue]) == ALSConfiguration(mode: mode))
        }
        #expect(try configuration([]) == ALSConfiguration(mode: .implicit))
        // Explicit mode learns the global mean and biases unless told not to.
        let explicit = ALSConfiguration(mode: .explicit)
        #expect(explicit.biases && explicit.globalMean && explicit.regularizationExponent == 1)
        let off = try configuration(["--mode", "explicit", "--no-biases"])
        #expect(!off.biases && !off.globalMean)
    }

    @Test("the default solver follows the factor count: Cholesky below 64, CG from 64, from the library, the flags and a file")
    func solverByFactors() throws {
        #expect(ALSConfiguration(mode: .implicit).solver == .cg)
        #expect(ALSConfiguration(mode: .implicit, factors: 63).solver == .cholesky)
        #expect(ALSConfiguration(mode: .explicit, factors: 32).solver == .cholesky)
        #expect(ALSConfiguration(mode: .explicit, factors: 64).solver == .cg)
        #expect(ALSConfiguration(mode: .implicit, factors: 1024).solver == .cg)
        #expect(try configuration(["--factors", "32"]).solver == .cholesky)
        #expect(try configuration(["--factors", "128"]).solver == .cg)
        #expect(try configuration(["--factors", "512"]).solver == .cg)
        #expect(try configuration(["--factors", "512"]) == ALSConfiguration(mode: .implicit, factors: 512))
        #expect(try configuration(["--factors", "512", "--solver", "subspace"]).solver == .subspace)
        // --cg-steps does something once the factor count makes CG the solver.
        #expect(try configuration(["--factors", "256", "--cg-steps", "5"]).cgSteps == 5)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("als-solver-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try #"{"mode": "implicit", "factors": 1024}"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try configuration(["--config", file]).solver == .cg)
    }

    @Test("configurations that cannot learn are refused with the reason and a fix")
    func cannotLearn() throws {
        var c = ALSConfiguration(mode: .implicit)
        c.confidence = .scaled
        c.alpha = 0
        #expect(throws: ALSError.invalidConfiguration(parameter: "alpha", reason: "scaled confidence c = α·r with α = 0 gives every observed cell weight 0, so the model learns nothing (all-zero factors); use α > 0, e.g. 10")) {
            try c.validate()
        }
        c = ALSConfiguration(mode: .explicit)
        c.iterations = 0
        #expect(throws: ALSError.self) { try c.validate() }
        for args in [["--confidence", "scaled", "--alpha", "0"], ["--iterations", "0"], ["--factors", "0"]] {
            #expect(throws: (any Error).self, "\(args)") { try TrainCommand.parse(["data.tsv", "--output", "m.als"] + args) }
        }
    }

    @Test("a flag that does nothing in the chosen mode is an error naming the flag")
    func uselessFlags() throws {
        let useless: [([String], String)] = [
            (["--mode", "explicit", "--alpha", "10"], "--alpha"),
            (["--mode", "explicit", "--confidence", "log"], "--confidence"),
            (["--factors", "32", "--cg-steps", "5"], "--cg-steps"),
            (["--solver", "cholesky", "--cg-steps", "5"], "--cg-steps"),
            (["--solver", "subspace", "--cg-steps", "5"], "--cg-steps"),
            (["--block-size", "64"], "--block-size"),
            (["--solver", "cg", "--sweeps", "2"], "--sweeps"),
            (["--subspace-schedule", "interleaved"], "--subspace-schedule"),
            (["--wals-w0", "2"], "--wals-w0"),
            (["--mode", "explicit", "--wals-exponent", "0.5"], "--wals-exponent"),
            (["--mode", "implicit", "--biases"], "--biases"),
            (["--mode", "explicit", "--no-biases", "--bias-regularization", "1"], "--bias-regularization"),
            (["--regularization-exponent", "0", "--regularization-alpha0", "1"], "--regularization-alpha0"),
            (["--missing-weight-total", "100"], "--missing-weight-total"),
            (["--confidence", "scaled", "--confidence-epsilon", "2"], "--confidence-epsilon"),
        ]
        for (args, flag) in useless {
            do {
                _ = try TrainCommand.parse(["data.tsv", "--output", "m.als"] + args)
                Issue.record("accepted \(args)")
            } catch {
                let message = TrainCommand.message(for: error)
                #expect(message.contains("\(flag) does nothing"), "\(args): \(message)")
            }
        }
        // The same flags where they do something are accepted.
        _ = try TrainCommand.parse(["data.tsv", "--output", "m.als", "--solver", "cg", "--cg-steps", "5"])
        let subspace = try TrainCommand.parse(["data.tsv", "--output", "m.als", "--solver", "subspace", "--block-size", "64", "--sweeps", "2",
                                                   "--subspace-schedule", "interleaved"])
        let c = try subspace.training.configuration()
        #expect(c.solver == .subspace && c.blockSize == 64 && c.sweeps == 2 && c.subspaceSchedule == .interleaved)
        _ = try TrainCommand.parse(["data.tsv", "--output", "m.als", "--mode", "weighted", "--wals-w0", "2"])
        _ = try TrainCommand.parse(["data.tsv", "--output", "m.als", "--mode", "explicit", "--bias-regularization", "1"])
    }

    @Test("a configuration file needs only its mode, and a misspelt key is an error")
    func configFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("als-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let partial = dir.appendingPathComponent("partial.json").path
        try #"{"mode": "explicit", "factors": 8}"#.write(toFile: partial, atomically: true, encoding: .utf8)
        #expect(try configuration(["--config", partial]) == ALSConfiguration(mode: .explicit, factors: 8))
        let typo = dir.appendingPathComponent("typo.json").path
        try #"{"mode": "implicit", "regularisation": 8}"#.write(toFile: typo, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try configuration(["--config", typo]) }
        #expect(throws: (any Error).self) { try configuration(["--config", dir.appendingPathComponent("missing.json").path]) }
        // Round trip: every field survives.
        var c = ALSConfiguration(mode: .weighted)
        c.walsWeighting = .exponential(w0: 0.5, e: 0.25)
        c.biasRegularization = 3
        c.earlyStopTolerance = 1e-4
        #expect(try JSONDecoder().decode(ALSConfiguration.self, from: JSONEncoder().encode(c)) == c)
    }
}
