import ALS
import ALSDistributed
import Foundation
import Testing

/// Shards in process (no MPI): balance, the file round trip, and refusals.
@Suite("Shards: balanced by non-zeros, written and read back, refused when foreign")
struct ShardTests {
    /// 60 users with 1…60 interactions each over 40 items: a skewed matrix.
    static func matrix() throws -> InteractionMatrix {
        var rows: [(user: String, item: String, value: Float)] = []
        for u in 0 ..< 60 { for j in 0 ... u where j < 40 { rows.append(("u\(u)", "i\((u * 7 + j) % 40)", Float(1 + j % 5))) } }
        return try InteractionMatrix(rows: rows)
    }

    @Test("blocks tile both sides and hold about nnz/N interactions each", arguments: [1, 2, 3, 4, 7])
    func balanced(parts: Int) throws {
        let m = try Self.matrix()
        let shards = (0 ..< parts).map { Shard(slicing: m, parts: parts, rank: $0) }
        #expect(shards.map(\.byUser.nonZeros).reduce(0, +) == m.nonZeros)
        #expect(shards.map(\.byItem.nonZeros).reduce(0, +) == m.nonZeros)
        #expect(shards.map(\.userBlock.count).reduce(0, +) == m.users)
        #expect(shards.map(\.itemBlock.count).reduce(0, +) == m.items)
        let longestUser = (0 ..< m.users).map { m.byUser.count(of: $0) }.max() ?? 0
        for s in shards {
            // A block overshoots its share by less than one row.
            #expect(abs(s.byUser.nonZeros - m.nonZeros / parts) <= longestUser, "shard \(s.rank): \(s.byUser.nonZeros)")
            try s.byUser.checkInvariants()
            try s.byItem.checkInvariants()
        }
    }

    @Test("a shard file reads back equal; the directory refuses another N, naming the N it has")
    func roundTrip() throws {
        let m = try Self.matrix()
        let dir = NSTemporaryDirectory() + "als-shard-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Shard.partition(m, parts: 3, into: dir)
        for r in 0 ..< 3 {
            let read = try Shard.read(directory: dir, rank: r, parts: 3)
            let cut = Shard(slicing: m, parts: 3, rank: r)
            #expect(read.byUser == cut.byUser && read.byItem == cut.byItem && read.itemCounts == cut.itemCounts)
            #expect(read.sourceChecksum == cut.sourceChecksum && read.valueSum == cut.valueSum)
            #expect(read.userBlocks == cut.userBlocks && read.itemBlocks == cut.itemBlocks)
        }
        let ids = try Shard.readIDs(directory: dir)
        #expect(ids.users == m.userIDs && ids.items == m.itemIDs)
        #expect { try Shard.read(directory: dir, rank: 0, parts: 2) } throws: { error in
            guard case ALSError.shapeMismatch(let text) = error else { return false }
            return text.contains("shards for 3 ranks")
        }
    }

    @Test("a truncated or foreign shard file is a corrupt file, not a crash")
    func corrupt() throws {
        let m = try Self.matrix()
        let dir = NSTemporaryDirectory() + "als-shard-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Shard.partition(m, parts: 2, into: dir)
        let path = dir + "/" + Shard.fileName(rank: 1, parts: 2)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for damaged in [bytes.prefix(bytes.count - 9), bytes.prefix(100), Data(repeating: 7, count: bytes.count)] {
            try damaged.write(to: URL(fileURLWithPath: path))
            #expect { try Shard.read(directory: dir, rank: 1, parts: 2) } throws: { error in
                if case ALSError.corruptFile = error { return true } else { return false }
            }
        }
    }

    @Test("the trainer refuses the subspace solver's interleaved schedule, which needs a half-step per block")
    func interleavedRefused() throws {
        var config = ALSConfiguration(mode: .implicit, factors: 8)
        config.solver = .subspace
        config.blockSize = 4
        config.subspaceSchedule = .interleaved
        #expect(throws: ALSError.self) { try DistributedTrainer(config) }
        config.subspaceSchedule = .rows
        _ = try DistributedTrainer(config)
    }
}
