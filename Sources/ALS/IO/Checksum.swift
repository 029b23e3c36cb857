/// A 64-bit checksum over byte ranges, built from XXH64's round function (four independent
/// lanes of multiply-rotate-multiply over 8-byte words, then a fold of the tail bytes). It is
/// not XXH64 bit for bit; it only has to be fast (several GB/s) and change when any byte does.
///
/// Each `add` hashes its range on its own and folds the result into the state, so a file made
/// of sections is checked section by section, whatever its padding.
struct _Checksum {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private(set) var value: UInt64 = 0x5A4C_5341_4348_4543

    @inline(__always)
    private static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        let a = acc &+ lane &* p2
        return ((a << 31) | (a >> 33)) &* p1
    }

    /// The hash of one byte range.
    static func hash(_ bytes: UnsafeRawPointer, count: Int) -> UInt64 {
        var v1 = p1 &+ p2, v2 = p2, v3: UInt64 = 0, v4 = 0 &- p1
        var p = 0
        while p + 32 <= count {
            v1 = round(v1, bytes.loadUnaligned(fromByteOffset: p, as: UInt64.self))
            v2 = round(v2, bytes.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self))
            v3 = round(v3, bytes.loadUnaligned(fromByteOffset: p + 16, as: UInt64.self))
            v4 = round(v4, bytes.loadUnaligned(fromByteOffset: p + 24, as: UInt64.self))
            p += 32
        }
        var h = ((v1 << 1) | (v1 >> 63)) &+ ((v2 << 7) | (v2 >> 57)) &+ ((v3 << 12) | (v3 >> 52)) &+ ((v4 << 18) | (v4 >> 46))
        h = h &+ UInt64(count) &* p5
        while p + 8 <= count {
            h = round(h, bytes.loadUnaligned(fromByteOffset: p, as: UInt64.self))
            p += 8
        }
        while p < count {
            h = ((h ^ UInt64(bytes.load(fromByteOffset: p, as: UInt8.self)) &* p5) << 11) &* p1
            p += 1
        }
        h ^= h >> 33
        h = h &* p2
        h ^= h >> 29
        h = h &* p3
        return h ^ (h >> 32)
    }

    /// Folds the hash of `count` bytes at `bytes` into the checksum.
    mutating func add(_ bytes: UnsafeRawPointer?, count: Int) {
        let h = count == 0 ? 0 : Self.hash(bytes!, count: count)
        value = Self.round(value ^ h, UInt64(count))
    }
}
