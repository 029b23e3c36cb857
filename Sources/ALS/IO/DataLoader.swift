import Synchronization

/// Reads interaction files into an `InteractionMatrix`.
///
/// **Formats** (`DataFormat`) are recognised from the content unless `LoadOptions.format`
/// forces one: the cache's magic number, a `%%MatrixMarket` banner, `::` separators (MovieLens
/// 1M/10M), four numeric tab-separated fields (MovieLens 100K), commas (CSV, header optional),
/// other separators (delimited), and integer lines of varying length (adjacency lists).
///
/// **Dense indices.** Integer ids are numbered in ascending numeric order (so user 1 of
/// `u.data` is row 0, whatever the line order); text ids in order of first appearance. The id
/// maps stay in the matrix (`userIDs`, `itemIDs`).
///
/// **Lines.** Blank lines (a final newline, say) carry no data and are ignored; CRLF line ends
/// and a UTF-8 byte order mark are accepted. Any other line that cannot be read throws
/// `ALSError.malformedLine` naming the file, the 1-based line and column, and the text — or,
/// with `skipInvalid`, is counted by reason in `LoadResult.skipped`. Nothing is dropped silently.
/// Fields are not unquoted: a CSV field in double quotes is read as it stands.
///
/// **Speed.** Text is parsed from bytes (no `String` per line) on every core: the file is split
/// at line starts and each thread reads its part in 4 MiB blocks with `pread`, so the file is
/// never resident as a whole.
public enum DataLoader {
    /// Files at least this large report progress (see `LoadProgress.automatic`).
    public static let progressThreshold = 64 << 20

    /// Loads `path`. Throws `ALSError` for unreadable files (`.io`), empty files (`.emptyInput`),
    /// unrecognised content (`.unknownFormat`), malformed lines (`.malformedLine`), duplicate
    /// cells under `DuplicatePolicy.error` (`.duplicateEntry`) and bad caches (`.corruptFile`).
    public static func load(path: String, options: LoadOptions = LoadOptions()) throws -> LoadResult {
        try options.validate()
        let file = try _InputFile(path: path)
        guard file.size > 0 else { throw ALSError.emptyInput(file: path) }
        let window = 1 << 16
        let sample = _Sample(try file.bytes(at: 0, count: window), wholeFile: file.size <= window)
        let format = try _FormatDetection.format(of: sample, options: options, path: path)
        switch format {
        case .binaryCache:
            return LoadResult(matrix: try BinaryCache.read(path: path), format: format, bytes: file.size)
        case .matrixMarket:
            return LoadResult(matrix: try MatrixMarket.read(path: path, options: options), format: format, bytes: file.size)
        default:
            let layout = try _FormatDetection.layout(for: format, sample: sample, options: options, path: path)
            let (matrix, skipped) = try _loadText(file: file, layout: layout, options: options)
            return LoadResult(matrix: matrix, format: format, skipped: skipped, bytes: file.size)
        }
    }

    /// Parses a text file with `layout` on every core and builds the matrix. When a region finds
    /// an id its column's collection mode cannot hold, the file is parsed again in the wider mode
    /// (at most once per column: direct → wide integers).
    static func _loadText(file: _InputFile, layout initial: _LineLayout, options: LoadOptions) throws -> (InteractionMatrix, SkippedLines) {
        var layout = initial
        // By default a worker per core, but not for less than a megabyte each (starting threads
        // would cost more than they save); an explicit count is honoured as given. Large files
        // are cut into several parts per worker (see `_partCount`).
        let workers = min(options.threads ?? min(max(1, System.coreCount), max(1, file.size >> 20)), max(1, file.size))
        let parts = min(_partCount(entries: file.size >> 6, workers: workers), max(1, file.size))
        var bounds = [0]
        for t in 1 ..< parts { bounds.append(max(bounds.last!, try file.lineStart(atOrAfter: file.size * t / parts))) }
        bounds.append(file.size)
        let report = _progressReporter(options.progress, path: file.path, total: file.size)
        defer { report?(-1) }
        while true {
            let slots = _LoaderSlots<Result<_RegionParser, ALSError>>(parts)
            let (l, b) = (layout, bounds)
            let bytesRead = _ByteCounter()
            let progress: ((Int) -> Void)? = report.map { r in { r(bytesRead.add($0)) } }
            _loaderParallel(parts, workers: workers) { t in
                var parser = _RegionParser(layout: l, allowNegative: options.allowNegative, skipInvalid: options.skipInvalid,
                                           keepLines: options.duplicates == .error, expectedBytes: b[t + 1] - b[t])
                do {
                    try parser.run(file: file, range: b[t] ..< b[t + 1], isFirst: t == 0, progress: progress)
                    slots[t] = .success(parser)
                } catch {
                    parser.free()
                    slots[t] = .failure(error as? ALSError ?? .io(path: file.path, reason: "\(error)"))
                }
            }
            var regions: [_RegionParser] = []
            var failure: ALSError?
            for t in 0 ..< parts {
                switch slots[t]! {
                case .success(let r): regions.append(r)
                case .failure(let e): failure = failure ?? e
                }
            }
            func freeAll() { for var r in regions { r.free() } }
            if let failure {
                freeAll()
                throw failure
            }
            // A wider id mode anywhere means parsing again.
            if let restart = regions.lazy.compactMap({ r -> (Bool, _IDMode)? in
                if case .restart(let user, let mode) = r.stop { return (user, mode) } else { return nil }
            }).first {
                freeAll()
                if restart.0 { layout.userMode = restart.1 } else { layout.itemMode = restart.1 }
                continue
            }
            // Lines before each region, to turn local line numbers into file line numbers.
            var lineOffsets: [Int] = []
            var skipped = SkippedLines()
            var seen = 0
            for r in regions {
                lineOffsets.append(seen)
                if case .invalid(var bad) = r.stop {
                    freeAll()
                    bad.line += seen
                    throw bad.error(file: file.path)
                }
                var local = r.skipped
                for k in local.examples.indices { local.examples[k].line += seen }
                skipped.append(local)
                seen += r.lineCount
            }
            let entries = regions.reduce(0) { $0 + $1.users.count }
            guard entries > 0 else {
                freeAll()
                throw ALSError.emptyInput(file: file.path)
            }
            let userIDs: IDMap, itemIDs: IDMap
            do {
                userIDs = try _assignDenseIDs(mode: layout.userMode, regions: regions, user: true, workers: workers)
                itemIDs = try _assignDenseIDs(mode: layout.itemMode, regions: regions, user: false, workers: workers)
            } catch {
                freeAll()
                throw error
            }
            let matrix = try _buildMatrix(regions: regions, users: userIDs.count, items: itemIDs.count,
                                          timestamps: layout.hasTimestamps, policy: options.duplicates,
                                          lineOffsets: lineOffsets, userIDs: userIDs, itemIDs: itemIDs, workers: workers)
            return (matrix, skipped)
        }
    }
}

/// Bytes read so far by every part of a load, for progress reports.
final class _ByteCounter: Sendable {
    private let total = Atomic<Int>(0)
    /// Adds `n` and returns the new total.
    func add(_ n: Int) -> Int { total.wrappingAdd(n, ordering: .relaxed).newValue }
}

/// The progress callback for `mode`, or nil when nothing is to be reported. It is called from
/// any worker with the bytes read so far, and once with -1 when loading ends (to clear the
/// terminal line).
func _progressReporter(_ mode: LoadProgress, path: String, total: Int) -> (@Sendable (Int) -> Void)? {
    switch mode {
    case .quiet:
        return nil
    case .callback(let f):
        return { done in f(done < 0 ? total : min(done, total), total) }
    case .automatic:
        guard total >= DataLoader.progressThreshold, _Platform.isTerminal(2) else { return nil }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let megabytes = total >> 20
        // The last percentage printed, so each is printed once whichever worker gets there.
        let shown = _LastShown()
        return { done in
            if done < 0 {
                _writeStandardError("\r\u{1B}[K")
                return
            }
            let percent = min(100, done * 100 / max(1, total))
            if shown.advance(to: percent) { _writeStandardError("\rloading \(name): \(percent)% of \(megabytes) MiB") }
        }
    }
}

/// The highest value seen so far, raised atomically.
final class _LastShown: Sendable {
    private let value = Atomic<Int>(-1)
    /// True when `v` is higher than any value before (and records it).
    func advance(to v: Int) -> Bool {
        var current = value.load(ordering: .relaxed)
        while v > current {
            let (exchanged, original) = value.compareExchange(expected: current, desired: v, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }
}
