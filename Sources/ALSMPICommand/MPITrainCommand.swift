@_spi(Engine) import ALS
import ALSDistributed
import ArgumentParser
import Foundation

extension GramMode: ExpressibleByArgument {}
extension ExchangeMode: ExpressibleByArgument {}

/// `mpirun -np N als-mpi train INPUT --output MODEL`: distributed training.
struct MPITrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an ALS model on every rank of an MPI job; rank 0 saves it.",
        discussion: """
            INPUT is a shard directory written by 'als-mpi partition' (each rank reads only its \
            shard) or an interactions file (each rank reads it and keeps its part: for small data). \
            The model file is the one 'als train' writes, saved atomically by rank 0 at the end, and \
            for a seed it holds the same factors as 'als train' up to Float rounding of the summed \
            Gram (bitwise with one rank). Rank 0 prints one line per iteration on standard error: \
            loss, seconds, seconds communicating and bytes sent.

            With --checkpoint DIR every rank writes its factor blocks every --checkpoint-every \
            iterations; the same command run again resumes from the newest checkpoint all ranks have.
            """)

    @Argument(help: "A shard directory ('als-mpi partition') or an interactions file.")
    var input: String

    @OptionGroup var training: TrainingFlags

    @Option(name: .shortAndLong, help: "Where rank 0 writes the model.")
    var output: String

    @Option(help: ArgumentHelp("Directory of per-rank checkpoints (created when missing); resumes from it.", valueName: "dir"))
    var checkpoint: String?

    @Option(help: "Checkpoint every K iterations (with --checkpoint; default 1).")
    var checkpointEvery: Int?

    @Option(help: "How each half-step's Gram is formed: allreduce (a local ssyrk over the rank's rows plus MPI_Allreduce; the default) or replicated (every rank computes it whole: no communication, bitwise the single-process factors).")
    var gram: GramMode = .allreduce

    @Option(help: "How the fixed side's factors reach the ranks: allgather (every rank receives every row; the default) or alltoall (only the rows its shard touches, for catalogues too large to copy to every rank).")
    var exchange: ExchangeMode = .allgather

    @Flag(inversion: .prefixedNo, help: "Compute the loss after every iteration (--no-loss skips it).")
    var loss = true

    @Flag(inversion: .prefixedNo, help: "Keep the training interactions in the model (rank 0 gathers them: 4 bytes per interaction).")
    var seen = true

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if let checkpointEvery {
            guard checkpoint != nil else { throw ValidationError("--checkpoint-every needs --checkpoint DIR.") }
            guard checkpointEvery > 0 else { throw ValidationError("--checkpoint-every must be at least 1 (got \(checkpointEvery)).") }
        }
        if !loss, training.earlyStop != nil { throw ValidationError("--early-stop watches the loss: drop --no-loss.") }
        if gram == .replicated && exchange == .alltoall {
            throw ValidationError("--gram replicated needs every row of the fixed side on every rank: drop it, or use --exchange allgather.")
        }
    }

    func run() throws {
        let comm = try Communicator.start()
        let code: Int32
        do {
            try train(comm)
            code = 0
        } catch is PeerFailure {
            code = 1
        } catch let failure as SharedFailure {
            if comm.rank == 0 { report("\(failure)") }
            code = 1
        } catch {
            report("rank \(comm.rank) of \(comm.size): \(error)")
            code = 1
        }
        comm.finish()
        if code != 0 { throw ExitCode(code) }
    }

    private func report(_ message: String) {
        FileHandle.standardError.write(Data("als-mpi: error: \(message)\n".utf8))
    }

    private func train(_ comm: Communicator) throws {
        var config = try training.configuration()
        config.computeLoss = loss
        let isDirectory = (try? FileManager.default.attributesOfItem(atPath: input)[.type] as? FileAttributeType) == .typeDirectory
        var whole: InteractionMatrix? = nil
        let loaded = Result { () throws -> Shard in
            if comm.rank == 0 { try ALSFile.checkWritable(output) }
            if let checkpoint { try FileManager.default.createDirectory(atPath: checkpoint, withIntermediateDirectories: true) }
            if isDirectory { return try Shard.read(directory: input, rank: comm.rank, parts: comm.size) }
            let m = try DataLoader.load(path: input).matrix
            whole = m
            return Shard(slicing: m, parts: comm.size, rank: comm.rank)
        }
        let shard = try Shard.agree(loaded, communicator: comm)
        if comm.rank == 0 && !quiet {
            printLine("training \(config.mode.rawValue) ALS on \(comm.size) ranks: \(shard.users) users × \(shard.items) items, \(shard.nonZeros) interactions, k = \(config.factors), λ = \(config.regularization), \(config.solver.rawValue)")
        }
        let trainer = try DistributedTrainer(
            config, checkpoint: checkpoint.map { CheckpointOptions(directory: $0, every: checkpointEvery ?? 1) }, gram: gram,
            exchange: exchange)
        let model = try trainer.fit(shard, communicator: comm, ids: {
            if let whole { return (whole.userIDs, whole.itemIDs) }
            return try Shard.readIDs(directory: input)
        }, includeSeen: seen) { p in
            guard comm.rank == 0 && !quiet else { return }
            let width = String(p.iterations).count
            let it = String(repeating: " ", count: max(0, width - String(p.iteration).count)) + String(p.iteration)
            printLine("iteration \(it)/\(p.iterations)  loss \(p.loss.map { String(format: "%.6e", $0) } ?? "-")  \(String(format: "%.3f", p.seconds)) s  (communicating \(String(format: "%.3f", p.communicationSeconds)) s, \(p.bytesSent) bytes sent by rank 0)")
        }
        if let model {
            try model.save(to: URL(fileURLWithPath: output), includeSeenItems: seen)
            if !quiet { print("wrote \(output): \(model.users) users, \(model.items) items, k = \(model.factors), final loss \(model.lossHistory.last.map { String(format: "%.6e", $0) } ?? "-")") }
        }
    }

    private func printLine(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
