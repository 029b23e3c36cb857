/// A compact binary file holding a built `InteractionMatrix` (both CSR and CSC) and its id maps,
/// reloaded through `mmap` with no parsing and no transpose.
///
/// Layout (native byte order; the byte-order mark tells a reader on the other endianness to
/// refuse the file):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `89 41 4C 53 0D 0A 1A 0A` ("\x89ALS\r\n\x1A\n": a text-mode copy breaks it) |
/// | 8 | 4 | format version (`BinaryCache.version`) |
/// | 12 | 4 | byte-order mark `0x01020304` |
/// | 16 | 8 | flags: 1 timestamps, 2 weights, 4 text user ids, 8 text item ids |
/// | 24 | 8 × 4 | users, items, non-zeros, duplicates merged |
/// | 56 | 8 × 2 | bytes of the user and item id text (0 for integer ids) |
/// | 72 | 8 | total file length |
/// | 80 | 8 | XXH64 of every other byte of the file (0..<80, then 88 to the end) |
/// | 88 | 8 | reserved, 0 |
/// | 96 | … | sections, each padded with zeros to 8 bytes: CSR offsets, indices, values,
///   [timestamps], [weights]; the same for the CSC; then user ids and item ids, each either
///   `Int64`s or `count + 1` byte offsets followed by the UTF-8 text |
///
/// A file that is too short, too long, of another version or byte order, or whose checksum
/// does not match throws `ALSError.corruptFile`.
@_spi(Engine) public enum BinaryCache {
    /// The first eight bytes of every cache.
    public static let magic: [UInt8] = [0x89, 0x41, 0x4C, 0x53, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The version this build writes and reads.
    public static let version: UInt32 = 1
    static let byteOrderMark: UInt32 = 0x0102_0304
    static let headerSize = 96

    private struct Flags: OptionSet {
        let rawValue: UInt64
        static let timestamps = Flags(rawValue: 1)
        static let weights = Flags(rawValue: 2)
        static let textUserIDs = Flags(rawValue: 4)
        static let textItemIDs = Flags(rawValue: 8)
    }

    private struct Header {
        var flags: Flags
        var users, items, nonZeros, duplicatesMerged, userTextBytes, itemTextBytes: Int

        /// The file length these counts imply, or nil when they overflow.
        var fileLength: Int? {
            func section(_ n: Int, _ stride: Int) -> Int? {
                let (b, o) = n.multipliedReportingOverflow(by: stride)
                return o || b > Int.max - 8 ? nil : (b + 7) & ~7
            }
            func half(_ outer: Int) -> [Int?] {
                [section(outer + 1, 8), section(nonZeros, 4), section(nonZeros, 4),
                 flags.contains(.timestamps) ? section(nonZeros, 8) : 0,
                 flags.contains(.weights) ? section(nonZeros, 4) : 0]
            }
            func ids(_ count: Int, text: Bool, bytes: Int) -> [Int?] {
                text ? [section(count + 1, 8), section(bytes, 1)] : [section(count, 8)]
            }
            let all = half(users) + half(items)
                + ids(users, text: flags.contains(.textUserIDs), bytes: userTextBytes)
                + ids(items, text: flags.contains(.textItemIDs), bytes: itemTextBytes)
            var total = BinaryCache.headerSize
            for s in all {
                guard let s else { return nil }
                let (t, o) = total.addingReportingOverflow(s)
                if o { return nil }
                total = t
            }
            return total
        }

        func bytes(checksum: UInt64, length: Int) -> [UInt8] {
            var out = BinaryCache.magic
            func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v) { out += $0 } }
            put(BinaryCache.version)
            put(BinaryCache.byteOrderMark)
            put(flags.rawValue)
            for v in [users, items, nonZeros, duplicatesMerged, userTextBytes, itemTextBytes, length] { put(UInt64(v)) }
            put(checksum)
            put(UInt64(0))
            return out
        }
    }

    // MARK: - Writing

    /// Writes `matrix` to `path` atomically (a temporary file beside it, synced, then renamed), so that a reader, or a load after a
    /// killed write, sees the old cache or the new one, never half of one.
    public static func write(_ matrix: InteractionMatrix, to path: String) throws {
        let (userText, userBlob) = idSections(matrix.userIDs)
        let (itemText, itemBlob) = idSections(matrix.itemIDs)
        var flags: Flags = []
        if matrix.byUser.timestamps != nil { flags.insert(.timestamps) }
        if matrix.byUser.weights != nil { flags.insert(.weights) }
        if userText != nil { flags.insert(.textUserIDs) }
        if itemText != nil { flags.insert(.textItemIDs) }
        let header = Header(flags: flags, users: matrix.users, items: matrix.items, nonZeros: matrix.nonZeros,
                            duplicatesMerged: matrix.duplicatesMerged, userTextBytes: userBlob.count,
                            itemTextBytes: itemBlob.count)
        guard let length = header.fileLength else {
            throw ALSError.invalidConfiguration(parameter: "matrix", reason: "too large for a cache file")
        }

        // Every section in file order, as (pointer, byte count) visitors.
        var sections: [(((UnsafeRawBufferPointer) throws -> Void) throws -> Void)] = []
        func add<T>(_ a: [T]) { sections.append { body in try a.withUnsafeBytes(body) } }
        for half in [matrix.byUser, matrix.byItem] {
            add(half.outerOffsets)
            add(half.innerIndices)
            add(half.values)
            if let t = half.timestamps { add(t) }
            if let w = half.weights { add(w) }
        }
        for (ids, text, blob) in [(matrix.userIDs, userText, userBlob), (matrix.itemIDs, itemText, itemBlob)] {
            if let text {
                add(text)
                add(blob)
            } else if case .integers(let a) = ids.storage {
                add(a)
            }
        }

        // The checksum covers every byte but its own: the header around it, each section and
        // its zero padding.
        let zeros = [UInt8](repeating: 0, count: 8)
        var checksum = _XXH64()
        header.bytes(checksum: 0, length: length).withUnsafeBytes { h in
            checksum.update(UnsafeRawBufferPointer(rebasing: h[0 ..< 80]))
            checksum.update(UnsafeRawBufferPointer(rebasing: h[88 ..< headerSize]))
        }
        for s in sections {
            try s { b in
                checksum.update(b)
                zeros.withUnsafeBytes { checksum.update(UnsafeRawBufferPointer(rebasing: $0[0 ..< (8 - b.count % 8) % 8])) }
            }
        }

        let file = try _AtomicFile(path: path)
        let headerBytes = header.bytes(checksum: checksum.digest(), length: length)
        try headerBytes.withUnsafeBytes { try file.write($0) }
        for s in sections {
            try s { b in
                try file.write(b)
                let pad = (8 - b.count % 8) % 8
                try zeros.withUnsafeBytes { try file.write(UnsafeRawBufferPointer(rebasing: $0[0 ..< pad])) }
            }
        }
        try file.commit()
    }

    /// For text ids: the byte offsets (count + 1) and the concatenated UTF-8. Nil offsets for
    /// integer ids.
    private static func idSections(_ ids: IDMap) -> ([Int64]?, [UInt8]) {
        guard case .strings(let a) = ids.storage else { return (nil, []) }
        var offsets: [Int64] = [0]
        var blob: [UInt8] = []
        for s in a {
            blob += s.utf8
            offsets.append(Int64(blob.count))
        }
        return (offsets, blob)
    }

    // MARK: - Reading

    /// Maps `path` and rebuilds the matrix from it. Throws `ALSError.corruptFile` for anything
    /// but an intact cache of this version and byte order, and `ALSError.io` when it cannot be
    /// opened.
    public static func read(path: String) throws -> InteractionMatrix {
        let file = try _MappedFile(path: path)
        func corrupt(_ reason: String) -> ALSError { .corruptFile(path: path, reason: reason) }
        guard file.length >= headerSize else {
            throw corrupt("truncated: \(file.length) bytes, shorter than the \(headerSize)-byte header")
        }
        let base = file.base
        // `base` points into the mapping, which lives as long as `file`.
        defer { withExtendedLifetime(file) {} }
        func u32(_ at: Int) -> UInt32 { base.loadUnaligned(fromByteOffset: at, as: UInt32.self) }
        func u64(_ at: Int) -> UInt64 { base.loadUnaligned(fromByteOffset: at, as: UInt64.self) }

        guard UnsafeRawBufferPointer(start: base, count: 8).elementsEqual(magic) else {
            throw corrupt("not a SwiftALS cache (wrong magic number)")
        }
        if u32(12) != byteOrderMark {
            throw corrupt(u32(12) == byteOrderMark.byteSwapped
                ? "written on a machine of the other byte order" : "bad byte-order mark")
        }
        guard u32(8) == version else { throw corrupt("cache version \(u32(8)), this build reads version \(version)") }
        let limit = UInt64(1) << 48
        let fields = stride(from: 24, to: 72, by: 8).map { u64($0) }
        guard fields.allSatisfy({ $0 < limit }) else { throw corrupt("implausible counts in the header") }
        let header = Header(flags: Flags(rawValue: u64(16)), users: Int(fields[0]), items: Int(fields[1]),
                            nonZeros: Int(fields[2]), duplicatesMerged: Int(fields[3]), userTextBytes: Int(fields[4]),
                            itemTextBytes: Int(fields[5]))
        guard let length = header.fileLength, u64(72) == UInt64(length) else {
            throw corrupt("the header's counts and length disagree")
        }
        guard file.length == length else {
            throw corrupt(file.length < length ? "truncated: \(file.length) bytes of \(length)"
                                               : "\(file.length - length) bytes after the end of the cache")
        }

        // Every byte but the checksum's own, before anything is copied out.
        // Hashed in 16 MiB chunks whose pages are released as soon as they are hashed, and
        // released again as each section is copied out below, so the peak resident memory of a
        // load is the built matrix plus one chunk, not the matrix plus the whole mapped file.
        var checksum = _XXH64()
        checksum.update(UnsafeRawBufferPointer(start: base, count: 80))
        let chunk = 16 << 20
        var at = 88
        while at < length {
            let n = min(chunk, length - at)
            checksum.update(UnsafeRawBufferPointer(start: base + at, count: n))
            file.release(at ..< at + n)
            at += n
        }
        guard checksum.digest() == u64(80) else { throw corrupt("checksum mismatch: the file is damaged") }
        var cursor = headerSize
        func take<T>(_ count: Int, _: T.Type) -> [T] {
            let bytes = count * MemoryLayout<T>.stride
            let a = [T](unsafeUninitializedCapacity: count) { buffer, n in
                if bytes > 0 { UnsafeMutableRawPointer(buffer._start).copyMemory(from: base + cursor, byteCount: bytes) }
                n = count
            }
            file.release(cursor ..< cursor + bytes)
            cursor += (bytes + 7) & ~7
            return a
        }
        func half(_ outer: Int, _ inner: Int) -> CompressedMatrix {
            let offsets = take(outer + 1, Int64.self)
            let indices = take(header.nonZeros, Int32.self)
            let values = take(header.nonZeros, Float.self)
            let times = header.flags.contains(.timestamps) ? take(header.nonZeros, Int64.self) : nil
            let weights = header.flags.contains(.weights) ? take(header.nonZeros, Float.self) : nil
            return CompressedMatrix(outerCount: outer, innerCount: inner, outerOffsets: offsets, innerIndices: indices,
                                    values: values, timestamps: times, weights: weights)
        }
        func ids(_ count: Int, text: Bool, bytes: Int) throws -> IDMap {
            guard text else { return try IDMap(integers: take(count, Int64.self)) }
            let offsets = take(count + 1, Int64.self)
            let blob = take(bytes, UInt8.self)
            guard offsets.first == 0, offsets.last == Int64(bytes), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw corrupt("bad id text offsets")
            }
            var strings: [String] = []
            strings.reserveCapacity(count)
            for k in 0 ..< count {
                guard let s = String(validating: blob[Int(offsets[k]) ..< Int(offsets[k + 1])], as: UTF8.self) else {
                    throw corrupt("id text is not valid UTF-8")
                }
                strings.append(s)
            }
            return try IDMap(strings: strings)
        }
        let byUser = half(header.users, header.items)
        let byItem = half(header.items, header.users)
        do {
            let userIDs = try ids(header.users, text: header.flags.contains(.textUserIDs), bytes: header.userTextBytes)
            let itemIDs = try ids(header.items, text: header.flags.contains(.textItemIDs), bytes: header.itemTextBytes)
            return try InteractionMatrix(byUser: byUser, byItem: byItem, userIDs: userIDs, itemIDs: itemIDs,
                                         duplicatesMerged: header.duplicatesMerged, validate: true)
        } catch ALSError.invariantViolation(let detail) {
            throw corrupt(detail)
        }
    }
}
