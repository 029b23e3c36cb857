@_spi(Engine) import ALS

/// The shard directory `als-mpi partition` writes and `als-mpi train` reads:
///
///     shard-<r>-of-<N>.bin   rank r's shard (below), one per rank
///     ids.als-cache          the global id maps, once: a binary cache with no interactions
///
/// A shard file is host-endian (little-endian on every platform we build for): a header of 16
/// UInt64 words — magic "ALSSHRD1", version 1, N, r, source checksum, users, items, non-zeros,
/// the value sum's bits, the non-zeros of its CSR and CSC parts, 0, 0, 0, 0, 0 — then the user
/// and item block starts of every rank (N + 1 Int64 each), the CSR rows (offsets Int64, item
/// indices Int32, values Float32), the CSC columns (the same), and every item's count (Int64).
/// Each array starts on an 8-byte boundary. Written atomically.
extension Shard {
    static let magic: UInt64 = 0x3144_5248_5353_4C41  // "ALSSHRD1" read as little-endian
    static let version: UInt64 = 1

    /// The file name of rank `rank`'s shard among `parts`.
    public static func fileName(rank: Int, parts: Int) -> String { "shard-\(rank)-of-\(parts).bin" }
    /// The id maps' file name in a shard directory.
    public static let idsFileName = "ids.als-cache"

    /// Writes `matrix` as `parts` shards plus its id maps into `directory` (which must exist).
    /// - Throws: `ALSError.invalidConfiguration` for per-entry weights (not carried by shards) or
    ///   a part count outside 1…4096; `ALSError.io` when a file cannot be written.
    public static func partition(_ matrix: InteractionMatrix, parts: Int, into directory: String) throws {
        guard (1 ... 4096).contains(parts) else {
            throw ALSError.invalidConfiguration(parameter: "parts", reason: "must be in 1…4096 (got \(parts))")
        }
        guard matrix.byUser.weights == nil else {
            throw ALSError.invalidConfiguration(parameter: "weights", reason: "shards do not carry per-entry weights; train such data with 'als train'")
        }
        let checksum = ALSChecksum.of(matrix)
        for rank in 0 ..< parts {
            try Shard(slicing: matrix, parts: parts, rank: rank, checksum: checksum)
                .write(to: directory + "/" + fileName(rank: rank, parts: parts))
        }
        let empty = CompressedMatrix(outerCount: matrix.users, innerCount: matrix.items,
                                     outerOffsets: [Int64](repeating: 0, count: matrix.users + 1), innerIndices: [], values: [])
        try BinaryCache.write(InteractionMatrix(byUser: empty, userIDs: matrix.userIDs, itemIDs: matrix.itemIDs),
                              to: directory + "/" + idsFileName)
    }

    /// Writes this shard to `path` atomically.
    public func write(to path: String) throws {
        let header: [UInt64] = [Self.magic, Self.version, UInt64(parts), UInt64(rank), sourceChecksum, UInt64(users),
                                UInt64(items), UInt64(nonZeros), valueSum.bitPattern, UInt64(byUser.nonZeros),
                                UInt64(byItem.nonZeros), 0, 0, 0, 0, 0]
        let userStarts = userBlocks.map { Int64($0.lowerBound) } + [Int64(users)]
        let itemStarts = itemBlocks.map { Int64($0.lowerBound) } + [Int64(items)]
        try ALSFile.writeAtomically(to: path) { append in
            var written = 0
            func put<T>(_ a: [T]) throws {
                try a.withUnsafeBytes { try append($0) }
                written += a.count * MemoryLayout<T>.stride
                let pad = (8 - written % 8) % 8
                if pad > 0 { try [UInt8](repeating: 0, count: pad).withUnsafeBytes { try append($0) }; written += pad }
            }
            try put(header)
            try put(userStarts)
            try put(itemStarts)
            for half in [byUser, byItem] {
                try put(half.outerOffsets)
                try put(half.innerIndices)
                try put(half.values)
            }
            try put(itemCounts.map(Int64.init))
        }
    }

    /// Reads rank `rank`'s shard of `parts` from `directory`, memory-mapping that one file only.
    /// - Throws: `ALSError.shapeMismatch` when the directory was cut for another number of
    ///   parts (naming the parts it has), `ALSError.corruptFile` for a damaged or foreign file,
    ///   `ALSError.io` when it cannot be read.
    public static func read(directory: String, rank: Int, parts: Int) throws -> Shard {
        let path = directory + "/" + fileName(rank: rank, parts: parts)
        // Mapped, not read into a buffer: the rank's memory holds the shard's arrays once.
        do {
            return try ALSFile.withMappedBytes(path) { try parse($0, path: path, rank: rank, parts: parts) }
        } catch ALSError.io(_, let reason) {
            throw ALSError.shapeMismatch(
                "\(path): no shard for rank \(rank) of \(parts) (\(reason)); the directory holds \(describeParts(directory)). Run 'als-mpi partition FILE --parts \(parts) --output \(directory)', or start \(describeParts(directory)) ranks")
        }
    }

    /// The part counts a directory's shard files were cut for, in words.
    static func describeParts(_ directory: String) -> String {
        guard let names = try? _listDirectory(directory) else { return "no readable shards" }
        let counts = Set(names.compactMap { name -> Int? in
            guard name.hasPrefix("shard-"), name.hasSuffix(".bin"), let of = name.range(of: "-of-") else { return nil }
            return Int(name[of.upperBound ..< name.index(name.endIndex, offsetBy: -4)])
        }).sorted()
        return counts.isEmpty ? "no shards" : "shards for " + counts.map(String.init).joined(separator: " or ") + " ranks"
    }

    private static func parse(_ b: UnsafeRawBufferPointer, path: String, rank: Int, parts: Int) throws -> Shard {
        func corrupt(_ reason: String) -> ALSError { .corruptFile(path: path, reason: reason) }
        var cursor = 0
        func take<T>(_ count: Int, _: T.Type) throws -> [T] {
            let length = count * MemoryLayout<T>.stride
            guard count >= 0, cursor + length <= b.count else { throw corrupt("truncated at byte \(cursor)") }
            let a = [T](unsafeUninitializedCapacity: count) { buffer, n in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: b[cursor ..< cursor + length]))
                n = count
            }
            cursor += (length + 7) / 8 * 8
            return a
        }
        let h = try take(16, UInt64.self)
        guard h[0] == magic else { throw corrupt("not a shard file (bad magic)") }
        guard h[1] == version else { throw corrupt("shard version \(h[1]); this build reads version \(version)") }
        guard h[2] == UInt64(parts), h[3] == UInt64(rank) else {
            throw ALSError.shapeMismatch("\(path) is shard \(h[3]) of \(h[2]), not shard \(rank) of \(parts)")
        }
        let limit = UInt64(1) << 40
        guard [h[5], h[6], h[7], h[9], h[10]].allSatisfy({ $0 < limit }) else { throw corrupt("implausible sizes") }
        let (users, items) = (Int(h[5]), Int(h[6]))
        let userStarts = try take(parts + 1, Int64.self).map(Int.init)
        let itemStarts = try take(parts + 1, Int64.self).map(Int.init)
        func blocks(_ s: [Int], total: Int) throws -> [Range<Int>] {
            guard s.first == 0, s.last == total, zip(s, s.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw corrupt("block starts do not tile 0..<\(total)")
            }
            return (0 ..< parts).map { s[$0] ..< s[$0 + 1] }
        }
        let userBlocks = try blocks(userStarts, total: users)
        let itemBlocks = try blocks(itemStarts, total: items)
        func half(outer: Int, inner: Int, nnz: Int) throws -> CompressedMatrix {
            let m = CompressedMatrix(outerCount: outer, innerCount: inner, outerOffsets: try take(outer + 1, Int64.self),
                                     innerIndices: try take(nnz, Int32.self), values: try take(nnz, Float.self))
            do { try m.checkInvariants() } catch ALSError.invariantViolation(let reason) { throw corrupt(reason) }
            return m
        }
        let byUser = try half(outer: userBlocks[rank].count, inner: items, nnz: Int(h[9]))
        let byItem = try half(outer: itemBlocks[rank].count, inner: users, nnz: Int(h[10]))
        let itemCounts = try take(items, Int64.self).map(Int.init)
        guard cursor == b.count else { throw corrupt("\(b.count - cursor) bytes past the end of the shard") }
        return Shard(parts: parts, rank: rank, sourceChecksum: h[4], users: users, items: items, nonZeros: Int(h[7]),
                     valueSum: Double(bitPattern: h[8]), userBlocks: userBlocks, itemBlocks: itemBlocks,
                     byUser: byUser, byItem: byItem, itemCounts: itemCounts)
    }

    /// The global id maps of a shard directory (read by rank 0 only, to save the model).
    public static func readIDs(directory: String) throws -> (users: IDMap, items: IDMap) {
        let m = try BinaryCache.read(path: directory + "/" + idsFileName)
        return (m.userIDs, m.itemIDs)
    }
}

/// The entry names of `directory`.
func _listDirectory(_ directory: String) throws -> [String] {
    guard let d = opendir(directory) else { throw ALSError.io(path: directory, reason: "cannot list the directory") }
    defer { closedir(d) }
    var names: [String] = []
    while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
