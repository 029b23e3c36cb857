import Foundation

/// Every failure SwiftALS reports. One public enum, one documented case per failure, and each
/// message says how to fix the problem.
///
/// Messages name the library's parameters, never command-line flags: a setting appears in
/// backticks as the Swift property, with a value when one is meant (for example
/// "`regularization`", "`itemIDs: .text`", "`skipInvalid: true`"). The `als` command rewrites each such
/// span into its flag (`--regularization`, `--item-ids text`, `--skip-invalid`).
public enum ALSError: Error, Equatable, Sendable {
    /// A line of an input file could not be read. `line` and `column` are 1-based; `column` is 0
    /// when the problem concerns the whole line (wrong field count, for example). `skippable`
    /// is true when the reader can skip such lines (the data loader's `skipInvalid`), and only
    /// then does the message suggest it: split files, fold-in files and Matrix Market files are
    /// read whole or not at all.
    case malformedLine(file: String, line: Int, column: Int, text: String, reason: String, skippable: Bool = false)
    /// An id column read with `IDKind.auto` started with integer ids and has a text id at `line`
    /// (1-based; `column` is the 1-based character column). `side` is "user" or "item".
    case mixedIDKinds(file: String, line: Int, column: Int, text: String, side: String)
    /// The input held no interactions at all.
    case emptyInput(file: String)
    /// The input's format could not be recognised from its content.
    case unknownFormat(file: String, reason: String)
    /// A file could not be opened, read or written.
    case io(path: String, reason: String)
    /// A path names a FIFO, directory, device or socket where a regular file is needed. `kind`
    /// says which ("a FIFO (named pipe)", "a directory", …). Refused before any blocking open.
    case notARegularFile(path: String, kind: String)
    /// Two triplets named the same (user, item) cell and the duplicate policy is `.error`.
    case duplicateEntry(user: String, item: String, line: Int)
    /// A sparse structure broke one of its documented invariants (see `CompressedMatrix`).
    case invariantViolation(String)
    /// A configuration value is out of range; `fix` says which flag or property to change.
    case invalidConfiguration(parameter: String, reason: String)
    /// A row's normal equations are not positive definite (λ = 0 on a rank-deficient row, say).
    case notPositiveDefinite(side: String, row: Int)
    /// Training produced NaN or infinite factors or loss at `iteration` (1-based).
    case nonFinite(side: String, iteration: Int)
    /// Solving the normal equations of one row (`row` of `side`, 0-based) gave NaN or infinite
    /// factors: a kernel found it, so the iteration is not known there.
    case nonFiniteSolution(side: String, row: Int)
    /// A LAPACK routine did not converge (`dsyevd_` with a positive `info`, say).
    case notConverged(function: String, reason: String)
    /// A C kernel or library call returned an unexpected status.
    case kernelFailure(function: String, status: Int32)
    /// A binary file (cache or model) is truncated, corrupt, of another version or endianness.
    case corruptFile(path: String, reason: String)
    /// An external user or item id that the model or matrix does not know.
    case unknownID(kind: String, id: String)
    /// Arrays passed together do not have matching shapes.
    case shapeMismatch(String)
    /// Fewer than the required share of a data file's `kind` ids ("user" or "item") are known to
    /// the model it was given with: most likely another data set than the model's
    /// (`ALSModel.checkKnownIDs`).
    case mostlyUnknownIDs(file: String, kind: String, known: Int, total: Int)
}

extension ALSError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case let .malformedLine(file, line, column, text, reason, skippable):
            let where_ = column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)"
            return "\(where_): \(reason) (text: \"\(text)\"). "
                + (skippable ? "Fix the line, or pass `skipInvalid: true` to skip and count such lines." : "Fix the line.")
        case let .mixedIDKinds(file, line, column, text, side):
            return "\(file):\(line):\(column): \(side) id \"\(text)\" is text, but the \(side) ids before it are integers. Fix the line, or read every \(side) id as text (`\(side)IDs: .text`)."
        case let .emptyInput(file):
            return "\(file): no interactions found. Check the path and the `format`, `delimiter` and column options."
        case let .unknownFormat(file, reason):
            return "\(file): unknown format (\(reason)). Pass `format` explicitly (movielens-100k, movielens-dat, csv, delimited, adjacency, mtx, cache)."
        case let .io(path, reason):
            return "\(path): \(reason). Check that the path exists and is readable (or writable)."
        case let .notARegularFile(path, kind):
            return "\(path) is \(kind), not a regular file. Pass the path of a regular file (save piped data to a file first)."
        case let .duplicateEntry(user, item, line):
            return "duplicate interaction for user \(user), item \(item) (line \(line)). Choose a duplicate policy: `duplicates: .sum|.last|.max`."
        case let .invariantViolation(detail):
            return "sparse invariant violated: \(detail). This is a bug in SwiftALS; please report it."
        case let .invalidConfiguration(parameter, reason):
            let name = parameter.allSatisfy { $0.isLetter || $0.isNumber } ? "`\(parameter)`" : parameter
            return "invalid \(name): \(reason)."
        case let .notPositiveDefinite(side, row):
            return "the normal equations of \(side) \(row) are not positive definite. Increase `regularization` (λ > 0 makes every system solvable)."
        case let .nonFinite(side, iteration):
            return "training diverged: non-finite \(side) factors at iteration \(iteration). Increase `regularization` or lower `alpha`."
        case let .nonFiniteSolution(side, row):
            return "training diverged: solving \(side) \(row) gave non-finite factors. Increase `regularization` or lower `alpha`."
        case let .notConverged(function, reason):
            return "\(function) did not converge (\(reason)). Check the input for NaN, infinite or huge values."
        case let .kernelFailure(function, status):
            return "\(function) failed with status \(status). This is a bug in SwiftALS; please report it."
        case let .corruptFile(path, reason):
            return "\(path): \(reason). Regenerate the file with the current version of als."
        case let .unknownID(kind, id):
            return "unknown \(kind) id \"\(id)\". Use an id present in the training data (or fold the \(kind) in first)."
        case let .shapeMismatch(detail):
            return "shape mismatch: \(detail)."
        case let .mostlyUnknownIDs(file, kind, known, total):
            return "\(file): only \(known) of its \(total) \(kind) ids are known to the model, so it is most likely not the data the model was trained on. Pass the model's own data, or pass `minimumFraction: 0` to use it anyway."
        }
    }

    /// The same text as `description`, for `localizedDescription` and Foundation's error paths.
    public var errorDescription: String? { description }
}
