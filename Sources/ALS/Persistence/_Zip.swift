/// The subset of ZIP that `.npz` files use: members stored uncompressed (method 0), as
/// `np.savez` writes them, each with a CRC-32. Reading also follows the ZIP64 records numpy adds
/// (`force_zip64=True`); writing produces a plain ZIP and refuses archives past 4 GiB.
/// Compressed members (`np.savez_compressed`) are refused with a message saying so.
internal enum _Zip {
    struct Member {
        var name: String
        var data: [UInt8]
    }

    // MARK: Writing

    /// A complete archive of `members`, stored uncompressed, dated 1980-01-01.
    static func archive(_ members: [Member], path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func le<T: FixedWidthInteger>(_ v: T, _ into: inout [UInt8]) {
            withUnsafeBytes(of: v.littleEndian) { into.append(contentsOf: $0) }
        }
        let limit = Int(UInt32.max)
        for m in members {
            let name = Array(m.name.utf8)
            let offset = out.count
            guard m.data.count < limit, offset < limit else {
                throw ALSError.io(path: path, reason: "the .npz would pass 4 GiB; save large models with save(to:) instead")
            }
            let crc = m.data.withUnsafeBytes { _CRC32.checksum($0) }
            // Local file header.
            le(UInt32(0x0403_4B50), &out); le(UInt16(20), &out); le(UInt16(0), &out); le(UInt16(0), &out)
            le(UInt16(0), &out); le(UInt16(0x21), &out); le(crc, &out)
            le(UInt32(m.data.count), &out); le(UInt32(m.data.count), &out)
            le(UInt16(name.count), &out); le(UInt16(0), &out)
            out += name
            out += m.data
            // Its central directory entry.
            le(UInt32(0x0201_4B50), &central); le(UInt16(20), &central); le(UInt16(20), &central)
            le(UInt16(0), &central); le(UInt16(0), &central); le(UInt16(0), &central); le(UInt16(0x21), &central)
            le(crc, &central); le(UInt32(m.data.count), &central); le(UInt32(m.data.count), &central)
            le(UInt16(name.count), &central); le(UInt16(0), &central); le(UInt16(0), &central)
            le(UInt16(0), &central); le(UInt16(0), &central); le(UInt32(0), &central); le(UInt32(offset), &central)
            central += name
        }
        let centralOffset = out.count
        guard centralOffset + central.count < limit else {
            throw ALSError.io(path: path, reason: "the .npz would pass 4 GiB; save large models with save(to:) instead")
        }
        out += central
        le(UInt32(0x0605_4B50), &out); le(UInt16(0), &out); le(UInt16(0), &out)
        le(UInt16(members.count), &out); le(UInt16(members.count), &out)
        le(UInt32(central.count), &out); le(UInt32(centralOffset), &out); le(UInt16(0), &out)
        return out
    }

    // MARK: Reading

    /// The members of an archive, each checked against its CRC-32.
    static func members(of b: UnsafeRawBufferPointer, path: String) throws -> [Member] {
        func corrupt(_ reason: String) -> ALSError { .corruptFile(path: path, reason: "not a readable .npz (\(reason))") }
        func u16(_ o: Int) throws -> Int {
            guard o >= 0, o + 2 <= b.count else { throw corrupt("truncated") }
            return Int(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt16.self)))
        }
        func u32(_ o: Int) throws -> Int {
            guard o >= 0, o + 4 <= b.count else { throw corrupt("truncated") }
            return Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
        }
        func u64(_ o: Int) throws -> Int {
            guard o >= 0, o + 8 <= b.count else { throw corrupt("truncated") }
            let v = UInt64(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt64.self))
            guard v <= UInt64(b.count) else { throw corrupt("a size or offset lies past the end") }
            return Int(v)
        }
        // The end-of-central-directory record: the last signature within 64 KiB of the end.
        var eocd = -1
        var q = b.count - 22
        while q >= max(0, b.count - 22 - 65_535) {
            if try u32(q) == 0x0605_4B50 {
                eocd = q
                break
            }
            q -= 1
        }
        guard eocd >= 0 else { throw corrupt("no end-of-central-directory record") }
        var entries = try u16(eocd + 10), centralOffset = try u32(eocd + 16)
        if entries == 0xFFFF || centralOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the record points at the ZIP64 end record.
            guard eocd >= 20, try u32(eocd - 20) == 0x0706_4B50 else { throw corrupt("missing ZIP64 locator") }
            let record = try u64(eocd - 12)
            guard try u32(record) == 0x0606_4B50 else { throw corrupt("bad ZIP64 end record") }
            entries = try u64(record + 32)
            centralOffset = try u64(record + 48)
        }
        var members: [Member] = []
        var p = centralOffset
        for _ in 0 ..< entries {
            guard try u32(p) == 0x0201_4B50 else { throw corrupt("bad central directory entry") }
            let method = try u16(p + 10), crc = try u32(p + 16)
            var size = try u32(p + 24)
            let nameLength = try u16(p + 28), extraLength = try u16(p + 30), commentLength = try u16(p + 32)
            var local = try u32(p + 42)
            guard p + 46 + nameLength <= b.count else { throw corrupt("truncated") }
            let name = String(decoding: b[(p + 46) ..< (p + 46 + nameLength)], as: UTF8.self)
            // ZIP64 extra field (id 1): the 64-bit values of the fields saturated at 0xFFFFFFFF,
            // in the order uncompressed size, compressed size, local header offset.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = try u16(e), length = try u16(e + 2)
                if id == 1 {
                    var q = e + 4
                    if size == 0xFFFF_FFFF { size = try u64(q); q += 8 }
                    if try u32(p + 20) == 0xFFFF_FFFF { q += 8 }
                    if local == 0xFFFF_FFFF { local = try u64(q) }
                }
                e += 4 + length
            }
            guard method == 0 else {
                throw ALSError.corruptFile(path: path, reason: "\(name) is compressed (np.savez_compressed); save it with np.savez")
            }
            guard try u32(local) == 0x0403_4B50 else { throw corrupt("bad local header of \(name)") }
            let start = local + 30 + (try u16(local + 26)) + (try u16(local + 28))
            guard start + size <= b.count else { throw corrupt("\(name) is truncated") }
            let data = UnsafeRawBufferPointer(rebasing: b[start ..< start + size])
            guard _CRC32.checksum(data) == UInt32(crc) else {
                throw ALSError.corruptFile(path: path, reason: "\(name): CRC-32 mismatch, the file is corrupt")
            }
            members.append(Member(name: name, data: Array(data)))
            p = extraEnd + commentLength
        }
        return members
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the ZIP member checksum.
internal enum _CRC32 {
    private static let table: [UInt32] = (0 ..< 256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0 ..< 8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            for byte in bytes { c = t[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        }
        return c ^ 0xFFFF_FFFF
    }
}
