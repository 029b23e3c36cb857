import Foundation
import Glibc
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// The I/O layer (`Sources/ALS/Persistence`): only regular files are read, never with a
/// blocking open, and writes are atomic.
@Suite("I/O layer: regular files only, atomic writes")
struct FileIOTests {
    /// A FIFO in a fresh directory, held open for reading and writing by the test so that a
    /// regressed blocking open would not hang the suite (it would fail the expectation instead).
    final class HeldFIFO {
        let file: TemporaryFile
        let path: String
        let descriptor: Int32
        init() throws {
            file = TemporaryFile("")
            path = file.sibling("fifo")
            try #require(mkfifo(path, 0o600) == 0)
            descriptor = open(path, O_RDWR | O_NONBLOCK)
            try #require(descriptor >= 0)
        }
        deinit {
            close(descriptor)
            file.cleanup()
        }
    }

    @Test("inspectFIFOHang: every reader refuses a FIFO with a typed error instead of blocking")
    func inspectFIFOHang() throws {
        let fifo = try HeldFIFO()
        let expected = ALSError.notARegularFile(path: fifo.path, kind: "a FIFO (named pipe)")
        #expect(throws: expected) { try DataLoader.load(path: fifo.path) }
        #expect(throws: expected) { try ALSModel.load(from: URL(fileURLWithPath: fifo.path)) }
        #expect(throws: expected) { try BinaryCache.read(path: fifo.path) }
        #expect(throws: expected) { try MatrixMarket.read(path: fifo.path) }
        #expect(throws: expected) { try SplitFiles.load(train: fifo.path, test: fifo.path) }
        #expect(throws: expected) { try ALSModel.importNPZ(from: URL(fileURLWithPath: fifo.path)) }
        #expect(throws: expected) { try ALSFile.read(fifo.path) }
    }

    @Test("directories and devices are refused as inputs and as outputs, naming what they are")
    func directoriesAndDevices() throws {
        let file = TemporaryFile("1\t1\t1\n")
        defer { file.cleanup() }
        #expect(throws: ALSError.notARegularFile(path: file.directory, kind: "a directory")) {
            try DataLoader.load(path: file.directory)
        }
        #expect(throws: ALSError.notARegularFile(path: "/dev/null", kind: "a character device")) {
            try DataLoader.load(path: "/dev/null")
        }
        #expect(throws: ALSError.notARegularFile(path: file.directory, kind: "a directory")) {
            try ALSFile.checkWritable(file.directory)
        }
        #expect(throws: ALSError.notARegularFile(path: "/dev/null", kind: "a character device")) {
            try ALSFile.checkWritable("/dev/null")
        }
    }

    @Test("checkWritable: a missing directory fails at once, naming it; a new name in a writable directory passes")
    func checkWritable() throws {
        let file = TemporaryFile("")
        defer { file.cleanup() }
        try ALSFile.checkWritable(file.sibling("new.als"))
        try ALSFile.checkWritable(file.path)
        #expect(throws: ALSError.io(path: "/nonexistent/dir/m.als",
                                    reason: "the directory /nonexistent/dir does not exist (No such file or directory)")) {
            try ALSFile.checkWritable("/nonexistent/dir/m.als")
        }
        #expect(ALSFile.directory(of: "m.als") == ".")
        #expect(ALSFile.directory(of: "/m.als") == "/")
        #expect(ALSFile.directory(of: "a/b/m.als") == "a/b")
    }

    @Test("an atomic write replaces the file whole and leaves no temporary file, also when it fails")
    func atomicWrite() throws {
        let file = TemporaryFile("old")
        defer { file.cleanup() }
        try ALSFile.write("new", to: file.path)
        #expect(try ALSFile.read(file.path) == Array("new".utf8))
        do {
            let writer = try _AtomicFile(path: file.path)
            try writer.write("abandoned")
        }
        #expect(try ALSFile.read(file.path) == Array("new".utf8))
        let names = try FileManager.default.contentsOfDirectory(atPath: file.directory)
        #expect(names == ["input.txt"])
    }

    @Test("fuzzMtxHugeEntryCount: a garbled Matrix Market size line is an error, not a giant allocation (mtx harness, crash-fd340e63)")
    func fuzzMtxHugeEntryCount() throws {
        // The fuzzer's input: no banner, then a size line whose entry count runs into "%%".
        let crash: [UInt8] = [0, 0, 0xc5, 0x72, 0x8b, 0x6c, 10] + Array("5 2 6666666666666666%%al6666\n1 1663 0291.a13\n2 1\n".utf8)
        let file = TemporaryFile(crash, name: "crash.mtx")
        defer { file.cleanup() }
        #expect(throws: ALSError.self) { try MatrixMarket.read(path: file.path) }
        let banner = "%%MatrixMarket matrix coordinate real general\n"
        for (text, reason) in [
            (banner + "5 2 6666666666666666\n1 1 1\n", "the size line announces 6666666666666666 entries, more than a file of 73 bytes can hold"),
            (banner + "5 2 6666666666666666", "the size line announces 6666666666666666 entries, more than a file of 66 bytes can hold"),
            (banner + "5 2 66%%al\n1 1 1\n", "the size line must be \"rows columns entries\""),
            (banner + "3000000000 2 1\n1 1 1\n", "3000000000 × 2 is more than 2³¹ − 1 rows or columns"),
            (banner + "1 277777777 2\n1 1 1\n", "1 × 277777777 is implausibly large for a file of 66 bytes (at most 1048576 rows and columns)"),
        ] {
            let f = TemporaryFile(text, name: "m.mtx")
            defer { f.cleanup() }
            do {
                _ = try MatrixMarket.read(path: f.path)
                Issue.record("read \(text)")
            } catch let ALSError.malformedLine(_, line, _, _, why, skippable) {
                #expect(line == 2 && why == reason && !skippable)
            }
        }
        // The third finding (timeout-ff492834): 172 × 38,888,888 in a 110-byte file took 11 s
        // (debug, address sanitizer) to build its empty columns and their ids.
        let third = TemporaryFile(Array("%%MatrixMarket matrix coordinate real general\n% cdinatel\n172 38888888 3\n3 1 1.5ent\n3 4 3\n1 1 1".utf8)
                                  + [0x18, 0, 0, 0, 0xfa, 0xff, 0xff, 0xff] + Array("\n3 4 -1\n".utf8), name: "t3.mtx")
        defer { third.cleanup() }
        #expect(throws: ALSError.malformedLine(file: third.path, line: 3, column: 0, text: "172 38888888 3",
                                               reason: "172 × 38888888 is implausibly large for a file of 110 bytes (at most 1048576 rows and columns)")) {
            try MatrixMarket.read(path: third.path)
        }
        // The second finding (crash-ca5ff1dc): a blank line and comments before a size line
        // with 277,777,777,777,777 columns.
        let second = TemporaryFile(banner + "\t\r\n%Mi\r\n%more\n1 277777777777777 2]di", name: "c2.mtx")
        defer { second.cleanup() }
        #expect(throws: ALSError.malformedLine(file: second.path, line: 5, column: 0, text: "1 277777777777777 2]di",
                                               reason: "the size line must be \"rows columns entries\"")) {
            try MatrixMarket.read(path: second.path)
        }
    }
}
