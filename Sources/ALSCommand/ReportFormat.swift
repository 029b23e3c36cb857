@_spi(Engine) import ALS
import ArgumentParser
import Foundation

/// What a command prints on standard output: the human-readable text (the default) or one JSON
/// object for scripts (`als train`, `als inspect`). Progress and notes stay on standard error
/// either way, so standard output in JSON mode is exactly one object.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `value` as one JSON object: keys sorted (so the text is stable from run to run), indented,
/// slashes unescaped (paths read as written), newline-terminated. Non-finite numbers must be
/// encoded as `nil` by the caller (JSON has no NaN).
func jsonReport(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}

/// Writes a report to `path` (`--report FILE`), replacing the file atomically.
func writeReport(_ text: String, to path: String) throws {
    try ALSFile.write(text, to: path)
}

extension Double {
    /// The number, or nil when it is NaN or infinite (JSON `null`).
    var finite: Double? { isFinite ? self : nil }
}

/// An optional report field that encodes as JSON `null` when absent, instead of leaving the key
/// out (what synthesised `Encodable` does with an `Optional`), so a report always has the same
/// keys and scripts can index them without checking.
struct Nullable<Wrapped: Encodable>: Encodable {
    var value: Wrapped?

    init(_ value: Wrapped?) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value { try c.encode(value) } else { try c.encodeNil() }
    }
}
