@_spi(Engine) import ALS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one writer of standard output for every command: `print` for a line written at once,
/// and a `TextOutputStream` through a 64 KiB buffer for long listings (flushed when full and by
/// `flush()`, so a million-line `--all-users` listing costs a few hundred system calls).
///
/// A failed write ends the process at once, since the rest of the output has nowhere to go:
/// - `EPIPE` (the reader went away, as with `| head -1` when SIGPIPE is ignored) exits quietly
///   with status 0, which is what `head` users expect;
/// - any other error (`/dev/full`, a closed descriptor, …) prints the error on standard error
///   and exits with status 1, so a script never takes lost output for success.
///
/// With the default SIGPIPE disposition the kernel ends the process on a closed pipe before
/// `write` returns, which is as quiet.
struct StandardOutput: TextOutputStream {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    mutating func write(_ string: String) {
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes out what is buffered.
    mutating func flush() {
        buffer.withUnsafeBytes { Self.emit($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `text` and `terminator` to standard output now (`Swift.print`'s shape).
    static func print(_ text: String, terminator: String = "\n") {
        var line = text + terminator
        line.withUTF8 { emit(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `bytes` to file descriptor 1, ending the process on failure (see the type).
    private static func emit(_ bytes: UnsafeRawBufferPointer) {
        let code = ALSFile.write(bytes, toDescriptor: 1)
        if code == 0 { return }
        if code != EPIPE {
            InputOptions.printToStandardError("Error: cannot write to standard output (\(ALSFile.errorText(code))).")
            exit(1)
        }
        exit(0)
    }
}

/// Checks, before any work, that each given output path can be written (`ALSFile.checkWritable`:
/// the directory exists and is writable, the path is not a directory, FIFO or device), so that
/// a typo fails at once instead of after training or a search.
func checkOutputPaths(_ paths: String?...) throws {
    for case let path? in paths { try ALSFile.checkWritable(path) }
}
