@_spi(Engine) import ALS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SyntheticData {
    /// Writes the data as CSV with the header `user,item,rating,timestamp` (or
    /// `user,item,rating` without timestamps): one line per interaction, ids from 1, users
    /// ascending, ratings with one decimal as in MovieLens (`3.5`, `4.0`), play counts as integers.
    /// Exactly `interactions + 1` lines. Returns the number of bytes written.
    @discardableResult
    public func writeCSV(to path: String) throws -> Int {
        let g = generate()
        let file = try _AtomicFile(path: path)
        let header = timestamps ? "user,item,rating,timestamp\n" : "user,item,rating\n"
        var written = 0
        try file.write(header)
        written += header.utf8.count

        // Format blocks of users on every core, then write them in order.
        let threads = max(1, System.coreCount)
        let blockUsers = 4_096
        var user = 0
        while user < users {
            let slices = _LoaderSlots<[UInt8]>(threads)
            let first = user
            _loaderParallel(threads) { t in
                let lo = min(users, first + t * blockUsers), hi = min(users, lo + blockUsers)
                var out: [UInt8] = []
                out.reserveCapacity(Int(g.offsets[hi] - g.offsets[lo]) * 32)
                for u in lo ..< hi {
                    for p in Int(g.offsets[u]) ..< Int(g.offsets[u + 1]) {
                        Self.appendDecimal(&out, u + 1)
                        out.append(UInt8(ascii: ","))
                        Self.appendDecimal(&out, Int(g.items[p]) + 1)
                        out.append(UInt8(ascii: ","))
                        appendValue(&out, g.values[p])
                        if let t = g.timestamps {
                            out.append(UInt8(ascii: ","))
                            Self.appendDecimal(&out, Int(t[p]))
                        }
                        out.append(10)
                    }
                }
                slices[t] = out
            }
            for s in slices.values where !s.isEmpty {
                try s.withUnsafeBytes { try file.write($0) }
                written += s.count
            }
            user = min(users, first + threads * blockUsers)
        }
        try file.commit()
        return written
    }

    /// Appends a non-negative integer in decimal.
    @inline(__always)
    static func appendDecimal(_ out: inout [UInt8], _ v: Int) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(48 + x % 10)
                x /= 10
                n += 1
            } while x > 0
            while n > 0 {
                n -= 1
                out.append(d[n])
            }
        }
    }

    /// Appends a rating with one decimal (`4.5`, `3.0`) or a play count as an integer.
    @inline(__always)
    private func appendValue(_ out: inout [UInt8], _ v: Float) {
        switch values {
        case .ratings:
            let tenths = Int((v * 10).rounded())
            Self.appendDecimal(&out, tenths / 10)
            out.append(UInt8(ascii: "."))
            out.append(UInt8(48 + tenths % 10))
        case .playCounts:
            Self.appendDecimal(&out, Int(v))
        }
    }
}
