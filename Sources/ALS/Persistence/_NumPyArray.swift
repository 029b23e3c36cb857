/// One NumPy array in `.npy` form (format 1.0): a magic string, a Python-dict header giving the
/// element type (`descr`), the memory order and the shape, then the raw elements.
/// See numpy's `numpy/lib/format.py`, whose reader `np.load` is the one we must satisfy.
internal struct _NumPyArray {
    /// The element type as NumPy spells it: "<f4", "<f8", "<i8", "|b1", "<U7", …
    var descr: String
    var shape: [Int]
    var fortranOrder = false
    var data: [UInt8]

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    var elementCount: Int { shape.reduce(1, *) }

    // MARK: Making arrays

    static func float32(_ values: UnsafeBufferPointer<Float>, shape: [Int]) -> _NumPyArray {
        _NumPyArray(descr: "<f4", shape: shape, data: littleEndianBytes(values))
    }

    /// The raw bytes of `values`, little-endian (a plain copy on little-endian hosts).
    static func littleEndianBytes<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>) -> [UInt8] {
        #if _endian(big)
        return values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        #else
        return Array(UnsafeRawBufferPointer(values))
        #endif
    }

    static func littleEndianBytes(_ values: UnsafeBufferPointer<Float>) -> [UInt8] {
        values.withMemoryRebound(to: UInt32.self) { littleEndianBytes($0) }
    }

    static func scalar(_ v: Double) -> _NumPyArray {
        _NumPyArray(descr: "<f8", shape: [], data: withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init))
    }

    static func scalar(_ v: Int64) -> _NumPyArray {
        _NumPyArray(descr: "<i8", shape: [], data: withUnsafeBytes(of: v.littleEndian, Array.init))
    }

    static func scalar(_ v: Bool) -> _NumPyArray {
        _NumPyArray(descr: "|b1", shape: [], data: [v ? 1 : 0])
    }

    static func scalar(_ s: String) -> _NumPyArray { strings([s], shape: []) }

    static func int64s(_ values: [Int64]) -> _NumPyArray {
        _NumPyArray(descr: "<i8", shape: [values.count], data: values.withUnsafeBufferPointer(littleEndianBytes))
    }

    /// NumPy's fixed-width unicode ("<U n"): n UTF-32LE code points per element, zero padded.
    static func strings(_ values: [String], shape: [Int]) -> _NumPyArray {
        let width = max(1, values.map { $0.unicodeScalars.count }.max() ?? 1)
        var data: [UInt8] = []
        data.reserveCapacity(values.count * width * 4)
        for s in values {
            var n = 0
            for c in s.unicodeScalars {
                withUnsafeBytes(of: c.value.littleEndian) { data.append(contentsOf: $0) }
                n += 1
            }
            data.append(contentsOf: [UInt8](repeating: 0, count: (width - n) * 4))
        }
        return _NumPyArray(descr: "<U\(width)", shape: shape, data: data)
    }

    // MARK: Encoding

    /// The `.npy` bytes. The header is padded with spaces and ended by a newline so that the data
    /// starts at a multiple of 64 bytes, as numpy itself writes it.
    func encoded() -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ")
        let shapeText = shape.count == 1 ? "(\(dims),)" : "(\(dims))"
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        let unpadded = Self.magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Self.magic + [1, 0]
        withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { out.append(contentsOf: $0) }
        out += Array(header.utf8)
        out += data
        return out
    }

    // MARK: Decoding

    /// Parses `.npy` bytes (format versions 1.0 to 3.0). `name` is for messages.
    static func decode(_ b: UnsafeRawBufferPointer, name: String, path: String) throws -> _NumPyArray {
        func corrupt(_ reason: String) -> ALSError { .corruptFile(path: path, reason: "\(name): \(reason)") }
        guard b.count >= 10, b.prefix(6).elementsEqual(magic) else { throw corrupt("not a .npy array (bad magic)") }
        let major = b[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
            headerStart = 10
        case 2, 3:
            guard b.count >= 12 else { throw corrupt("truncated header") }
            headerLength = Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
            headerStart = 12
        default:
            throw corrupt(".npy format version \(major) is not supported (1 to 3 are)")
        }
        guard b.count >= headerStart + headerLength else { throw corrupt("truncated header") }
        let header = String(decoding: b[headerStart ..< headerStart + headerLength], as: UTF8.self)
        guard let descr = field("descr", in: header).flatMap(quoted),
              let order = field("fortran_order", in: header),
              let shapeText = field("shape", in: header) else {
            throw corrupt("unreadable header \(header)")
        }
        let dims = shapeText._trimming("()").split(separator: ",").map { $0._trimming(" ") }
            .filter { !$0.isEmpty }
        let shape = try dims.map { d -> Int in
            guard let v = Int(d), v >= 0 else { throw corrupt("bad shape \(shapeText)") }
            return v
        }
        var array = _NumPyArray(descr: descr, shape: shape, fortranOrder: order == "True", data: [])
        guard let size = array.itemSize else { throw corrupt("element type \(descr) is not supported") }
        let (count, overflow) = shape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        let dataStart = headerStart + headerLength
        guard !overflow, b.count - dataStart == count * size else {
            throw corrupt("\(b.count - dataStart) data bytes for shape \(shapeText) of \(descr)")
        }
        array.data = Array(b[dataStart...])
        return array
    }

    /// Bytes per element, or nil for a type we do not read.
    var itemSize: Int? {
        switch descr {
        case "<f4", "<i4": return 4
        case "<f8", "<i8": return 8
        case "|b1": return 1
        default:
            if descr.hasPrefix("<U"), let n = Int(descr.dropFirst(2)), n > 0 { return 4 * n }
            return nil
        }
    }

    /// The text after `'key':` up to the next top-level comma or closing brace.
    private static func field(_ key: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(key)':") else { return nil }
        var depth = 0
        var out = ""
        for c in header[r.upperBound...] {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if depth == 0, c == "," || c == "}" { break }
            out.append(c)
        }
        return out._trimming(" ")
    }

    private static func quoted(_ s: String) -> String? {
        guard s.count >= 2, s.first == "'" || s.first == "\"", s.last == s.first else { return nil }
        return String(s.dropFirst().dropLast())
    }

    // MARK: Reading values

    /// The elements as Float, converting from "<f4" or "<f8", in C (row-major) order.
    func floats(path: String, name: String) throws -> [Float] {
        var values: [Float]
        switch descr {
        case "<f4": values = data.withUnsafeBytes { b in (0 ..< elementCount).map { Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        case "<f8": values = data.withUnsafeBytes { b in (0 ..< elementCount).map { Float(Double(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))) } }
        default: throw ALSError.corruptFile(path: path, reason: "\(name): expected float32 or float64, found \(descr)")
        }
        if fortranOrder, shape.count == 2 {
            // Column-major on disk: transpose into row-major.
            let (r, c) = (shape[0], shape[1])
            var t = [Float](repeating: 0, count: values.count)
            for i in 0 ..< r { for j in 0 ..< c { t[i * c + j] = values[j * r + i] } }
            values = t
        }
        return values
    }

    /// The only element of a scalar (shape () or (1,)) as Double, for numeric and bool types.
    func scalarNumber(path: String, name: String) throws -> Double {
        guard elementCount == 1 else { throw ALSError.corruptFile(path: path, reason: "\(name): expected a scalar, found shape \(shape)") }
        let value = data.withUnsafeBytes { b -> Double? in
            switch descr {
            case "<f8": return Double(bitPattern: UInt64(littleEndian: b.loadUnaligned(as: UInt64.self)))
            case "<f4": return Double(Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(as: UInt32.self))))
            case "<i8": return Double(Int64(littleEndian: b.loadUnaligned(as: Int64.self)))
            case "<i4": return Double(Int32(littleEndian: b.loadUnaligned(as: Int32.self)))
            case "|b1": return b[0] != 0 ? 1 : 0
            default: return nil
            }
        }
        guard let value else { throw ALSError.corruptFile(path: path, reason: "\(name): expected a number, found \(descr)") }
        return value
    }

    /// The elements as Int64 ("<i8" or "<i4").
    func int64s(path: String, name: String) throws -> [Int64] {
        switch descr {
        case "<i8": return data.withUnsafeBytes { b in (0 ..< elementCount).map { Int64(littleEndian: b.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) } }
        case "<i4": return data.withUnsafeBytes { b in (0 ..< elementCount).map { Int64(Int32(littleEndian: b.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) } }
        default: throw ALSError.corruptFile(path: path, reason: "\(name): expected integers, found \(descr)")
        }
    }

    /// The elements of a "<U n" array as strings (trailing zero code points removed).
    func strings(path: String, name: String) throws -> [String] {
        guard descr.hasPrefix("<U"), let width = Int(descr.dropFirst(2)) else {
            throw ALSError.corruptFile(path: path, reason: "\(name): expected strings, found \(descr)")
        }
        return try data.withUnsafeBytes { b in
            try (0 ..< elementCount).map { e in
                var s = String.UnicodeScalarView()
                for j in 0 ..< width {
                    let v = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 4 * (e * width + j), as: UInt32.self))
                    if v == 0 { break }
                    guard let c = Unicode.Scalar(v) else {
                        throw ALSError.corruptFile(path: path, reason: "\(name): invalid code point \(v)")
                    }
                    s.append(c)
                }
                return String(s)
            }
        }
    }
}

private extension String {
    func _trimming(_ set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}

private extension Substring {
    func _trimming(_ set: String) -> String { String(self)._trimming(set) }
}
