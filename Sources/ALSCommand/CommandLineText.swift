@_spi(Engine) import ALS
import ArgumentParser

/// How the command line reports errors: library messages name parameters in backticks
/// (`` `regularization` ``, `` `itemIDs: .text` ``, see `ALSError`), and here each becomes its
/// flag (`--regularization`, `--item-ids text`).
enum CommandLineText {
    /// Library parameters that are flags of `als`, by Swift name. The flag is the name in
    /// kebab case unless given; `takesValue: false` for switches, whose value (`true`) is dropped.
    private static let flags: [String: (flag: String?, takesValue: Bool)] = {
        var table: [String: (flag: String?, takesValue: Bool)] = [:]
        for name in ["mode", "factors", "regularization", "iterations", "cgSteps", "blockSize", "sweeps", "subspaceSchedule", "alpha", "confidence",
                     "confidenceEpsilon", "biasRegularization", "walsWeighting", "missingWeightExponent",
                     "missingWeightTotal", "regularizationExponent", "regularizationAlpha0", "threads", "seed",
                     "delimiter", "duplicates", "header", "userIDs", "itemIDs", "k"] {
            table[name] = (nil, true)
        }
        // The library's input `format` is --input-format: --format chooses the output.
        table["format"] = ("--input-format", true)
        for name in ["skipInvalid", "allowNegative", "biases", "globalMean"] { table[name] = (nil, false) }
        // The library's share of known ids; the command line has only the override.
        table["minimumFraction"] = ("--allow-unknown", false)
        // Seen items: the library's `SeenItems` cases and the save option, as `recommend` and
        // `train` spell them.
        table["excludeSeen"] = ("--exclude-seen", false)
        table[".interactions(train)"] = ("--exclude-seen DATA", false)
        table[".nothing"] = ("--include-seen", false)
        table["includeSeenItems"] = ("--no-seen", false)
        return table
    }()

    /// `text` with every backticked parameter span rewritten as its flag; other spans lose their
    /// backticks.
    static func rewrite(_ text: String) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return text }
        var out = ""
        for (n, part) in parts.enumerated() {
            // Odd parts lie between backticks; an unpaired last backtick is kept as it stands.
            if n % 2 == 0 || n == parts.count - 1 {
                out += n % 2 == 0 ? part : "`" + part
                continue
            }
            out += flag(String(part)) ?? String(part)
        }
        return out
    }

    /// `name` or `name: value` as a flag (`--name value`), or nil when `name` is not a flag.
    private static func flag(_ span: String) -> String? {
        let pieces = span.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let name = pieces.first, let entry = flags[name] else { return nil }
        let flag = entry.flag ?? "--" + kebab(name)
        guard entry.takesValue, pieces.count == 2 else { return flag }
        // `.sum|.last|.max` → `sum|last|max`: the flag's values are the cases' raw names.
        let value = pieces[1].split(separator: "|").map { $0.hasPrefix(".") ? String($0.dropFirst()) : String($0) }
        return flag + " " + value.joined(separator: "|")
    }

    /// `cgSteps` → `cg-steps`, `userIDs` → `user-ids`.
    static func kebab(_ name: String) -> String {
        var out = ""
        for c in name.replacingOccurrences(of: "IDs", with: "Ids") {
            if c.isUppercase {
                out += "-" + c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// The message `als` ends with for `error`: an `ALSError` in command-line terms, anything
    /// else as ArgumentParser words it.
    static func message(for error: any Error) -> String {
        if let error = error as? ALSError { return rewrite(error.description) }
        return ALSTool.message(for: error)
    }

    /// The arguments with `--option -5` joined into `--option=-5`. ArgumentParser reads a token
    /// that starts with a dash as a flag, so `--factors -5` said "Missing value for '--factors'";
    /// joined, the value reaches the option and its own check ("must be in 1...4096 (got -5)").
    static func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" {
                out += arguments[i...]
                break
            }
            if a.hasPrefix("--"), !a.contains("="), i + 1 < arguments.count, isNegativeNumber(arguments[i + 1]) {
                out.append(a + "=" + arguments[i + 1])
                i += 2
                continue
            }
            out.append(a)
            i += 1
        }
        return out
    }

    /// True for `-5`, `-0.5`, `-.5`, `-1e3`: a dash and then something that reads as a number.
    private static func isNegativeNumber(_ s: String) -> Bool {
        s.count > 1 && s.hasPrefix("-") && Double(s) != nil
    }
}

extension CommandLineText {
    /// Parses `arguments` (without the program name) and runs the command, ending the process
    /// as `als` does: status 0, or the message of `message(for:)` and the error's exit code.
    static func main(_ arguments: [String]) -> Never {
        do {
            var command = try ALSTool.parseAsRoot(joiningNegativeNumbers(arguments))
            try command.run()
            ALSTool.exit()
        } catch let error as ALSError {
            ALSTool.exit(withError: RewrittenError(message: rewrite(error.description)))
        } catch {
            ALSTool.exit(withError: error)
        }
    }

    /// An error that prints as its message and exits with status 1 (ArgumentParser's code for
    /// errors it does not know), carrying a rewritten library message.
    private struct RewrittenError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
