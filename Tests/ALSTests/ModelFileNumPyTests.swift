import Foundation
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Model file: NumPy interchange with implicit")
struct ModelFileNumPyTests {
    @Test("npz round trip keeps factors, ids and hyperparameters", arguments: [false, true])
    func npzRoundTrip(stringIDs: Bool) throws {
        let dir = try ScratchDirectory()
        let model = try ServingFixture.model(users: 21, items: 34, k: 6, seed: 71, stringIDs: stringIDs)
        let url = dir.file("m.npz")
        try model.exportNPZ(to: url)
        let back = try ALSModel.importNPZ(from: url)
        #expect(back.userFactors == model.userFactors && back.itemFactors == model.itemFactors)
        #expect(back.userIDs == model.userIDs && back.itemIDs == model.itemIDs)
        #expect(back.factors == 6)
        #expect(back.configuration.regularization == model.configuration.regularization)
        #expect(back.configuration.alpha == model.configuration.alpha)
        #expect(back.configuration.iterations == model.configuration.iterations)
        #expect(back.configuration.seed == model.configuration.seed)
        #expect(back.configuration.confidence == .scaled)
    }

    @Test("biases and the global mean are folded into two columns with the same ranking")
    func foldedBiases() throws {
        let dir = try ScratchDirectory()
        let model = try ServingFixture.model(users: 9, items: 50, k: 5, seed: 72, biases: true, globalMean: 2.5)
        let url = dir.file("b.npz")
        try model.exportNPZ(to: url)
        let back = try ALSModel.importNPZ(from: url)
        #expect(back.factors == 7 && !back.hasBiases)
        for u in 0 ..< model.users {
            for i in 0 ..< model.items {
                #expect(abs(back.score(user: u, item: i) - model.score(user: u, item: i)) < 1e-5)
            }
            #expect(try back.recommend(user: u, k: 10, excludeSeen: .nothing).map(\.index)
                == (try model.recommend(user: u, k: 10, excludeSeen: .nothing)).map(\.index))
        }
    }

    @Test("npy export and import of the two factor matrices")
    func npyRoundTrip() throws {
        let dir = try ScratchDirectory()
        let model = try ServingFixture.model(users: 4, items: 7, k: 3, seed: 73)
        let (u, i) = (dir.file("users.npy"), dir.file("items.npy"))
        try model.exportNPY(userFactorsTo: u, itemFactorsTo: i)
        let bytes = Array(try Data(contentsOf: u))
        #expect(bytes.count % 16 == 0 && bytes.count == 128 + 4 * 4 * 3, "64-byte aligned header, then the data")
        let back = try ALSModel.importNPY(userFactors: u, itemFactors: i, configuration: model.configuration)
        #expect(back.userFactors == model.userFactors && back.itemFactors == model.itemFactors)
        #expect(throws: ALSError.self) {
            try ALSModel.importNPY(userFactors: u, itemFactors: dir.file("absent.npy"), configuration: model.configuration)
        }
    }

    @Test("reads an npz written by implicit 0.7.3's save (ZIP64 records, unicode dtype, bools)")
    func readsImplicitFile() throws {
        let dir = try ScratchDirectory()
        let url = dir.file("implicit.npz")
        try Data(base64Encoded: Self.implicitSaved.joined())!.write(to: url)
        let m = try ALSModel.importNPZ(from: url)
        #expect(m.users == 3 && m.items == 4 && m.factors == 2)
        #expect(m.userFactors == [1, -2, 0.5, 0.25, 3, 4])
        #expect(m.itemFactors == [1.5, 0, -1, 1, 0, 2, 0.125, -0.5])
        #expect(m.configuration.regularization == 0.5 && m.configuration.alpha == 2)
        #expect(m.configuration.iterations == 7 && m.configuration.seed == 7 && m.configuration.cgSteps == 3)
        #expect(m.configuration.solver == .cg && !m.configuration.computeLoss)
        #expect(m.userIDs == .identity(count: 3))
    }

    @Test("corrupt and unsupported npz files give typed errors")
    func corruptNPZ() throws {
        let dir = try ScratchDirectory()
        let good = Array(Data(base64Encoded: Self.implicitSaved.joined())!)
        func load(_ b: [UInt8]) throws {
            let url = dir.file("x.npz")
            try Data(b).write(to: url)
            _ = try ALSModel.importNPZ(from: url)
        }
        var b = good
        b[200] ^= 1  // inside user_factors' data
        expectCorrupt("CRC-32") { try load(b) }
        expectCorrupt("end-of-central-directory") { try load(Array(good.prefix(1000))) }
        expectCorrupt("end-of-central-directory") { try load(Array(repeating: 7, count: 10)) }
        b = good
        b[8] = 8  // method of the first member: deflate
        // The local header's method is not what the reader trusts; the central one is.
        let central = good.indices.first { good[$0 ..< $0 + 4] == [0x50, 0x4B, 0x01, 0x02] }!
        b = good
        b[central + 10] = 8
        expectCorrupt("np.savez_compressed") { try load(b) }
    }

    /// `implicit.cpu.als.AlternatingLeastSquares(factors=2, regularization=0.5, alpha=2.0,
    /// iterations=7, random_state=7)` with user_factors [[1, -2], [0.5, 0.25], [3, 4]] and
    /// item_factors [[1.5, 0], [-1, 1], [0, 2], [0.125, -0.5]] (float32), saved with its `save`
    /// into a BytesIO, base64.
    static let implicitSaved = [
        "UEsDBC0AAAAAAAAAIQCXZq+N//////////8QABQAdXNlcl9mYWN0b3JzLm5weQEAEACYAAAAAAAAAJgAAAAAAAAAk05VTVBZAQB2",
        "AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDIpLCB9ICAgICAgICAgICAgICAg",
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAwAAAAD8AAIA+AABAQAAAgEBQSwMELQAA",
        "AAAAAAAhAEZPVQX//////////xAAFABpdGVtX2ZhY3RvcnMubnB5AQAQAKAAAAAAAAAAoAAAAAAAAACTTlVNUFkBAHYAeydkZXNj",
        "cic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoNCwgMiksIH0gICAgICAgICAgICAgICAgICAgICAg",
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgAAwD8AAAAAAACAvwAAgD8AAAAAAAAAQAAAAD4AAAC/UEsDBC0A",
        "AAAAAAAAIQBw7pJp//////////8SABQAcmVndWxhcml6YXRpb24ubnB5AQAQAIgAAAAAAAAAiAAAAAAAAACTTlVNUFkBAHYAeydk",
        "ZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoKSwgfSAgICAgICAgICAgICAgICAgICAgICAg",
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgAAAAAAAOA/UEsDBC0AAAAAAAAAIQBHthAk//////////8L",
        "ABQAZmFjdG9ycy5ucHkBABAAiAAAAAAAAACIAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVy",
        "JzogRmFsc2UsICdzaGFwZSc6ICgpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg",
        "ICAgICAgICAgICAKAgAAAAAAAABQSwMELQAAAAAAAAAhADqxNWb//////////w8AFABudW1fdGhyZWFkcy5ucHkBABAAiAAAAAAA",
        "AACIAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgpLCB9",
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAAAABQSwME",
        "LQAAAAAAAAAhACO48Gz//////////w4AFABpdGVyYXRpb25zLm5weQEAEACIAAAAAAAAAIgAAAAAAAAAk05VTVBZAQB2AHsnZGVz",
        "Y3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAg",
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAAAAAAAFBLAwQtAAAAAAAAACEAgi340///////////DgAU",
        "AHVzZV9uYXRpdmUubnB5AQAQAIEAAAAAAAAAgQAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICd8YjEnLCAnZm9ydHJhbl9vcmRl",
        "cic6IEZhbHNlLCAnc2hhcGUnOiAoKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg",
        "ICAgICAgICAgICAgCgFQSwMELQAAAAAAAAAhAIIt+NP//////////woAFAB1c2VfY2cubnB5AQAQAIEAAAAAAAAAgQAAAAAAAACT",
        "TlVNUFkBAHYAeydkZXNjcic6ICd8YjEnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoKSwgfSAgICAgICAgICAg",
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgFQSwMELQAAAAAAAAAhANm2uuj/////",
        "/////wwAFABjZ19zdGVwcy5ucHkBABAAiAAAAAAAAACIAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpOCcsICdmb3J0cmFu",
        "X29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg",
        "ICAgICAgICAgICAgICAgICAKAwAAAAAAAABQSwMELQAAAAAAAAAhABQd/6T//////////xsAFABjYWxjdWxhdGVfdHJhaW5pbmdf",
        "bG9zcy5ucHkBABAAgQAAAAAAAACBAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJ3xiMScsICdmb3J0cmFuX29yZGVyJzogRmFs",
        "c2UsICdzaGFwZSc6ICgpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg",
        "ICAgICAKAFBLAwQtAAAAAAAAACEAKeU3c///////////CQAUAGR0eXBlLm5weQEAEACcAAAAAAAAAJwAAAAAAAAAk05VTVBZAQB2",
        "AHsnZGVzY3InOiAnPFU3JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAg",
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIApmAAAAbAAAAG8AAABhAAAAdAAAADMAAAAyAAAAUEsD",
        "BC0AAAAAAAAAIQAjuPBs//////////8QABQAcmFuZG9tX3N0YXRlLm5weQEAEACIAAAAAAAAAIgAAAAAAAAAk05VTVBZAQB2AHsn",
        "ZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAg",
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAAAAAAAFBLAwQtAAAAAAAAACEAMXFW9///////////",
        "CQAUAGFscGhhLm5weQEAEACIAAAAAAAAAIgAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXIn",
        "OiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg",
        "ICAgICAgICAgIAoAAAAAAAAAQFBLAQItAy0AAAAAAAAAIQCXZq+NmAAAAJgAAAAQAAAAAAAAAAAAAACAAQAAAAB1c2VyX2ZhY3Rv",
        "cnMubnB5UEsBAi0DLQAAAAAAAAAhAEZPVQWgAAAAoAAAABAAAAAAAAAAAAAAAIAB2gAAAGl0ZW1fZmFjdG9ycy5ucHlQSwECLQMt",
        "AAAAAAAAACEAcO6SaYgAAACIAAAAEgAAAAAAAAAAAAAAgAG8AQAAcmVndWxhcml6YXRpb24ubnB5UEsBAi0DLQAAAAAAAAAhAEe2",
        "ECSIAAAAiAAAAAsAAAAAAAAAAAAAAIABiAIAAGZhY3RvcnMubnB5UEsBAi0DLQAAAAAAAAAhADqxNWaIAAAAiAAAAA8AAAAAAAAA",
        "AAAAAIABTQMAAG51bV90aHJlYWRzLm5weVBLAQItAy0AAAAAAAAAIQAjuPBsiAAAAIgAAAAOAAAAAAAAAAAAAACAARYEAABpdGVy",
        "YXRpb25zLm5weVBLAQItAy0AAAAAAAAAIQCCLfjTgQAAAIEAAAAOAAAAAAAAAAAAAACAAd4EAAB1c2VfbmF0aXZlLm5weVBLAQIt",
        "Ay0AAAAAAAAAIQCCLfjTgQAAAIEAAAAKAAAAAAAAAAAAAACAAZ8FAAB1c2VfY2cubnB5UEsBAi0DLQAAAAAAAAAhANm2uuiIAAAA",
        "iAAAAAwAAAAAAAAAAAAAAIABXAYAAGNnX3N0ZXBzLm5weVBLAQItAy0AAAAAAAAAIQAUHf+kgQAAAIEAAAAbAAAAAAAAAAAAAACA",
        "ASIHAABjYWxjdWxhdGVfdHJhaW5pbmdfbG9zcy5ucHlQSwECLQMtAAAAAAAAACEAKeU3c5wAAACcAAAACQAAAAAAAAAAAAAAgAHw",
        "BwAAZHR5cGUubnB5UEsBAi0DLQAAAAAAAAAhACO48GyIAAAAiAAAABAAAAAAAAAAAAAAAIABxwgAAHJhbmRvbV9zdGF0ZS5ucHlQ",
        "SwECLQMtAAAAAAAAACEAMXFW94gAAACIAAAACQAAAAAAAAAAAAAAgAGRCQAAYWxwaGEubnB5UEsFBgAAAAANAA0AEQMAAFQKAAAA",
        "AA==",
    ]
}
