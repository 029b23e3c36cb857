import Glibc
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Loader: formats are recognised from content, and columns and ids are read as documented")
struct LoaderFormatTests {
    @Test("each text format is detected from its content",
          arguments: [("196\t242\t3\t881250949\n186\t302\t3\t891717742\n", DataFormat.movieLens100K),
                      ("1::1193::5::978300760\n1::661::3::978302109\n", .movieLensDat),
                      ("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n", .csv),
                      ("1,1,4.0\n1,3,4.5\n", .csv),
                      ("1\t61\t1\n1\t33\t1\n", .delimited),
                      ("1;61;1\n1;33;1\n", .delimited),
                      ("0 0 1 2 3\n1 4 5\n2 6\n", .adjacency),
                      ("1 61 1\n1 33 1\n", .delimited)])
    func detection(text: String, format: DataFormat) throws {
        let r = try loadText(text)
        #expect(r.format == format)
        try r.matrix.checkInvariants()
    }

    @Test("MovieLens 1M/10M ratings.dat: '::' separators, ratings and timestamps")
    func movieLensDat() throws {
        let r = try loadText("1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n")
        #expect(r.matrix.users == 2)
        #expect(r.matrix.items == 2)
        #expect(value(r.matrix, user: "2", item: "1193") == 4)
        #expect(r.matrix.byUser.timestamps == [978_302_109, 978_300_760, 978_298_413])
    }

    @Test("integer ids are numbered in ascending numeric order, not file order")
    func integerIDOrder() throws {
        let r = try loadText("30,7,1\n4,100,1\n1000,7,1\n4,8,1\n")
        #expect(r.matrix.userIDs.storage == .integers([4, 30, 1000]))
        #expect(r.matrix.itemIDs.storage == .integers([7, 8, 100]))
    }

    @Test("text ids are numbered in order of first appearance")
    func textIDOrder() throws {
        let r = try loadText("user,item,rating\ncarol,zeta,1\nalice,alpha,2\ncarol,alpha,3\nbob,zeta,4\n")
        #expect(r.matrix.userIDs.storage == .strings(["carol", "alice", "bob"]))
        #expect(r.matrix.itemIDs.storage == .strings(["zeta", "alpha"]))
        #expect(value(r.matrix, user: "carol", item: "alpha") == 3)
    }

    @Test("autoIDKindFlip: a text id far past the sampled lines stops an auto column that began with integers, naming the line, on any thread count; read as text, it keeps first-appearance order",
          arguments: [1, 3])
    func lateTextID(threads: Int) throws {
        var lines = (0 ..< 5_000).map { "\($0 % 97 + 10),\($0 % 13),1" }
        lines[4_000] = "x-late,5,1"
        var options = LoadOptions()
        options.threads = threads
        let file = TemporaryFile(lines.joined(separator: "\n"))
        defer { file.cleanup() }
        // Before: every user id silently became text.
        #expect(throws: ALSError.mixedIDKinds(file: file.path, line: 4_001, column: 1, text: "x-late", side: "user")) {
            try DataLoader.load(path: file.path, options: options)
        }
        options.userIDs = .text
        let r = try DataLoader.load(path: file.path, options: options)
        guard case .strings(let ids) = r.matrix.userIDs.storage else {
            Issue.record("expected text user ids")
            return
        }
        #expect(ids.prefix(3) == ["10", "11", "12"])
        #expect(ids.last == "x-late")
        #expect(r.matrix.itemIDs.isInteger)
        // Lines repeat every 97 · 13 = 1,261 (user, item) pairs; the late line adds one more.
        #expect(r.matrix.nonZeros == 1_262)
        try r.matrix.checkInvariants()
    }

    @Test("autoIDKindFlip: a u.data file whose line 7 has a text item id names that line; --item-ids text reads it")
    func uDataTextItem() throws {
        var lines = (1 ... 20).map { "\($0)\t\(100 + $0)\t\($0 % 5 + 1)\t8812504\($0 % 10)" }
        lines[6] = "7\tnot-an-item\t3\t881250949"
        let file = TemporaryFile(lines.joined(separator: "\n") + "\n", name: "u.data")
        defer { file.cleanup() }
        #expect(throws: ALSError.mixedIDKinds(file: file.path, line: 7, column: 3, text: "not-an-item", side: "item")) {
            try DataLoader.load(path: file.path)
        }
        var options = LoadOptions()
        options.itemIDs = .text
        let r = try DataLoader.load(path: file.path, options: options)
        #expect(r.matrix.itemIDs.index(of: "not-an-item") == 6 && r.matrix.nonZeros == 20)
        // A column whose first id is text stays text, quietly: integers are valid text ids.
        let textFirst = TemporaryFile("user,item,rating\na,1,1\n2,1,1\n", name: "t.csv")
        defer { textFirst.cleanup() }
        #expect(try DataLoader.load(path: textFirst.path).matrix.userIDs.storage == .strings(["a", "2"]))
    }

    @Test("negative ids and ids beyond 2³² are integers in ascending order")
    func wideIntegerIDs() throws {
        let r = try loadText("5000000000,1,1\n-3,1,2\n7,2,3\n5000000000,2,4\n")
        #expect(r.matrix.userIDs.storage == .integers([-3, 7, 5_000_000_000]))
        #expect(value(r.matrix, user: "5000000000", item: "2") == 4)
    }

    @Test("sparse large ids (max far above the count) use the sorted path")
    func sparseLargeIDs() throws {
        let r = try loadText("4000000000,1,1\n3,1,2\n4000000000,2,3\n")
        #expect(r.matrix.userIDs.storage == .integers([3, 4_000_000_000]))
        #expect(r.matrix.nonZeros == 3)
    }

    @Test("columns are found by header name, in any order")
    func columnsByName() throws {
        let r = try loadText("timestamp,rating,movieId,userId\n100,4.5,20,1\n200,3,10,2\n")
        #expect(value(r.matrix, user: "1", item: "20") == 4.5)
        #expect(r.matrix.byUser.timestamps == [100, 200])
    }

    @Test("columns by position, a value column of 'none', and a forced header")
    func columnsByPosition() throws {
        var options = LoadOptions(format: .delimited, delimiter: .semicolon)
        options.userColumn = .position(3)
        options.itemColumn = .position(1)
        options.valueColumn = .absent
        options.header = .yes
        let r = try loadText("a;b;c\n10;x;1\n20;y;1\n10;z;2\n", options)
        #expect(r.matrix.userIDs.storage == .integers([1, 2]))
        #expect(r.matrix.itemIDs.storage == .integers([10, 20]))
        #expect(r.matrix.byUser.values == [1, 1, 1])
        #expect(r.matrix.duplicatesMerged == 0)
        #expect(r.matrix.byUser.timestamps == nil)
    }

    @Test("column options that cannot work are configuration errors")
    func badColumns() {
        var byName = LoadOptions()
        byName.valueColumn = .name("score")
        let e1 = alsError { _ = try loadText("user,item,rating\n1,2,3\n", byName) }
        guard case .invalidConfiguration(let p1, _) = e1 else { Issue.record("\(String(describing: e1))"); return }
        #expect(p1 == "value column")
        var outOfRange = LoadOptions()
        outOfRange.itemColumn = .position(9)
        let e2 = alsError { _ = try loadText("1,2,3\n", outOfRange) }
        guard case .invalidConfiguration = e2 else { Issue.record("\(String(describing: e2))"); return }
        var twice = LoadOptions()
        twice.itemColumn = .position(1)
        let e3 = alsError { _ = try loadText("1,2,3\n", twice) }
        guard case .invalidConfiguration = e3 else { Issue.record("\(String(describing: e3))"); return }
        let e4 = alsError { try LoadOptions(userColumn: .absent).validate() }
        guard case .invalidConfiguration = e4 else { Issue.record("\(String(describing: e4))"); return }
    }

    @Test("duplicate policies apply to loaded files; .error names the later line")
    func duplicates() throws {
        let text = "1,10,3,100\n2,10,1,100\n1,10,5,300\n1,10,4,200\n"
        func cell(_ p: DuplicatePolicy) throws -> (Float, Int64) {
            var o = LoadOptions()
            o.duplicates = p
            let m = try loadText(text, o).matrix
            #expect(m.nonZeros == 2)
            #expect(m.duplicatesMerged == 2)
            return (m.byUser.values[0], m.byUser.timestamps![0])
        }
        #expect(try cell(.sum) == (12, 300))
        #expect(try cell(.last) == (4, 300))
        #expect(try cell(.max) == (5, 300))
        var o = LoadOptions()
        o.duplicates = .error
        #expect(throws: ALSError.duplicateEntry(user: "1", item: "10", line: 3)) { try loadText(text, o) }
    }

    @Test("rows in any order come out sorted, whatever the thread count", arguments: [1, 2, 5])
    func unsortedInput(threads: Int) throws {
        var rng = TestRNG(seed: 99)
        let lines = (0 ..< 3_000).map { _ in
            "\(Int.random(in: 1 ... 40, using: &rng))\t\(Int.random(in: 1 ... 60, using: &rng))\t\(Int.random(in: 1 ... 5, using: &rng))"
        }
        var options = LoadOptions()
        options.threads = threads
        let m = try loadText(lines.joined(separator: "\n"), options).matrix
        try m.checkInvariants()
        // Against the owners' counting-sort build of the same triplets (sum of duplicates).
        var t = Triplets()
        for line in lines {
            let f = line.split(separator: "\t").map { Int($0)! }
            t.users.append(Int32(m.userIDs.index(of: Int64(f[0]))!))
            t.items.append(Int32(m.itemIDs.index(of: Int64(f[1]))!))
            t.values.append(Float(f[2]))
        }
        let reference = try InteractionMatrix(users: m.users, items: m.items, triplets: t)
        #expect(m.byUser == reference.byUser)
        #expect(m.byItem == reference.byItem)
        #expect(m.duplicatesMerged == reference.duplicatesMerged)
    }

    @Test("a UTF-8 byte order mark and CRLF line ends are accepted")
    func bomAndCRLF() throws {
        let r = try loadText("\u{FEFF}userId,movieId,rating\r\n1,2,3.5\r\n4,5,1\r\n")
        #expect(r.format == .csv)
        #expect(r.matrix.nonZeros == 2)
        #expect(value(r.matrix, user: "1", item: "2") == 3.5)
    }

    @Test("a final line without a newline is read; blank lines are ignored")
    func finalLineAndBlankLines() throws {
        let r = try loadText("1\t2\t3\t4\n\n\n5\t6\t7\t8")
        #expect(r.matrix.nonZeros == 2)
        #expect(r.skipped.total == 0)
    }

    @Test("adjacency lines: value 1 per pair, a user with no item still gets an index")
    func adjacency() throws {
        let r = try loadText("0 5 6 7\n1 5\n2\n3 7 8 9 10\n")
        #expect(r.format == .adjacency)
        #expect(r.matrix.users == 4)
        #expect(r.matrix.nonZeros == 8)
        #expect(r.matrix.byUser.count(of: r.matrix.userIDs.index(of: "2")!) == 0)
    }

    @Test("decimal values parse exactly as the C library does",
          arguments: ["0.1", "3.5", "4", "2.25", "0.0000001", "1234567", "12345678", "1e-3", "0.30000001192092896", "+7.", ".5"])
    func values(text: String) throws {
        let r = try loadText("1,2,\(text)\n")
        #expect(r.matrix.byUser.values == [strtof(text, nil)])
    }

    @Test("progress callbacks report bytes done, ending at the total")
    func progressCallback() throws {
        let text = uDataWithLine7("5\t10\t4\t881250957")
        let seen = ProgressLog()
        var options = LoadOptions()
        options.progress = .callback { done, total in seen.append(done, total) }
        let file = TemporaryFile(text)
        defer { file.cleanup() }
        _ = try DataLoader.load(path: file.path, options: options)
        let calls = seen.calls
        #expect(!calls.isEmpty)
        #expect(calls.last! == (text.utf8.count, text.utf8.count))
    }
}

/// Records progress calls (from any thread).
final class ProgressLog: @unchecked Sendable {
    private var log: [(Int, Int)] = []
    private let lock = PthreadMutex()
    func append(_ done: Int, _ total: Int) { lock.with { log.append((done, total)) } }
    var calls: [(Int, Int)] { lock.with { log } }
}

/// A minimal mutex over pthread, so the tests need no Foundation.
final class PthreadMutex: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    deinit { pthread_mutex_destroy(&m) }
    func with<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&m)
        defer { pthread_mutex_unlock(&m) }
        return body()
    }
}
