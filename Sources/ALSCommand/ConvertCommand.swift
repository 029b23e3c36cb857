@_spi(Engine) import ALS
import ArgumentParser

/// `als convert FILE --to cache|mtx OUT`: rewrite an interactions file as a binary cache (fast to
/// reload, keeps everything) or a Matrix Market file (for other tools).
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an interactions file to a binary cache or a Matrix Market file.",
        discussion: """
            A cache keeps the CSR, the CSC, timestamps and the id maps and reloads without parsing; \
            any command that reads FILE reads a cache too. A Matrix Market file keeps the values and \
            the id maps (in header comments) but not timestamps.
            """)

    /// What `convert` writes.
    enum Target: String, CaseIterable, ExpressibleByArgument {
        case cache, mtx
    }

    @Argument(help: ArgumentHelp("The interactions file to read.", valueName: "file"))
    var file: String

    @Option(help: "What to write: cache (binary, mmap-loaded) or mtx (Matrix Market).")
    var to: Target

    @Argument(help: ArgumentHelp("Where to write it.", valueName: "out"))
    var output: String

    @OptionGroup var input: InputOptions

    func validate() throws {
        guard output != file else { throw ValidationError("The output path is the input path; choose another OUT.") }
    }

    func run() throws {
        try checkOutputPaths(output)
        let result = try input.load(file)
        let m = result.matrix
        switch to {
        case .cache:
            try BinaryCache.write(m, to: output)
        case .mtx:
            if m.byUser.timestamps != nil || m.byUser.weights != nil {
                InputOptions.printToStandardError("note: Matrix Market keeps one value per cell; timestamps and weights are not written.")
            }
            try MatrixMarket.write(m, to: output)
        }
        StandardOutput.print("wrote \(output) (\(to.rawValue)): \(m.users) users, \(m.items) items, \(m.nonZeros) non-zeros")
    }
}
