import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// The parts of a `.malformedLine` error, or nil for any other error.
func malformed(_ e: ALSError?) -> (line: Int, column: Int, text: String, reason: String)? {
    guard case .malformedLine(_, let line, let column, let text, let reason, _) = e else { return nil }
    return (line, column, text, reason)
}

/// Six good MovieLens 100K lines, then `bad` as line 7, then two more good lines.
func uDataWithLine7(_ bad: String) -> String {
    let good = ["1\t10\t4\t881250949", "1\t20\t3\t881250950", "2\t10\t5\t881250951",
                "2\t30\t1\t881250952", "3\t20\t2\t881250953", "3\t30\t4\t881250954"]
    return (good + [bad, "4\t10\t3\t881250955", "4\t40\t5\t881250956"]).joined(separator: "\n") + "\n"
}

@Suite("Loader: malformed input names the line, the column and the reason")
struct LoaderBadInputTests {
    @Test("a bad line 7 fails naming line 7, and with skipInvalid loads with one skipped line",
          arguments: [1, 2, 3, 4])
    func line7(threads: Int) throws {
        let text = uDataWithLine7("5\t10\tfour\t881250957")
        var options = LoadOptions(format: .movieLens100K)
        options.threads = threads
        let e = alsError { _ = try loadText(text, options) }
        let m = try #require(malformed(e))
        #expect(m.line == 7)
        #expect(m.column == 6)
        #expect(m.text == "four")
        #expect(m.reason == "value is not a number")
        #expect(e!.description.contains(":7:6: value is not a number (text: \"four\")"))

        options.skipInvalid = true
        let r = try loadText(text, options)
        #expect(r.skipped.total == 1)
        #expect(r.skipped.counts == [.notANumber: 1])
        #expect(r.skipped.examples.map(\.line) == [7])
        #expect(r.matrix.nonZeros == 8)
        // The skipped line's user (5) appears nowhere else, so it must not be in the map.
        #expect(r.matrix.userIDs.index(of: "5") == nil)
        #expect(r.matrix.users == 4)
    }

    @Test("a non-numeric id in an integer format")
    func nonNumericID() {
        let m = malformed(alsError { _ = try loadText(uDataWithLine7("5\tx10\t4\t881250957"), LoadOptions(format: .movieLens100K)) })
        #expect(m?.line == 7)
        #expect(m?.column == 3)
        #expect(m?.text == "x10")
        #expect(m?.reason == "item id is not an integer")
    }

    @Test("missing columns")
    func missingColumns() {
        let m = malformed(alsError { _ = try loadText(uDataWithLine7("5\t10\t4"), LoadOptions(format: .movieLens100K)) })
        #expect(m?.line == 7)
        #expect(m?.column == 0)
        #expect(m?.text == "5\t10\t4")
        #expect(m?.reason == "missing columns: expected 4 fields, found 3")
    }

    @Test("extra columns")
    func extraColumns() {
        let m = malformed(alsError { _ = try loadText(uDataWithLine7("5\t10\t4\t881250957\t9"), LoadOptions(format: .movieLens100K)) })
        #expect(m?.line == 7)
        #expect(m?.column == 0)
        #expect(m?.reason == "extra columns: expected 4 fields, found 5")
    }

    @Test("NaN and infinite values", arguments: ["nan", "NaN", "inf", "-Infinity", "1e40"])
    func nonFinite(value: String) {
        let m = malformed(alsError { _ = try loadText(uDataWithLine7("5\t10\t\(value)\t881250957")) })
        #expect(m?.line == 7)
        #expect(m?.text == value)
        #expect(m?.reason == "value is NaN or infinite")
    }

    @Test("negative values are rejected unless allowed")
    func negative() throws {
        let text = uDataWithLine7("5\t10\t-2.5\t881250957")
        let m = malformed(alsError { _ = try loadText(text) })
        #expect(m?.line == 7)
        #expect(m?.text == "-2.5")
        #expect(m?.reason.hasPrefix("negative value") == true)
        var options = LoadOptions()
        options.allowNegative = true
        let r = try loadText(text, options)
        #expect(value(r.matrix, user: "5", item: "10") == -2.5)
    }

    @Test("an empty field, and an id too large for 64 bits")
    func emptyAndOversized() {
        let empty = malformed(alsError { _ = try loadText(uDataWithLine7("5\t\t4\t881250957")) })
        #expect(empty?.line == 7)
        #expect(empty?.column == 3)
        #expect(empty?.reason == "empty item id")
        let huge = malformed(alsError {
            _ = try loadText(uDataWithLine7("99999999999999999999\t10\t4\t881250957"), LoadOptions(format: .movieLens100K))
        })
        #expect(huge?.line == 7)
        #expect(huge?.reason == "user id does not fit in 64 bits")
    }

    @Test("a timestamp that is not an integer")
    func badTimestamp() {
        let m = malformed(alsError { _ = try loadText(uDataWithLine7("5\t10\t4\t2015-03-31")) })
        #expect(m?.line == 7)
        #expect(m?.column == 8)
        #expect(m?.reason == "timestamp is not an integer")
    }

    @Test("text ids must be valid UTF-8")
    func invalidUTF8() {
        var bytes = Array("user,item,rating\nalice,x,1\n".utf8)
        bytes += [0x62, 0xFF, 0x62] + Array(",y,2\n".utf8)
        let file = TemporaryFile(bytes)
        defer { file.cleanup() }
        let m = malformed(alsError { _ = try DataLoader.load(path: file.path, options: LoadOptions(progress: .quiet)) })
        #expect(m?.line == 3)
        #expect(m?.column == 1)
        #expect(m?.reason == "user id is not valid UTF-8")
    }

    @Test("empty inputs: no bytes, only blank lines, only a header")
    func emptyInput() {
        for text in ["", "\n\n  \n", "userId,movieId,rating,timestamp\n"] {
            let e = alsError { _ = try loadText(text) }
            guard case .emptyInput = e else {
                Issue.record("expected emptyInput for \(text.debugDescription), got \(String(describing: e))")
                continue
            }
        }
    }

    @Test("unknown formats: one field per line, binary content")
    func unknownFormat() {
        for bytes in [Array("1\n2\n3\n".utf8), [0x00, 0x01, 0x02, 0xFF, 0x10, 0x0A]] {
            let file = TemporaryFile(bytes)
            defer { file.cleanup() }
            let e = alsError { _ = try DataLoader.load(path: file.path, options: LoadOptions(progress: .quiet)) }
            guard case .unknownFormat = e else {
                Issue.record("expected unknownFormat, got \(String(describing: e))")
                continue
            }
        }
    }

    @Test("a missing file is an I/O error naming it")
    func missingFile() {
        let e = alsError { _ = try DataLoader.load(path: "/nonexistent/ratings.csv") }
        guard case .io(let path, _) = e else {
            Issue.record("expected io, got \(String(describing: e))")
            return
        }
        #expect(path == "/nonexistent/ratings.csv")
    }

    @Test("skipInvalid counts every reason and keeps the first examples in file order")
    func skipReport() throws {
        let lines = ["1,10,4,100", "1,11,x,100", "2,10,3", "2,11,nan,100", "3,10,-1,100", "3,11,2,100,7",
                     "4,10,5,100", "5,,1,100", "6,10,1,1.5"]
        var options = LoadOptions(format: .movieLens100K, delimiter: .comma)
        options.skipInvalid = true
        let r = try loadText(lines.joined(separator: "\n"), options)
        #expect(r.matrix.nonZeros == 2)
        #expect(r.skipped.total == 7)
        #expect(r.skipped.counts == [.notANumber: 2, .missingColumns: 1, .nonFinite: 1, .negativeValue: 1,
                                     .extraColumns: 1, .emptyField: 1])
        #expect(r.skipped.examples.map(\.line) == [2, 3, 4, 5, 6])
        #expect(r.skipped.description.hasPrefix("skipped lines: 7\n"))
        #expect(r.skipped.description.contains("  line 2:6: value is not a number (text: \"x\")"))
    }

    @Test("line numbers count blank lines, CRLF line ends and a byte order mark")
    func lineNumbersWithBlankLinesAndCRLF() {
        let text = "\u{FEFF}1\t10\t4\t1\r\n\r\n2\t10\t5\t1\r\n\n3\t10\tbad\t1\r\n"
        let m = malformed(alsError { _ = try loadText(text) })
        #expect(m?.line == 5)
        #expect(m?.text == "bad")
    }

    @Test("random damage to a valid file never crashes: it loads or throws an ALSError", arguments: 0 ..< 4)
    func fuzz(seed: Int) {
        let base = Array(uDataWithLine7("5\t10\t4\t881250957").utf8)
        var rng = TestRNG(seed: UInt64(seed) &* 7919 &+ 1)
        for _ in 0 ..< 50 {
            var bytes = base
            for _ in 0 ..< Int.random(in: 1 ... 6, using: &rng) {
                let k = Int.random(in: 0 ..< bytes.count, using: &rng)
                switch Int.random(in: 0 ..< 3, using: &rng) {
                case 0: bytes[k] = UInt8.random(in: 0 ... 255, using: &rng)
                case 1: bytes.remove(at: k)
                default: bytes.insert(UInt8.random(in: 0 ... 255, using: &rng), at: k)
                }
            }
            let file = TemporaryFile(bytes)
            defer { file.cleanup() }
            do {
                let r = try DataLoader.load(path: file.path, options: LoadOptions(progress: .quiet, threads: 2))
                #expect(throws: Never.self) { try r.matrix.checkInvariants() }
            } catch is ALSError {
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
    }
}
