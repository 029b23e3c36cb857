/// The layout of a SwiftALS model file, version 1. All numbers are in the byte order of the
/// machine that wrote the file, which the byte-order mark records; a reader on a machine of the
/// other order refuses the file (the factors are used in place, so they cannot be swapped).
///
///     offset  size  field
///          0     8  magic "SWALSMDL"
///          8     4  format version (UInt32, 1)
///         12     4  byte-order mark (UInt32 0x01020304 as written)
///         16     8  checksum: XXH64, seed 0, of every byte from offset 24 to the end of the file
///         24     8  file length in bytes (UInt64)
///         32     4  header length (UInt32, 256)
///         36     4  element type (UInt32, 1 = Float32)
///         40     8  factors k (UInt64)
///         48     8  users (UInt64)
///         56     8  items (UInt64)
///         64     4  flags (UInt32; bit 0: the model has biases)
///         68     4  global mean (Float32)
///         72   176  section table: 11 × (offset UInt64, length UInt64), in `Section` order
///        248     8  reserved, zero
///        256        sections, each starting at a multiple of 64 bytes, zero padding between
///
/// Sections: the factor matrices (row-major Float32), the biases (Float32, empty without
/// biases), the two id maps (see `_IDMapCodec`), the configuration (JSON) and the loss history
/// (Float64); then three optional ones: the training item counts (Int64 per item, which fold-in
/// of weighted and popularity-weighted implicit models needs), and the seen items, the training
/// interactions as CSR without values (users + 1 Int64 offsets, then one Int32 item index per
/// interaction, ascending within a user). An optional section that is absent has offset and
/// length 0. The optional sections were added inside version 1, in bytes that were reserved
/// and zero before: an older file reads as one without them, and an older reader, which never
/// looked at those bytes, still reads a newer file. The checksum covers the header after
/// itself, so a flipped bit anywhere but in the first 24 bytes is caught by it, and those 24
/// bytes are checked field by field.
internal enum _ModelFile {
    static let magic: [UInt8] = Array("SWALSMDL".utf8)
    static let version: UInt32 = 1
    static let byteOrderMark: UInt32 = 0x0102_0304
    static let headerLength = 256
    static let checksumOffset = 16
    static let checksummedFrom = 24
    static let alignment = 64
    static let float32: UInt32 = 1

    enum Section: Int, CaseIterable {
        case userFactors, itemFactors, userBiases, itemBiases, userIDs, itemIDs, configuration, lossHistory
        // Optional (absent: offset 0, length 0).
        case itemCounts, seenOffsets, seenItems

        var isOptional: Bool { rawValue >= Section.itemCounts.rawValue }
    }

    /// Header fields after the first 24 bytes.
    struct Header {
        var fileLength: UInt64 = 0
        var elementType: UInt32 = float32
        var factors: UInt64 = 0
        var users: UInt64 = 0
        var items: UInt64 = 0
        var hasBiases = false
        var globalMean: Float = 0
        /// The stored XXH64 (offset 16), which `decode` has checked against the bytes.
        var checksum: UInt64 = 0
        var sections: [(offset: Int, length: Int)] = []

        /// The 256 header bytes, with a zero checksum (the writer fills it in last).
        func encoded() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: headerLength)
            out.withUnsafeMutableBytes { b in
                b.copyBytes(from: magic)
                b.storeBytes(of: version, toByteOffset: 8, as: UInt32.self)
                b.storeBytes(of: byteOrderMark, toByteOffset: 12, as: UInt32.self)
                b.storeBytes(of: fileLength, toByteOffset: 24, as: UInt64.self)
                b.storeBytes(of: UInt32(headerLength), toByteOffset: 32, as: UInt32.self)
                b.storeBytes(of: elementType, toByteOffset: 36, as: UInt32.self)
                b.storeBytes(of: factors, toByteOffset: 40, as: UInt64.self)
                b.storeBytes(of: users, toByteOffset: 48, as: UInt64.self)
                b.storeBytes(of: items, toByteOffset: 56, as: UInt64.self)
                b.storeBytes(of: UInt32(hasBiases ? 1 : 0), toByteOffset: 64, as: UInt32.self)
                b.storeBytes(of: globalMean.bitPattern, toByteOffset: 68, as: UInt32.self)
                for (s, section) in sections.enumerated() {
                    b.storeBytes(of: UInt64(section.offset), toByteOffset: 72 + 16 * s, as: UInt64.self)
                    b.storeBytes(of: UInt64(section.length), toByteOffset: 80 + 16 * s, as: UInt64.self)
                }
            }
            return out
        }

        /// Reads and checks the header of `file`: every check that does not need the sections.
        /// The order matters: a file of another kind, order or version is named as such before
        /// a truncation or checksum message could mislead.
        static func decode(_ file: UnsafeRawBufferPointer, path: String) throws -> Header {
            func corrupt(_ reason: String) -> ALSError { .corruptFile(path: path, reason: reason) }
            if file.count < magic.count, magic.starts(with: file) {
                throw corrupt("truncated: \(file.count) bytes, shorter than the \(headerLength)-byte header")
            }
            guard file.count >= magic.count, file.prefix(magic.count).elementsEqual(magic) else {
                throw corrupt("not a SwiftALS model file (no \"SWALSMDL\" magic at the start)")
            }
            guard file.count >= headerLength else {
                throw corrupt("truncated: \(file.count) bytes, shorter than the \(headerLength)-byte header")
            }
            func u32(_ o: Int) -> UInt32 { file.loadUnaligned(fromByteOffset: o, as: UInt32.self) }
            func u64(_ o: Int) -> UInt64 { file.loadUnaligned(fromByteOffset: o, as: UInt64.self) }
            let mark = u32(12)
            if mark == byteOrderMark.byteSwapped {
                throw corrupt("written on a machine of the other byte order; save the model again on this machine's kind of CPU")
            }
            guard mark == byteOrderMark else { throw corrupt("corrupt header (bad byte-order mark)") }
            let v = u32(8)
            guard v == version else {
                throw corrupt("format version \(v), but this build of SwiftALS reads version \(version)")
            }
            var h = Header()
            h.fileLength = u64(24)
            guard h.fileLength <= UInt64(file.count) else {
                throw corrupt("truncated: \(file.count) of \(h.fileLength) bytes")
            }
            guard h.fileLength == UInt64(file.count) else {
                throw corrupt("\(UInt64(file.count) - h.fileLength) unexpected bytes after the end of the model")
            }
            let stored = u64(checksumOffset)
            let actual = _XXH64.hash(UnsafeRawBufferPointer(rebasing: file[checksummedFrom...]))
            guard stored == actual else { throw corrupt("checksum mismatch: the file is corrupt") }
            h.checksum = stored
            // Past the checksum, a bad field can only come from a buggy or hostile writer;
            // still checked, so that no file makes the reader crash.
            guard u32(32) == UInt32(headerLength) else { throw corrupt("unexpected header length \(u32(32))") }
            h.elementType = u32(36)
            guard h.elementType == float32 else { throw corrupt("element type \(h.elementType) (only 1 = Float32 is known)") }
            h.factors = u64(40)
            h.users = u64(48)
            h.items = u64(56)
            h.hasBiases = u32(64) & 1 != 0
            h.globalMean = Float(bitPattern: u32(68))
            for section in Section.allCases {
                let s = section.rawValue
                let o = u64(72 + 16 * s), n = u64(80 + 16 * s)
                if section.isOptional, o == 0, n == 0 {
                    h.sections.append((0, 0))
                    continue
                }
                guard o >= UInt64(headerLength), o <= h.fileLength, n <= h.fileLength - o else {
                    throw corrupt("section \(s) lies outside the file")
                }
                h.sections.append((Int(o), Int(n)))
            }
            return h
        }
    }

    /// Offsets of sections of the given lengths, laid out after the header at `alignment`; an
    /// absent (nil) section gets offset and length 0.
    static func layout(_ lengths: [Int?]) -> (sections: [(offset: Int, length: Int)], fileLength: Int) {
        var offset = headerLength
        var sections: [(offset: Int, length: Int)] = []
        for length in lengths {
            guard let n = length else {
                sections.append((0, 0))
                continue
            }
            offset = (offset + alignment - 1) / alignment * alignment
            sections.append((offset, n))
            offset += n
        }
        return (sections, offset)
    }
}

/// The encoding of an `IDMap` in a model file:
///
///     UInt64 kind (0 = integers, 1 = strings), UInt64 count, then
///     integers: count × Int64;
///     strings:  (count + 1) × UInt64 offsets into the UTF-8 text that follows (first 0, last the
///               text's length), then the text.
internal enum _IDMapCodec {
    static func encode(_ map: IDMap) -> [UInt8] {
        var out: [UInt8] = []
        func append<T>(_ v: T) { withUnsafeBytes(of: v) { out.append(contentsOf: $0) } }
        switch map.storage {
        case .integers(let ids):
            append(UInt64(0))
            append(UInt64(ids.count))
            out.reserveCapacity(16 + 8 * ids.count)
            ids.withUnsafeBytes { out.append(contentsOf: $0) }
        case .strings(let ids):
            append(UInt64(1))
            append(UInt64(ids.count))
            var offset: UInt64 = 0
            append(offset)
            for id in ids {
                offset += UInt64(id.utf8.count)
                append(offset)
            }
            for id in ids { out.append(contentsOf: id.utf8) }
        }
        return out
    }

    /// Decodes and checks one map (counts, offsets, UTF-8, no duplicates).
    static func decode(_ b: UnsafeRawBufferPointer, expectedCount: Int, what: String, path: String) throws -> IDMap {
        func corrupt(_ reason: String) -> ALSError { .corruptFile(path: path, reason: "\(what) ids: \(reason)") }
        guard b.count >= 16 else { throw corrupt("section too short") }
        let kind = b.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let count = b.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        guard count == UInt64(expectedCount) else { throw corrupt("\(count) ids for \(expectedCount) rows") }
        let n = Int(count)
        do {
            switch kind {
            case 0:
                guard b.count == 16 + 8 * n else { throw corrupt("section length does not match the count") }
                let ids = (0 ..< n).map { b.loadUnaligned(fromByteOffset: 16 + 8 * $0, as: Int64.self) }
                return try IDMap(integers: ids)
            case 1:
                let textStart = 16 + 8 * (n + 1)
                guard b.count >= textStart else { throw corrupt("section too short for its offsets") }
                let text = UnsafeRawBufferPointer(rebasing: b[textStart...])
                var ids: [String] = []
                ids.reserveCapacity(n)
                var previous = b.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
                guard previous == 0 else { throw corrupt("offsets do not start at 0") }
                for j in 0 ..< n {
                    let next = b.loadUnaligned(fromByteOffset: 16 + 8 * (j + 1), as: UInt64.self)
                    guard next >= previous, next <= UInt64(text.count) else { throw corrupt("offsets out of order or range") }
                    guard let s = String(validating: text[Int(previous) ..< Int(next)], as: UTF8.self) else {
                        throw corrupt("id \(j) is not valid UTF-8")
                    }
                    ids.append(s)
                    previous = next
                }
                guard previous == UInt64(text.count) else { throw corrupt("text length does not match the offsets") }
                return try IDMap(strings: ids)
            default:
                throw corrupt("unknown kind \(kind)")
            }
        } catch ALSError.invariantViolation(let detail) {
            throw corrupt(detail)
        }
    }
}
