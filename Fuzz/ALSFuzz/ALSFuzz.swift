@_spi(Engine) import ALS
import Foundation
import Glibc

// libFuzzer harnesses for every reader of SwiftALS, in one executable built only by
// `scripts/fuzz.sh` (Package.swift declares this target only when ALS_FUZZ=1):
//
//     swift build -c debug -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz
//
// The harness is chosen by ALS_FUZZ_TARGET (see `Harness`). Each input is written to a file in
// /dev/shm (the readers take paths, and reading a real file is what users do) and read; a typed
// ALSError is the expected outcome of most inputs, anything else (a trap, an ASan report) is a
// finding.

/// One reader under test.
enum Harness: String, CaseIterable {
    case delimited, movielens, dat, csv, adjacency, mtx, split, lightgcn, cache, model, npz, foldin

    /// Reads the file at `path` the way a user's command would.
    func read(_ path: String) throws {
        switch self {
        case .delimited: _ = try DataLoader.load(path: path, options: Self.options(nil))
        case .movielens: _ = try DataLoader.load(path: path, options: Self.options(.movieLens100K))
        case .dat: _ = try DataLoader.load(path: path, options: Self.options(.movieLensDat))
        case .csv: _ = try DataLoader.load(path: path, options: Self.options(.csv))
        case .adjacency: _ = try DataLoader.load(path: path, options: Self.options(.adjacency))
        case .mtx: _ = try MatrixMarket.read(path: path)
        case .split: _ = try SplitFiles.load([path])
        case .lightgcn: _ = try SplitFiles.loadLightGCN(train: path, test: path)
        case .cache: _ = try BinaryCache.read(path: path)
        case .model:
            let model = try ALSModel.load(from: URL(fileURLWithPath: path))
            // The seen items a model file carries (checked on load) are read by the default filter.
            if model.users > 0 { _ = try model.recommend(user: 0, k: 3, excludeSeen: model.hasSeenItems ? .training : .nothing) }
        case .npz: _ = try ALSModel.importNPZ(from: URL(fileURLWithPath: path))
        case .foldin: _ = try InteractionList.read(path: path)
        }
    }

    /// Quiet, single-threaded (so a finding reproduces alike), skipping nothing.
    static func options(_ format: DataFormat?) -> LoadOptions {
        var o = LoadOptions(format: format)
        o.progress = .quiet
        o.threads = 1
        return o
    }
}

/// Writes a line to standard error.
private func report(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

nonisolated(unsafe) private var harness: Harness?
nonisolated(unsafe) private var inputPath = ""

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let name = ProcessInfo.processInfo.environment["ALS_FUZZ_TARGET"] ?? ""
    guard let h = Harness(rawValue: name) else {
        let names = Harness.allCases.map(\.rawValue).joined(separator: ", ")
        report("ALSFuzz: set ALS_FUZZ_TARGET to one of: \(names)")
        exit(2)
    }
    harness = h
    let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
    inputPath = "\(directory)/als-fuzz-\(getpid())-\(name)"
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let harness else { return 0 }
    let fd = open(inputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    if let data, size > 0 { _ = write(fd, data, size) }
    close(fd)
    do {
        try harness.read(inputPath)
    } catch is ALSError {
        // The expected answer to a malformed file.
    } catch {
        report("ALSFuzz: an error that is not an ALSError: \(error)")
        abort()
    }
    return 0
}
