/// XXH64 (Yann Collet's xxHash, 64-bit, seed 0), the model file's checksum: about as fast as
/// memory can be read (four independent 64-bit lanes), so checking a 40 MB payload costs a few
/// milliseconds, where a byte-at-a-time CRC32 or FNV-1a would cost tens.
///
/// Streaming: `update` any number of times, then `digest()`. Input is read as little-endian
/// 64-bit words (the reference definition), whatever the host's byte order.
internal struct _XXH64 {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var v1: UInt64, v2: UInt64, v3: UInt64, v4: UInt64
    private let seed: UInt64
    private var total = 0
    /// Bytes not yet consumed as a full 32-byte stripe (at most 31).
    private var pending: [UInt8] = []

    init(seed: UInt64 = 0) {
        self.seed = seed
        v1 = seed &+ Self.p1 &+ Self.p2
        v2 = seed &+ Self.p2
        v3 = seed
        v4 = seed &- Self.p1
        pending.reserveCapacity(32)
    }

    /// The hash of `bytes` in one call.
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var h = _XXH64(seed: seed)
        h.update(bytes)
        return h.digest()
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    @inline(__always) private static func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 {
        (acc ^ round(0, v)) &* p1 &+ p4
    }

    @inline(__always) private static func word(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var n = bytes.count
        total += n
        if !pending.isEmpty {
            let take = min(32 - pending.count, n)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: p, count: take))
            p += take
            n -= take
            if pending.count < 32 { return }
            pending.withUnsafeBytes { stripes($0._start, 1) }
            pending.removeAll(keepingCapacity: true)
        }
        let full = n / 32
        stripes(p, full)
        p += full * 32
        n -= full * 32
        if n > 0 { pending.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
    }

    private mutating func stripes(_ p: UnsafeRawPointer, _ count: Int) {
        var a = v1, b = v2, c = v3, d = v4
        for s in 0 ..< count {
            let o = s * 32
            a = Self.round(a, Self.word(p, o))
            b = Self.round(b, Self.word(p, o + 8))
            c = Self.round(c, Self.word(p, o + 16))
            d = Self.round(d, Self.word(p, o + 24))
        }
        v1 = a; v2 = b; v3 = c; v4 = d
    }

    func digest() -> UInt64 {
        var h: UInt64
        if total >= 32 {
            h = Self.rotl(v1, 1) &+ Self.rotl(v2, 7) &+ Self.rotl(v3, 12) &+ Self.rotl(v4, 18)
            h = Self.merge(h, v1)
            h = Self.merge(h, v2)
            h = Self.merge(h, v3)
            h = Self.merge(h, v4)
        } else {
            h = seed &+ Self.p5
        }
        h &+= UInt64(total)
        pending.withUnsafeBytes { t in
            var i = 0
            while i + 8 <= t.count {
                h = Self.rotl(h ^ Self.round(0, Self.word(t._start, i)), 27) &* Self.p1 &+ Self.p4
                i += 8
            }
            if i + 4 <= t.count {
                let w = UInt64(UInt32(littleEndian: t.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
                h = Self.rotl(h ^ (w &* Self.p1), 23) &* Self.p2 &+ Self.p3
                i += 4
            }
            while i < t.count {
                h = Self.rotl(h ^ (UInt64(t[i]) &* Self.p5), 11) &* Self.p1
                i += 1
            }
        }
        h ^= h >> 33
        h &*= Self.p2
        h ^= h >> 29
        h &*= Self.p3
        h ^= h >> 32
        return h
    }
}
