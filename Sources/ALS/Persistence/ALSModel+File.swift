import Foundation

extension ALSModel {
    /// Writes the model in SwiftALS's binary format (the layout is documented in the library's source): header,
    /// factors, biases, id maps, configuration, loss history, the item counts fold-in needs (when
    /// the model has them) and the seen items, with an XXH64 checksum.
    ///
    /// - Parameters:
    ///   - url: the file to write; its directory must exist.
    ///   - includeSeenItems: write the training interactions the model keeps
    ///   (`hasSeenItems`), so that a loaded model leaves them out of its recommendations by
    ///   default. Default true; they cost 4 bytes per interaction plus 8 per user.
    /// The file is written atomically (a temporary name beside `url`, synced, then renamed over
    /// `url`), so a reader, a model mapped from the old file, or a later load after a
    /// killed save sees the old file or the new one, never half of one.
    /// - Throws: `ALSError.io` when the file cannot be written.
    public func save(to url: URL, includeSeenItems: Bool = true) throws {
        let path = url.path
        let config: [UInt8]
        do {
            config = Array(try JSONEncoder().encode(configuration))
        } catch {
            throw ALSError.io(path: path, reason: "cannot encode the configuration (\(error))")
        }
        let userIDBytes = _IDMapCodec.encode(userIDs), itemIDBytes = _IDMapCodec.encode(itemIDs)
        let seen = includeSeenItems ? _seen : nil
        let counts = _itemCounts.map { $0.map(Int64.init) }
        let seenEntries = seen?.withArrays { $1.count }
        let lengths: [Int?] = [4 * users * factors, 4 * items * factors, 4 * userBiases.count, 4 * itemBiases.count,
                               userIDBytes.count, itemIDBytes.count, config.count, 8 * lossHistory.count,
                               counts.map { 8 * $0.count }, seen.map { _ in 8 * (users + 1) }, seenEntries.map { 4 * $0 }]
        let (sections, fileLength) = _ModelFile.layout(lengths)
        var header = _ModelFile.Header()
        header.fileLength = UInt64(fileLength)
        header.factors = UInt64(factors)
        header.users = UInt64(users)
        header.items = UInt64(items)
        header.hasBiases = hasBiases
        header.globalMean = globalMean
        header.sections = sections

        let writer = _ChecksummingWriter(try _AtomicFile(path: path))
        let headerBytes = header.encoded()
        try headerBytes.withUnsafeBytes { try writer.write($0) }
        func section(_ s: _ModelFile.Section, _ bytes: UnsafeRawBufferPointer) throws {
            try writer.pad(to: sections[s.rawValue].offset)
            try writer.write(bytes)
        }
        try _userFactors.withUnsafeBufferPointer { try section(.userFactors, UnsafeRawBufferPointer($0)) }
        try _itemFactors.withUnsafeBufferPointer { try section(.itemFactors, UnsafeRawBufferPointer($0)) }
        try userBiases.withUnsafeBytes { try section(.userBiases, $0) }
        try itemBiases.withUnsafeBytes { try section(.itemBiases, $0) }
        try userIDBytes.withUnsafeBytes { try section(.userIDs, $0) }
        try itemIDBytes.withUnsafeBytes { try section(.itemIDs, $0) }
        try config.withUnsafeBytes { try section(.configuration, $0) }
        try lossHistory.withUnsafeBytes { try section(.lossHistory, $0) }
        if let counts { try counts.withUnsafeBytes { try section(.itemCounts, $0) } }
        try seen?.withArrays { offsets, indices in
            try section(.seenOffsets, UnsafeRawBufferPointer(offsets))
            try section(.seenItems, UnsafeRawBufferPointer(indices))
        }
        try writer.finish(checksumAt: _ModelFile.checksumOffset)
    }

    /// Loads a model written by `save(to:includeSeenItems:)`. The factor matrices and the seen
    /// items are not copied: they stay in the read-only file mapping, which lives as long as the
    /// model (or any copy of it). Only the biases, id maps, configuration, loss history and item
    /// counts are decoded into memory. A file written before models kept their item counts and
    /// seen items loads as a model without them (`itemCounts` nil, `hasSeenItems` false).
    ///
    /// - Throws: `ALSError.corruptFile` when the file is truncated, corrupt (checksum or
    ///   structure), of another format version or byte order, or not a model file at all;
    ///   `ALSError.io` when it cannot be opened.
    public static func load(from url: URL) throws -> ALSModel {
        let path = url.path
        let file = try _MappedFile(path: path)
        let bytes = file.bytes
        let h = try _ModelFile.Header.decode(bytes, path: path)
        func corrupt(_ reason: String) -> ALSError { .corruptFile(path: path, reason: reason) }
        guard h.factors <= 1 << 20, h.users <= 1 << 40, h.items <= 1 << 40 else {
            throw corrupt("implausible shape \(h.users)×\(h.items), k = \(h.factors)")
        }
        let k = Int(h.factors), users = Int(h.users), items = Int(h.items)
        func section(_ s: _ModelFile.Section) -> (offset: Int, length: Int) { h.sections[s.rawValue] }
        func region(_ s: _ModelFile.Section) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[section(s).offset ..< section(s).offset + section(s).length])
        }
        func floats(_ s: _ModelFile.Section, count: Int) throws -> _MappedFloats {
            let (offset, length) = section(s)
            guard length == 4 * count else { throw corrupt("section \(s) has \(length) bytes, expected \(4 * count)") }
            guard offset % MemoryLayout<Float>.alignment == 0 else { throw corrupt("section \(s) is misaligned") }
            return _MappedFloats(file: file, offset: offset, count: count)
        }
        func array<T>(_ s: _ModelFile.Section, of: T.Type, count: Int? = nil) throws -> [T] {
            let r = region(s)
            let n = r.count / MemoryLayout<T>.size
            guard r.count % MemoryLayout<T>.size == 0, count == nil || count == n else {
                throw corrupt("section \(s) has \(r.count) bytes, which does not fit its shape")
            }
            return (0 ..< n).map { r.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) }
        }
        let userFactors = try floats(.userFactors, count: users * k)
        let itemFactors = try floats(.itemFactors, count: items * k)
        let userBiases = try array(.userBiases, of: Float.self, count: h.hasBiases ? users : 0)
        let itemBiases = try array(.itemBiases, of: Float.self, count: h.hasBiases ? items : 0)
        let userIDs = try _IDMapCodec.decode(region(.userIDs), expectedCount: users, what: "user", path: path)
        let itemIDs = try _IDMapCodec.decode(region(.itemIDs), expectedCount: items, what: "item", path: path)
        let configuration: ALSConfiguration
        do {
            configuration = try JSONDecoder().decode(ALSConfiguration.self, from: Data(region(.configuration)))
        } catch {
            throw corrupt("the configuration does not decode (\(error))")
        }
        let lossHistory = try array(.lossHistory, of: Double.self)
        func present(_ s: _ModelFile.Section) -> Bool { section(s).offset != 0 }
        let itemCounts = present(.itemCounts) ? try array(.itemCounts, of: Int64.self, count: items).map(Int.init) : nil
        guard present(.seenOffsets) == present(.seenItems) else { throw corrupt("one of the two seen-item sections is missing") }
        let seen = present(.seenOffsets)
            ? try _SeenMatrix(file: file, offsets: section(.seenOffsets), indices: section(.seenItems), users: users, items: items)
            : nil
        do {
            var model = try ALSModel(
                factors: k, userStorage: .mapped(userFactors), itemStorage: .mapped(itemFactors),
                userBiases: userBiases, itemBiases: itemBiases, globalMean: h.globalMean, userIDs: userIDs,
                itemIDs: itemIDs, configuration: configuration, lossHistory: lossHistory, itemCounts: itemCounts, seen: seen)
            model.fileChecksum = h.checksum
            return model
        } catch let error as ALSError {
            throw corrupt("inconsistent model (\(error))")
        }
    }

    /// Reads the factors without copying, even for a model loaded from a file: `body` gets
    /// users × k row-major floats, valid only during the call.
    public func withUserFactors<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try _userFactors.withUnsafeBufferPointer(body)
    }

    /// As `withUserFactors`, for the items × k item factors.
    public func withItemFactors<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try _itemFactors.withUnsafeBufferPointer(body)
    }
}

/// Sequential writes to an atomic file with XXH64 over everything from
/// `_ModelFile.checksummedFrom` on. The file is moved into place by `finish` only; a writer
/// dropped before it (an error, say) removes its temporary file.
private final class _ChecksummingWriter {
    private let file: _AtomicFile
    private var hasher = _XXH64()
    private var position = 0

    init(_ file: _AtomicFile) { self.file = file }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        let skip = max(0, min(bytes.count, _ModelFile.checksummedFrom - position))
        hasher.update(UnsafeRawBufferPointer(rebasing: bytes[skip...]))
        position += bytes.count
        try file.write(bytes)
    }

    /// Zero bytes up to file offset `offset`.
    func pad(to offset: Int) throws {
        if offset > position {
            let zeros = [UInt8](repeating: 0, count: offset - position)
            try zeros.withUnsafeBytes { try write($0) }
        }
    }

    /// Stores the checksum at `offset` and commits the file.
    func finish(checksumAt offset: Int) throws {
        var digest = hasher.digest()
        try withUnsafeBytes(of: &digest) { try file.write($0, at: offset) }
        try file.commit()
    }
}
