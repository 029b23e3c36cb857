// Number parsing straight from bytes, with no `String` per field. Each parser stops at the first
// byte it cannot use and returns where; the caller checks that this is the end of the field.

/// Skips an optional `+` or `-` at `q`; returns true for `-`.
@inline(__always)
func _skipSign(_ q: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
    guard q < end, q.pointee == UInt8(ascii: "-") || q.pointee == UInt8(ascii: "+") else { return false }
    defer { q += 1 }
    return q.pointee == UInt8(ascii: "-")
}

/// Parses an optionally signed decimal integer starting at `p`. Returns nil when there is no
/// digit or the value does not fit in `Int64`; otherwise the value and the first unused byte.
@inline(__always)
func _parseInt64(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int64, UnsafePointer<UInt8>)? {
    var q = p
    let negative = _skipSign(&q, end)
    let digitsStart = q
    var magnitude: UInt64 = 0
    while q < end {
        let d = q.pointee &- 48
        if d > 9 { break }
        // 1_844_674_407_370_955_161 = UInt64.max / 10: beyond it the next digit overflows.
        if magnitude > 1_844_674_407_370_955_160 { return nil }
        magnitude = magnitude &* 10 &+ UInt64(d)
        q += 1
    }
    guard q > digitsStart else { return nil }
    if negative {
        guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
        return (Int64(truncatingIfNeeded: 0 &- magnitude), q)
    }
    guard magnitude <= UInt64(Int64.max) else { return nil }
    return (Int64(magnitude), q)
}

/// 10^k as an exact `Float` for k in 0 ... 10 (10^10 = 2^10 · 5^10 and 5^10 < 2^24). A switch
/// rather than a global array, which would cost a lazy-initialisation check per call.
@inline(__always)
func _floatPowerOfTen(_ k: Int) -> Float {
    switch k {
    case 0: return 1
    case 1: return 1e1
    case 2: return 1e2
    case 3: return 1e3
    case 4: return 1e4
    case 5: return 1e5
    case 6: return 1e6
    case 7: return 1e7
    case 8: return 1e8
    case 9: return 1e9
    default: return 1e10
    }
}

/// Parses a short decimal (`4`, `4.5`, `-0.25`, `.5`) the fast way: when the digits form an
/// integer m < 2^24 with at most 10 digits after the point, m and 10^k are exact in `Float`, so
/// m / 10^k is correctly rounded (one IEEE division of exact operands). Returns nil when the
/// fast path does not apply (no digit, too many digits, an exponent, `nan`, …); the caller then
/// uses `_parseFloatSlow` on the whole field. Otherwise returns the value and the first unused
/// byte.
@inline(__always)
func _parseFloatFast(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Float, UnsafePointer<UInt8>)? {
    var q = p
    let negative = _skipSign(&q, end)
    var m: UInt32 = 0
    var digits = 0
    var scale = 0
    while q < end {
        let d = q.pointee &- 48
        if d > 9 { break }
        m = m &* 10 &+ UInt32(d)
        digits += 1
        q += 1
    }
    if q < end, q.pointee == UInt8(ascii: ".") {
        q += 1
        while q < end {
            let d = q.pointee &- 48
            if d > 9 { break }
            m = m &* 10 &+ UInt32(d)
            digits += 1
            scale += 1
            q += 1
        }
    }
    // 7 digits always fit below 2^24 = 16_777_216 and never overflowed UInt32 above.
    guard digits > 0, digits <= 7, scale <= 10 else { return nil }
    if q < end, q.pointee | 0x20 == UInt8(ascii: "e") { return nil }
    var v = Float(m)
    if scale > 0 { v /= _floatPowerOfTen(scale) }
    return (negative ? -v : v, q)
}

/// Parses a whole field as a `Float` with the C library (`strtof`, correctly rounded), for what
/// the fast path declines: long mantissas, exponents, `nan` and `inf`. Nil unless every byte of
/// the field is part of the number.
func _parseFloatSlow(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Float? {
    let n = end - p
    guard n > 0, n < 256 else { return nil }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf -> Float? in
        let base = buf._start
        UnsafeMutableRawPointer(base).copyMemory(from: p, byteCount: n)
        base[n] = 0
        // strtof skips leading whitespace, which a field must not have.
        if p.pointee == 32 || p.pointee == 9 { return nil }
        var stop: UnsafeMutablePointer<CChar>?
        let v = _Platform.parseFloat(base, stop: &stop)
        guard let stop, stop - base == n else { return nil }
        return v
    }
}
