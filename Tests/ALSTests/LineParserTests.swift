import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// The lines `_Lines.forEach` gives for `bytes`, read in chunks of `chunk` bytes with the
/// unfinished line carried over, as the data loader reads a file.
private func chunkedLines(_ bytes: [UInt8], chunk: Int) -> [String] {
    var lines: [String] = []
    var carry: [UInt8] = []
    var position = 0
    while true {
        let next = Array(bytes[position ..< min(bytes.count, position + chunk)])
        position += next.count
        let last = position >= bytes.count
        let buffer = carry + next
        let rest: Int = buffer.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return 0 }
            let (rest, _) = _Lines.forEach(from: base, to: base + b.count, final: last) { s, e in
                lines.append(_Lines.text(s, e))
                return true
            }
            return rest - base
        }
        carry = Array(buffer[rest...])
        if last { return lines }
    }
}

@Suite("The one line parser: lines, fields and numbers for every text reader")
struct LineParserTests {
    @Test("lines end at \\n, lose a trailing \\r, and a last line needs no newline")
    func lines() {
        #expect(chunkedLines(Array("a\r\nb\n\nc".utf8), chunk: 100) == ["a", "b", "", "c"])
        #expect(chunkedLines(Array("a\n".utf8), chunk: 100) == ["a"])
        #expect(chunkedLines(Array("\r\n\r".utf8), chunk: 100) == ["", ""])
        #expect(chunkedLines([], chunk: 100) == [])
    }

    @Test("reading in chunks gives the lines of reading at once", arguments: 0 ..< 20)
    func chunksAgree(seed: UInt64) {
        var rng = _SplitMix64(seed: seed)
        let alphabet = Array("ab\r\n\t,".utf8)
        let bytes = (0 ..< Int(rng.next() % 200)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        let whole = chunkedLines(bytes, chunk: bytes.count + 1)
        for chunk in [1, 2, 3, 7, 64] { #expect(chunkedLines(bytes, chunk: chunk) == whole) }
        // Against the standard library: split at "\n", drop one trailing "\r", no final empty line.
        // (Bytes, not a String: a String holds "\r\n" as one character.)
        var expected = bytes.split(separator: 10, omittingEmptySubsequences: false)
            .map { String(decoding: $0.last == 13 ? $0.dropLast() : $0, as: UTF8.self) }
        if bytes.last == 10 || bytes.isEmpty { expected.removeLast() }
        #expect(whole == expected)
    }

    @Test("stopping early returns where the unread bytes start")
    func stops() {
        let bytes = Array("one\ntwo\nthree\n".utf8)
        bytes.withUnsafeBufferPointer { b in
            let base = b.baseAddress!
            var seen = 0
            let (rest, stopped) = _Lines.forEach(from: base, to: base + b.count, final: true) { _, _ in
                seen += 1
                return seen < 2
            }
            #expect(stopped && seen == 2 && rest - base == 8)
        }
    }

    @Test("fields split at either separator, up to a limit; numbers must fill their field")
    func fields() {
        let bytes = Array("a\tb,c,,d".utf8)
        bytes.withUnsafeBufferPointer { b in
            let base = b.baseAddress!
            var fields: [Range<_Lines.Pointer>] = []
            _Lines.split(base, base + b.count, at: (9, 44), into: &fields)
            #expect(fields.map { _Lines.text($0.lowerBound, $0.upperBound) } == ["a", "b", "c", "", "d"])
            _Lines.split(base, base + b.count, at: (9, 44), limit: 2, into: &fields)
            #expect(fields.map { _Lines.text($0.lowerBound, $0.upperBound) } == ["a", "b,c,,d"])
        }
        func number(_ s: String) -> (Int64?, Float?) {
            Array(s.utf8).withUnsafeBufferPointer { b in
                let r = b.baseAddress! ..< b.baseAddress! + b.count
                return (_Lines.integer(r), _Lines.float(r))
            }
        }
        #expect(number("-12") == (-12, -12))
        #expect(number("+7") == (7, 7))
        #expect(number("2.5e-3") == (nil, 0.0025))
        #expect(number("9223372036854775808").0 == nil)
        #expect(number("3 ") == (nil, nil))
        #expect(number(" 3") == (nil, nil))
        #expect(number("x") == (nil, nil))
    }
}

@Suite("InteractionList: a user's interactions file")
struct InteractionListTests {
    @Test("tabs, commas, bare ids, comments, blank lines, spaces, CRLF and a byte-order mark")
    func reads() throws {
        let file = TemporaryFile([0xEF, 0xBB, 0xBF] + Array("# liked\r\nbanana\t2.5\r\n\r\ndate,1\r\n  elder  \r\n  fig , -0.5\n31".utf8))
        defer { file.cleanup() }
        let pairs = try InteractionList.read(path: file.path)
        #expect(pairs.map(\.item) == ["banana", "date", "elder", "fig", "31"])
        #expect(pairs.map(\.value) == [2.5, 1, 1, -0.5, 1])
    }

    @Test("bad lines are malformedLine errors naming line and column; no interactions is emptyInput",
          arguments: [("a\nb\tlots\n", 2, 3, "the value \"lots\" is not a finite number"),
                      ("a\n,3\n", 2, 1, "the item id is empty"),
                      ("a,inf\n", 1, 3, "the value \"inf\" is not a finite number"),
                      ("a,\n", 1, 3, "the value \"\" is not a finite number")])
    func badLines(text: String, line: Int, column: Int, reason: String) throws {
        let file = TemporaryFile(text)
        defer { file.cleanup() }
        do {
            _ = try InteractionList.read(path: file.path)
            Issue.record("read \(text)")
        } catch let ALSError.malformedLine(path, l, c, _, why, skippable) {
            #expect(path == file.path && l == line && c == column && !skippable)
            #expect(why == reason + "; write one interaction per line: item, item<TAB>value or item,value")
        }
        let empty = TemporaryFile("# nothing\n\n  \n")
        defer { empty.cleanup() }
        #expect(throws: ALSError.emptyInput(file: empty.path)) { try InteractionList.read(path: empty.path) }
    }
}
