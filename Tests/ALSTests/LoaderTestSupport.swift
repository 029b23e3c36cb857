import Glibc
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// Where the shared data sets live: `../shared/data` beside the package root, found from this
/// file's path so that tests run from any directory.
enum LoaderData {
    static let root: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/ALSTests/LoaderTestSupport.swift
        return parts.joined(separator: "/") + "/../shared/data"
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// True when the data sets are present (they are not in the repository: their licences
    /// forbid redistribution).
    static let isAvailable: Bool = access(root + "/ml-100k/u.data", R_OK) == 0
}

/// A file with `contents` in a fresh temporary directory, removed by `cleanup()`.
struct TemporaryFile {
    let directory: String
    let path: String

    init(_ contents: [UInt8], name: String = "input.txt") {
        var template = Array("/tmp/als-loader-test-XXXXXX".utf8CString)
        directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        path = directory + "/" + name
        let f = fopen(path, "wb")!
        _ = contents.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
    }

    init(_ text: String, name: String = "input.txt") { self.init(Array(text.utf8), name: name) }

    /// A path for an output file in the same directory.
    func sibling(_ name: String) -> String { directory + "/" + name }

    func cleanup() {
        if let d = opendir(directory) {
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { unlink(directory + "/" + name) }
            }
            closedir(d)
        }
        rmdir(directory)
    }
}

/// Loads `text` from a temporary file with `options`, quietly.
func loadText(_ text: String, _ options: LoadOptions = LoadOptions()) throws -> LoadResult {
    let file = TemporaryFile(text)
    defer { file.cleanup() }
    var o = options
    o.progress = .quiet
    return try DataLoader.load(path: file.path, options: o)
}

/// The error `body` throws, as an `ALSError` (nil when it throws nothing or something else).
func alsError(_ body: () throws -> Void) -> ALSError? {
    do {
        try body()
        return nil
    } catch let e as ALSError {
        return e
    } catch {
        return nil
    }
}

/// The value stored at (external user, external item), or nil when absent.
func value(_ m: InteractionMatrix, user: String, item: String) -> Float? {
    guard let u = m.userIDs.index(of: user), let i = m.itemIDs.index(of: item) else { return nil }
    for p in m.byUser.range(of: u) where m.byUser.innerIndices[p] == Int32(i) { return m.byUser.values[p] }
    return nil
}
