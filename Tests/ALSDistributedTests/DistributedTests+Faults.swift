import ALS
import Foundation
import Testing

extension DistributedTests {
    /// Long enough per iteration to be killed midway.
    static let longRun = ["--factors", "32", "--threads", "1", "--seed", "7"]

    /// Starts a job, waits for a checkpoint of iteration ≥ 2 by every rank, kills rank `victim`
    /// with SIGKILL and returns how the job ended.
    func killMidway(_ arguments: [String], ranks: Int, victim: Int, checkpoints: String) throws -> MPIJob.Outcome {
        let job = try MPIJob.Running(try #require(MPIJob.mpirun), MPIJob.mpiArguments(ranks: ranks, arguments))
        let deadline = Date().addingTimeInterval(60)
        func ready() -> Bool {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints)) ?? []
            return (0 ..< ranks).allSatisfy { r in names.contains { $0.hasPrefix("rank-\(r)-of-\(ranks).iter-") && $0.hasSuffix(".ckpt") } }
        }
        while !ready() && job.process.isRunning && Date() < deadline { usleep(20_000) }
        let pid = try #require(MPIJob.rankPID(of: job.process, rank: victim), "rank \(victim) not found")
        kill(pid, SIGKILL)
        let killed = Date()
        var outcome = job.finish(timeout: 30)
        outcome.seconds = Date().timeIntervalSince(killed)
        return outcome
    }

    @Test("a rank killed with SIGKILL ends the job non-zero within seconds, naming the rank, with no model file")
    func killedRank() throws {
        let data = try #require(MPIJob.ratings, "als synthetic failed")
        let dir = try MPIJob.temporaryDirectory()
        let model = dir + "/model.als"
        let outcome = try killMidway(["train", data, "--output", model, "--iterations", "400", "--checkpoint", dir + "/ck"]
                                     + Self.longRun, ranks: 3, victim: 1, checkpoints: dir + "/ck")
        print("killed rank: exit \(outcome.status) \(String(format: "%.2f", outcome.seconds)) s after the kill")
        #expect(outcome.status != 0)
        #expect(outcome.seconds < 10, "the job took \(outcome.seconds) s to end")
        #expect(outcome.standardError.contains("rank 1"), "\(outcome.standardError)")
        #expect(!FileManager.default.fileExists(atPath: model))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("model.als") }
        #expect(leftovers.isEmpty, "partial files: \(leftovers)")
    }

    @Test("a job killed midway and restarted with the same --checkpoint ends with the factors of an uninterrupted run")
    func resumeAfterKill() throws {
        let data = try #require(MPIJob.ratings, "als synthetic failed")
        let dir = try MPIJob.temporaryDirectory()
        let flags = Self.longRun + ["--iterations", "10", "--checkpoint-every", "2"]
        let uninterrupted = dir + "/uninterrupted.als"
        let straight = try MPIJob.mpi(ranks: 2, ["train", data, "--output", uninterrupted, "--quiet"] + Self.longRun + ["--iterations", "10"])
        try #require(straight.status == 0, "\(straight.standardError)")
        let resumed = dir + "/resumed.als"
        let arguments = ["train", data, "--output", resumed, "--checkpoint", dir + "/ck"] + flags
        let killed = try killMidway(arguments, ranks: 2, victim: 0, checkpoints: dir + "/ck")
        try #require(killed.status != 0, "the job ended before the kill: \(killed.standardError)")
        #expect(!FileManager.default.fileExists(atPath: resumed))
        let again = try MPIJob.mpi(ranks: 2, arguments)
        try #require(again.status == 0, "\(again.standardError)")
        #expect(again.standardError.contains("resuming from the checkpoint of iteration"), "\(again.standardError)")
        let a = try MPIJob.load(resumed), b = try MPIJob.load(uninterrupted)
        #expect(try MPIJob.difference(a, b).bitwise)
        #expect(a.lossHistory == b.lossHistory)
    }

    @Test("shards cut for another number of ranks, or from another file, are refused before any work")
    func mismatchedShards() throws {
        let data = try #require(MPIJob.ratings, "als synthetic failed")
        let dir = try MPIJob.temporaryDirectory()
        let other = dir + "/other.csv"
        #expect(try MPIJob.run(MPIJob.als, ["synthetic", other, "--shape", "ml100k", "--seed", "3", "--no-timestamps"]).status == 0)
        for (file, shards) in [(data, "a"), (other, "b")] {
            let p = try MPIJob.run(MPIJob.alsMPI, ["partition", file, "--parts", "2", "--output", dir + "/" + shards])
            try #require(p.status == 0, "\(p.standardError)")
        }
        let model = dir + "/m.als"
        let wrongN = try MPIJob.mpi(ranks: 3, ["train", dir + "/a", "--output", model] + Self.hyperparameters)
        #expect(wrongN.status != 0)
        #expect(wrongN.standardError.contains("shards for 2 ranks"), "\(wrongN.standardError)")
        #expect(!wrongN.standardError.contains("iteration"))
        // Rank 1's shard from the other file.
        try FileManager.default.removeItem(atPath: dir + "/a/shard-1-of-2.bin")
        try FileManager.default.copyItem(atPath: dir + "/b/shard-1-of-2.bin", toPath: dir + "/a/shard-1-of-2.bin")
        let mixed = try MPIJob.mpi(ranks: 2, ["train", dir + "/a", "--output", model] + Self.hyperparameters)
        #expect(mixed.status != 0)
        #expect(mixed.standardError.contains("rank 1's shard comes from another source"), "\(mixed.standardError)")
        #expect(!mixed.standardError.contains("iteration"))
        #expect(!FileManager.default.fileExists(atPath: model))
    }
}
