import ALS
import Foundation
import Glibc
import Testing
@testable import ALSCommand

/// What a new user gets wrong on the command line, each case named after the failure it once
/// caused: every one now ends with a clean, typed, actionable error.
@Suite("Misuse: hangs, wasted work and silent mismatches on the command line")
struct MisuseCommandTests {
    @Test("inspectFIFOHang: 'als inspect FIFO' and 'als recommend FIFO' refuse at once instead of blocking",
          arguments: [["inspect"], ["recommend", "--user", "1"], ["recommend", "MODEL", "--user", "1", "--deny"]])
    func inspectFIFOHang(command: [String]) throws {
        let s = try TinySplit()
        defer { s.remove() }
        let fifo = s.path("fifo")
        try #require(mkfifo(fifo, 0o600) == 0)
        let model = try StandardOutputTests.model(users: 3, in: s)
        // The FIFO goes where the command reads a file: first argument, or the last option's value.
        let arguments = command.count == 1 || command[1] == "--user"
            ? [command[0], fifo] + command.dropFirst() : command.map { $0 == "MODEL" ? model : $0 } + [fifo]
        let outcome = try ALSBinary.run(arguments, timeout: 20)
        #expect(!outcome.timedOut, "als \(arguments.joined(separator: " ")) blocked on the FIFO")
        #expect(outcome.status == 1)
        #expect(outcome.standardError == "Error: \(ALSError.notARegularFile(path: fifo, kind: "a FIFO (named pipe)"))\n")
    }
}
