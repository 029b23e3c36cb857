import ArgumentParser

/// The `als-mpi` command: distributed training over MPI and the shards it reads. Built only
/// with `ALS_MPI=1`; run `train` under `mpirun` (a run without it is a job of one rank).
@main
struct ALSMPITool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "als-mpi",
        abstract: "Distributed ALS training on MPI (Open MPI): shards, training, checkpoints.",
        discussion: """
            Examples:
              als-mpi partition ratings.tsv --parts 4 --output shards/
              mpirun -np 4 als-mpi train shards/ --output m.als
              mpirun -np 2 als-mpi train ratings.tsv --mode explicit --checkpoint ck/ --checkpoint-every 5 --output m.als
            """,
        version: "0.1.0",
        subcommands: [MPITrainCommand.self, PartitionCommand.self]
    )
}
