import ALS
import Foundation
import Testing

/// The executables built next to the test bundle (`als`, `als-mpi`) and `mpirun`, run as child
/// processes: distributed behaviour only shows in real MPI jobs.
enum MPIJob {
    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static let als = binaries.appendingPathComponent("als").path
    static let alsMPI = binaries.appendingPathComponent("als-mpi").path
    static let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isAvailable: Bool {
        mpirun != nil && FileManager.default.isExecutableFile(atPath: als) && FileManager.default.isExecutableFile(atPath: alsMPI)
    }

    /// How a run ended.
    struct Outcome {
        var status: Int32
        var standardError: String
        var seconds: Double
    }

    /// `mpirun -np ranks als-mpi arguments` on this machine (root allowed, oversubscribed),
    /// over shared memory, or over TCP with `tcp`.
    static func mpiArguments(ranks: Int, tcp: Bool = false, _ arguments: [String]) -> [String] {
        ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)"] + (tcp ? ["--mca", "btl", "tcp,self"] : [])
            + [alsMPI] + arguments
    }

    /// Starts `executable arguments` with standard error collected; `finish` waits for it.
    final class Running: @unchecked Sendable {
        let process = Process()
        private let errors = Pipe()
        private var collected = Data()
        private let reader = DispatchGroup()
        private let start = Date()

        init(_ executable: String, _ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            DispatchQueue.global().async(group: reader) { [self] in collected = errors.fileHandleForReading.readDataToEndOfFile() }
        }

        /// Waits at most `timeout` seconds (then kills the job and records it in the outcome).
        func finish(timeout: Double) -> Outcome {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            var suffix = ""
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                suffix = "\n(timed out after \(timeout) s)"
            }
            process.waitUntilExit()
            reader.wait()
            return Outcome(status: process.terminationStatus,
                           standardError: String(decoding: collected, as: UTF8.self) + suffix,
                           seconds: Date().timeIntervalSince(start))
        }
    }

    static func run(_ executable: String, _ arguments: [String], timeout: Double = 120) throws -> Outcome {
        try Running(executable, arguments).finish(timeout: timeout)
    }

    /// `mpirun … als-mpi arguments`, run to completion.
    static func mpi(ranks: Int, tcp: Bool = false, _ arguments: [String], timeout: Double = 120) throws -> Outcome {
        try run(try #require(mpirun), mpiArguments(ranks: ranks, tcp: tcp, arguments), timeout: timeout)
    }

    /// The pid of rank `rank` of the job `mpirun` started: its child whose environment has
    /// OMPI_COMM_WORLD_RANK=rank.
    static func rankPID(of mpirun: Process, rank: Int) -> pid_t? {
        let parent = mpirun.processIdentifier
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, Int32(fields[1]) == parent,
                  let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
        }
        return nil
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "als-mpi-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A seeded MovieLens-100K-shaped ratings file (`als synthetic`), written once per run.
    static let ratings: String? = {
        guard let dir = try? temporaryDirectory() else { return nil }
        let path = dir + "/ratings.csv"
        let outcome = try? run(als, ["synthetic", path, "--shape", "ml100k", "--no-timestamps"])
        return outcome?.status == 0 ? path : nil
    }()

    /// max over both factor matrices (and the biases) of ‖a − b‖ / ‖b‖, and whether all are
    /// bitwise equal.
    static func difference(_ a: ALSModel, _ b: ALSModel) throws -> (relative: Double, bitwise: Bool) {
        try #require(a.users == b.users && a.items == b.items && a.factors == b.factors)
        var worst = 0.0
        var bitwise = true
        for (x, y) in [(a.userFactors, b.userFactors), (a.itemFactors, b.itemFactors),
                       (a.userBiases, b.userBiases), (a.itemBiases, b.itemBiases)] {
            try #require(x.count == y.count)
            var d = 0.0, n = 0.0
            for i in x.indices {
                d += Double(x[i] - y[i]) * Double(x[i] - y[i])
                n += Double(y[i]) * Double(y[i])
                if x[i].bitPattern != y[i].bitPattern { bitwise = false }
            }
            if n > 0 { worst = max(worst, (d / n).squareRoot()) }
        }
        return (worst, bitwise)
    }

    static func load(_ path: String) throws -> ALSModel { try ALSModel.load(from: URL(fileURLWithPath: path)) }
}
