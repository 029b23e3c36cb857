import Foundation
import Glibc
import Testing
@testable import ALS

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
}
