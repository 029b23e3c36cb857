import ALS
import Foundation
import Testing

/// Distributed training against single-process training, as real `mpirun` jobs. Serialized:
/// the jobs share two cores, and the fault tests time a job's exit.
@Suite(.serialized, .enabled(if: MPIJob.isAvailable, "mpirun, als and als-mpi are needed (bash scripts/setup.sh mpi; ALS_MPI=1 swift build --build-tests)"))
struct DistributedTests {
    /// A short run: 16 factors, 5 iterations, one thread per rank.
    static let hyperparameters = ["--factors", "16", "--iterations", "5", "--threads", "1", "--seed", "7"]

    /// Trains single-process with `als train` and returns the model's path.
    func single(_ data: String, _ flags: [String], in dir: String) throws -> String {
        let path = dir + "/single.als"
        let outcome = try MPIJob.run(MPIJob.als, ["train", data, "--output", path, "--quiet"] + flags)
        try #require(outcome.status == 0, "als train failed: \(outcome.standardError)")
        return path
    }

    /// Trains with `mpirun -np ranks als-mpi train` and returns the model's path.
    func distributed(_ input: String, _ flags: [String], ranks: Int, tcp: Bool = false, in dir: String) throws -> String {
        let path = dir + "/mpi-\(ranks)\(tcp ? "-tcp" : "").als"
        let outcome = try MPIJob.mpi(ranks: ranks, tcp: tcp, ["train", input, "--output", path, "--quiet"] + flags)
        try #require(outcome.status == 0, "mpirun -np \(ranks) failed: \(outcome.standardError)")
        return path
    }

    @Test("np 1-4 give the factors of als train to 1e-5, bitwise with one rank",
          arguments: ["cholesky", "cg"], ["allgather", "alltoall"])
    func equalityOverSharedMemory(solver: String, exchange: String) throws {
        let data = try #require(MPIJob.ratings, "als synthetic failed")
        let dir = try MPIJob.temporaryDirectory()
        let flags = Self.hyperparameters + ["--solver", solver]
        let reference = try MPIJob.load(try single(data, flags, in: dir))
        for ranks in 1 ... 4 {
            let model = try MPIJob.load(try distributed(data, flags + ["--exchange", exchange], ranks: ranks, in: dir))
            let (relative, bitwise) = try MPIJob.difference(model, reference)
            print("equality: \(solver) \(exchange) np \(ranks) shared memory: relative difference \(relative), bitwise \(bitwise)")
            #expect(relative <= 1e-5, "np \(ranks), \(solver): relative difference \(relative)")
            if ranks == 1 { #expect(bitwise, "one rank is the single-process computation") }
        }
    }

    @Test("np 2 and 4 over TCP give the factors of als train to 1e-5", arguments: ["cholesky", "cg"], ["allgather", "alltoall"])
    func equalityOverTCP(solver: String, exchange: String) throws {
        let data = try #require(MPIJob.ratings, "als synthetic failed")
        let dir = try MPIJob.temporaryDirectory()
        let flags = Self.hyperparameters + ["--solver", solver]
        let reference = try MPIJob.load(try single(data, flags, in: dir))
        for ranks in [2, 4] {
            let model = try MPIJob.load(try distributed(data, flags + ["--exchange", exchange], ranks: ranks, tcp: true, in: dir))
            let (relative, _) = try MPIJob.difference(model, reference)
            print("equality: \(solver) \(exchange) np \(ranks) tcp: relative difference \(relative)")
            #expect(relative <= 1e-5, "np \(ranks) over TCP, \(solver): relative difference \(relative)")
        }
    }

    @Test("--gram replicated gives bitwise the factors of als train on 2 and 3 ranks", arguments: ["cholesky", "cg"])
    func replicatedGramIsBitwise(solver: String) throws {
        let data = try #require(MPIJob.ratings, "als synthetic failed")
        let dir = try MPIJob.temporaryDirectory()
        let flags = Self.hyperparameters + ["--solver", solver]
        let reference = try MPIJob.load(try single(data, flags, in: dir))
        for ranks in [2, 3] {
            let model = try MPIJob.load(try distributed(data, flags + ["--gram", "replicated"], ranks: ranks, in: dir))
            #expect(try MPIJob.difference(model, reference).bitwise, "np \(ranks), \(solver)")
        }
    }

    @Test("explicit mode with biases, alltoall exchange: np 3 gives bitwise the factors and biases of als train")
    func explicitMode() throws {
        let data = try #require(MPIJob.ratings, "als synthetic failed")
        let dir = try MPIJob.temporaryDirectory()
        let flags = Self.hyperparameters + ["--mode", "explicit"]
        let reference = try MPIJob.load(try single(data, flags, in: dir))
        let model = try MPIJob.load(try distributed(data, flags + ["--exchange", "alltoall"], ranks: 3, in: dir))
        let (relative, _) = try MPIJob.difference(model, reference)
        print("equality: explicit np 3: relative difference \(relative)")
        #expect(model.hasBiases && relative == 0, "explicit mode has no Gram: bitwise")
        #expect(model.globalMean == reference.globalMean)
    }

    @Test("shards from als-mpi partition train to the same model as the file itself, with the same top-10")
    func shardsMatchTheFile() throws {
        let data = try #require(MPIJob.ratings, "als synthetic failed")
        let dir = try MPIJob.temporaryDirectory()
        let partition = try MPIJob.run(MPIJob.alsMPI, ["partition", data, "--parts", "3", "--output", dir + "/shards"])
        try #require(partition.status == 0, "\(partition.standardError)")
        let fromFile = try MPIJob.load(try distributed(data, Self.hyperparameters, ranks: 3, in: dir))
        try FileManager.default.moveItem(atPath: dir + "/mpi-3.als", toPath: dir + "/file.als")
        let fromShards = try MPIJob.load(try distributed(dir + "/shards", Self.hyperparameters, ranks: 3, in: dir))
        #expect(try MPIJob.difference(fromShards, fromFile).bitwise)
        let reference = try MPIJob.load(try single(data, Self.hyperparameters, in: dir))
        var different = 0
        for u in 0 ..< reference.users {
            let id = reference.userIDs.externalID(u)
            if try fromShards.recommend(userID: id, k: 10).map(\.id) != reference.recommend(userID: id, k: 10).map(\.id) {
                different += 1
            }
        }
        print("top-10: \(different) of \(reference.users) users differ from single-process training")
        #expect(different == 0)
    }
}
