/// A user's interactions as a small text file, one per line, for folding a user into a model:
///
///     # liked
///     banana<TAB>2.5
///     date,1
///     elder
///
/// Each line is an item id, optionally followed by a tab or a comma and a value (default 1).
/// Spaces around the fields are ignored, and so are blank lines and lines starting with `#`.
/// Read with the library's one line parser, like every other text file of the library.
public enum InteractionList {
    /// The interactions of `path`, in file order, as (external item id, value).
    ///
    /// - Throws: `ALSError.malformedLine` for an empty item id or a value that is not a finite
    ///   number (naming the line and column), `ALSError.emptyInput` when no line holds an
    ///   interaction, and the I/O layer's errors for a path that is not a readable regular file.
    public static func read(path: String) throws -> [(item: String, value: Float)] {
        let bytes = try ALSFile.read(path)
        var pairs: [(item: String, value: Float)] = []
        var number = 0
        var fields = [Range<_Lines.Pointer>]()
        try bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            let start = _Lines.skippingByteOrderMark(base, base + b.count)
            _ = try _Lines.forEach(from: start, to: base + b.count, final: true) { lineStart, lineEnd in
                number += 1
                let (start, end) = _Lines.trimmed(lineStart, lineEnd)
                if start == end || start.pointee == UInt8(ascii: "#") { return true }
                func bad(_ field: Range<_Lines.Pointer>, _ reason: String) -> ALSError {
                    .malformedLine(file: path, line: number, column: field.lowerBound - lineStart + 1,
                                   text: _Lines.text(start, min(end, start + 200)),
                                   reason: reason + "; write one interaction per line: item, item<TAB>value or item,value")
                }
                _Lines.split(start, end, at: (UInt8(ascii: "\t"), UInt8(ascii: ",")), limit: 2, into: &fields)
                let item = _Lines.trimmed(fields[0].lowerBound, fields[0].upperBound)
                guard item.0 < item.1 else { throw bad(fields[0], "the item id is empty") }
                var value: Float = 1
                if fields.count == 2 {
                    let (p, q) = _Lines.trimmed(fields[1].lowerBound, fields[1].upperBound)
                    guard let v = _Lines.float(p ..< q), v.isFinite else {
                        throw bad(p ..< q, "the value \"\(_Lines.text(p, q))\" is not a finite number")
                    }
                    value = v
                }
                pairs.append((_Lines.text(item.0, item.1), value))
                return true
            }
        }
        guard !pairs.isEmpty else { throw ALSError.emptyInput(file: path) }
        return pairs
    }
}
