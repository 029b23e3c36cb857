@_spi(Engine) import ALS
import ALSDistributed
import ArgumentParser
import Foundation

/// `als-mpi partition FILE --parts N --output DIR`: cuts a file into the shards of an N-rank job.
struct PartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Cut an interactions file into N shards balanced by non-zeros, plus its id maps.",
        discussion: """
            Shard r holds the CSR rows of its block of users and the CSC columns of its block of \
            items; each block has about nnz/N interactions. 'als-mpi train DIR' under \
            'mpirun -np N' then reads on each rank only that rank's shard, and refuses shards cut \
            for another N or from different files.
            """)

    @Argument(help: "The interactions file (any format 'als train' reads).")
    var file: String

    @Option(help: "Number of shards: the number of ranks that will train on them.")
    var parts: Int

    @Option(name: .shortAndLong, help: "The directory to write the shards into (created when missing).")
    var output: String

    func validate() throws {
        guard (1 ... 4096).contains(parts) else { throw ValidationError("--parts must be in 1…4096 (got \(parts)).") }
    }

    func run() throws {
        let loaded = try DataLoader.load(path: file)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try Shard.partition(loaded.matrix, parts: parts, into: output)
        let m = loaded.matrix
        print("wrote \(parts) shards of \(m.users) users × \(m.items) items, \(m.nonZeros) interactions to \(output)")
        for r in 0 ..< parts {
            let s = Shard(slicing: m, parts: parts, rank: r, checksum: 0)
            print("  shard \(r): users \(s.userBlock.lowerBound)..<\(s.userBlock.upperBound) (\(s.byUser.nonZeros) interactions), items \(s.itemBlock.lowerBound)..<\(s.itemBlock.upperBound) (\(s.byItem.nonZeros) interactions)")
        }
    }
}
