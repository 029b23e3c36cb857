import Foundation
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// A scratch directory removed when the value goes away.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("als-serving-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// Checks that `body` throws `ALSError.corruptFile` whose reason contains `fragment`.
func expectCorrupt(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected corruptFile containing \"\(fragment)\", got success", sourceLocation: sourceLocation)
    } catch ALSError.corruptFile(_, let reason) {
        #expect(reason.contains(fragment), "reason: \(reason)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected corruptFile containing \"\(fragment)\", got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Model file: round trip")
struct ModelFileRoundTripTests {
    @Test("save then load gives the same model, bit for bit", arguments: [false, true])
    func roundTrip(biases: Bool) throws {
        let dir = try ScratchDirectory()
        var model = try ServingFixture.model(users: 33, items: 47, k: 9, seed: 61, biases: biases,
                                             globalMean: biases ? 3.25 : 0, stringIDs: biases)
        var config = model.configuration
        config.regularization = 0.75
        config.walsWeighting = .exponential(w0: 0.5, e: 0.25)
        config.seed = 1234
        model = try ALSModel(factors: model.factors, userFactors: model.userFactors, itemFactors: model.itemFactors,
                             userBiases: model.userBiases, itemBiases: model.itemBiases, globalMean: model.globalMean,
                             userIDs: model.userIDs, itemIDs: model.itemIDs, configuration: config,
                             lossHistory: [10, 5.5, .pi])
        let url = dir.file("model.als")
        try model.save(to: url)
        let loaded = try ALSModel.load(from: url)
        #expect(loaded.factors == model.factors)
        #expect(loaded.userFactors.map(\.bitPattern) == model.userFactors.map(\.bitPattern))
        #expect(loaded.itemFactors.map(\.bitPattern) == model.itemFactors.map(\.bitPattern))
        #expect(loaded.userBiases == model.userBiases && loaded.itemBiases == model.itemBiases)
        #expect(loaded.globalMean == model.globalMean)
        #expect(loaded.userIDs == model.userIDs && loaded.itemIDs == model.itemIDs)
        #expect(loaded.configuration == config)
        #expect(loaded.lossHistory == [10, 5.5, .pi])
        // fileChecksum is the header's little-endian field at 16 ..< 24, and only a loaded model has one.
        let bytes = try [UInt8](Data(contentsOf: url))
        #expect(loaded.fileChecksum == bytes[16 ..< 24].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect(model.fileChecksum == nil)
        #expect(try loaded.updating(userFactors: [Float](repeating: 0, count: model.factors), for: 0).fileChecksum == nil)
        for u in 0 ..< model.users {
            #expect(try loaded.recommend(user: u, k: 5, excludeSeen: .nothing) == (try model.recommend(user: u, k: 5, excludeSeen: .nothing)))
        }
    }

    @Test("a loaded model reads its factors from the mapping, without a copy")
    func noCopy() throws {
        let dir = try ScratchDirectory()
        let model = try ServingFixture.model(users: 20, items: 30, k: 8, seed: 62)
        let url = dir.file("m.als")
        try model.save(to: url)
        let loaded = try ALSModel.load(from: url)
        guard case .mapped(let users) = loaded._userFactors, case .mapped(let items) = loaded._itemFactors else {
            Issue.record("factors were copied into arrays")
            return
        }
        let file = users.file
        #expect(items.file === file)
        let range = UInt(bitPattern: file.base) ..< UInt(bitPattern: file.base) + UInt(file.length)
        loaded.withUserFactors { #expect(range.contains(UInt(bitPattern: $0.baseAddress!))) }
        loaded.withItemFactors { #expect(range.contains(UInt(bitPattern: $0.baseAddress!))) }
        // Sections are 64-byte aligned in the file, hence in memory.
        loaded.withItemFactors { #expect(UInt(bitPattern: $0.baseAddress!) % 64 == 0) }
        // The mapping outlives the model value that loaded it, through copies.
        let similar = try loaded.similarItems(to: 3, k: 4)
        let copy = loaded
        #expect(try copy.similarItems(to: 3, k: 4) == similar)
    }

    @Test("empty models and a model saved over an existing file")
    func edgeShapes() throws {
        let dir = try ScratchDirectory()
        let url = dir.file("e.als")
        let empty = try ALSModel(factors: 4, userFactors: [], itemFactors: [], userIDs: .identity(count: 0),
                                 itemIDs: .identity(count: 0), configuration: ALSConfiguration.plain(mode: .implicit))
        try empty.save(to: url)
        let back = try ALSModel.load(from: url)
        #expect(back.users == 0 && back.items == 0 && back.factors == 4)
        let model = try ServingFixture.model(users: 3, items: 4, k: 2, seed: 63)
        try model.save(to: url)
        #expect(try ALSModel.load(from: url).userFactors == model.userFactors)
    }

    @Test("emptyBufferTrap: a model with users and no items (or items and no users) answers with empty lists instead of trapping on an empty buffer")
    func emptyBufferTrap() throws {
        let noItems = try ALSModel(factors: 2, userFactors: [1, 2, 3, 4], itemFactors: [], userIDs: .identity(count: 2),
                                   itemIDs: .identity(count: 0), configuration: ALSConfiguration.plain(mode: .implicit))
        #expect(try noItems.recommend(user: 1, k: 3, excludeSeen: .nothing).isEmpty)
        #expect(try noItems.recommend(users: [0, 1], k: 3, excludeSeen: .nothing).allSatisfy(\.isEmpty))
        #expect(try noItems.similarUsers(to: 0, k: 3).count <= 1)
        let noUsers = try ALSModel(factors: 2, userFactors: [], itemFactors: [1, 2, 3, 4], userIDs: .identity(count: 0),
                                   itemIDs: .identity(count: 2), configuration: ALSConfiguration.plain(mode: .implicit))
        #expect(try noUsers.similarItems(to: 0, k: 3).count <= 1)
        #expect(try noUsers.recommend(users: [], k: 3, excludeSeen: .nothing).isEmpty)
    }
}

@Suite("Model file: corruption gives typed errors")
struct ModelFileCorruptionTests {
    let dir: ScratchDirectory
    let url: URL
    let bytes: [UInt8]

    init() throws {
        dir = try ScratchDirectory()
        url = dir.file("good.als")
        try ServingFixture.model(users: 17, items: 23, k: 5, seed: 64, biases: true, stringIDs: true).save(to: url)
        bytes = Array(try Data(contentsOf: url))
    }

    func load(_ b: [UInt8]) throws {
        let bad = dir.file("bad.als")
        try Data(b).write(to: bad)
        _ = try ALSModel.load(from: bad)
    }

    /// Recomputes the checksum, so that a test reaches the checks behind it.
    func resealed(_ b: [UInt8]) -> [UInt8] {
        var b = b
        let h = b.withUnsafeBytes { _XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[24...])) }
        withUnsafeBytes(of: h) { for j in 0 ..< 8 { b[16 + j] = $0[j] } }
        return b
    }

    @Test("truncated files")
    func truncated() throws {
        for n in [0, 3, 8, 100, 255, 256, 300, bytes.count / 2, bytes.count - 1] {
            expectCorrupt("truncated") { try load(Array(bytes.prefix(n))) }
        }
        expectCorrupt("unexpected bytes") { try load(bytes + [0]) }
    }

    @Test("any flipped bit after the first 24 bytes fails the checksum (or the length check)")
    func checksum() throws {
        var rng = TestRNG(seed: 65)
        let positions = Array(24 ..< 256) + (0 ..< 200).map { _ in Int.random(in: 256 ..< bytes.count, using: &rng) }
        for p in positions {
            var b = bytes
            b[p] ^= UInt8(1) << UInt8(p % 8)
            // Bytes 24..<32 hold the file length, which is compared with the real size first.
            expectCorrupt(p < 32 ? "bytes" : "checksum") { try load(b) }
        }
        var b = bytes
        b[17] ^= 0x40  // the checksum itself
        expectCorrupt("checksum") { try load(b) }
    }

    @Test("wrong magic, version and byte order are named")
    func header() throws {
        var b = bytes
        b[0] = UInt8(ascii: "X")
        expectCorrupt("not a SwiftALS model file") { try load(b) }
        b = bytes
        b[8] = 2
        expectCorrupt("format version 2") { try load(b) }
        b = bytes
        b[12 ..< 16].reverse()
        expectCorrupt("other byte order") { try load(b) }
        b = bytes
        b[13] ^= 0xFF
        expectCorrupt("byte-order mark") { try load(b) }
    }

    @Test("structurally wrong files with a valid checksum fail cleanly")
    func structure() throws {
        func patched(_ offset: Int, _ value: UInt64) -> [UInt8] {
            var b = bytes
            withUnsafeBytes(of: value) { for j in 0 ..< 8 { b[offset + j] = $0[j] } }
            return resealed(b)
        }
        expectCorrupt("section") { try load(patched(48, 18)) }                  // users no longer match
        expectCorrupt("implausible") { try load(patched(40, 1 << 40)) }          // absurd k
        expectCorrupt("outside the file") { try load(patched(72, UInt64(bytes.count))) }  // section offset
        expectCorrupt("outside the file") { try load(patched(80, 1 << 62)) }     // section length
        expectCorrupt("misaligned") { try load(patched(72, 258)) }
        var b = bytes
        b[36] = 2
        expectCorrupt("element type") { try load(resealed(b)) }
        // Mangle the id section and the configuration JSON.
        let userIDs = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 72 + 16 * 4, as: UInt64.self) })
        b = bytes
        b[userIDs] = 7
        expectCorrupt("user ids") { try load(resealed(b)) }
        let config = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 72 + 16 * 6, as: UInt64.self) })
        b = bytes
        b[config] = UInt8(ascii: "]")
        expectCorrupt("configuration") { try load(resealed(b)) }
    }

    @Test("a missing file is an I/O error")
    func missing() {
        #expect {
            _ = try ALSModel.load(from: dir.file("absent.als"))
        } throws: { error in
            if case ALSError.io = error { return true } else { return false }
        }
    }
}

@Suite("Model file: checksums")
struct ModelFileChecksumTests {
    @Test("XXH64 matches the reference implementation's values")
    func xxh64Vectors() {
        func h(_ b: [UInt8]) -> UInt64 { b.withUnsafeBytes { _XXH64.hash($0) } }
        #expect(h([]) == 0xEF46_DB37_51D8_E999)
        #expect(h(Array("a".utf8)) == 0xD24E_C4F1_A98C_6E5B)
        #expect(h(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
        #expect(h((0 ..< 37).map(UInt8.init)) == 0xD93F_A2DF_EE5C_24C9)
        let long = Array(repeating: (0 ..< 256).map(UInt8.init), count: 3).flatMap { $0 } + Array("xyz".utf8)
        #expect(h(long) == 0xE921_A1B4_5BD7_79F8)
    }

    @Test("streaming XXH64 equals one-shot whatever the split")
    func xxh64Streaming() {
        var rng = TestRNG(seed: 66)
        let data = (0 ..< 1000).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
        let whole = data.withUnsafeBytes { _XXH64.hash($0) }
        for _ in 0 ..< 50 {
            var hasher = _XXH64()
            var start = 0
            while start < data.count {
                let end = min(data.count, start + Int.random(in: 0 ... 70, using: &rng))
                data[start ..< end].withUnsafeBytes { hasher.update($0) }
                start = end
            }
            #expect(hasher.digest() == whole)
        }
    }

    @Test("CRC-32 check value")
    func crc32() {
        #expect(Array("123456789".utf8).withUnsafeBytes { _CRC32.checksum($0) } == 0xCBF4_3926)
    }
}
