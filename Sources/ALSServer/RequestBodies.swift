/// The JSON bodies of the POST routes, as api/openapi.yaml documents them.

/// `POST /v1/recommendations`.
struct FoldInRequest: Decodable, DocumentedFields {
    struct Interaction: Decodable, DocumentedFields {
        var item: String
        /// Decoded as a Double: a tiny value such as 1e-300 is valid JSON that Float decoding
        /// refuses; it rounds to 0 like any other value past Float's range of precision.
        var value: Double
        static let fields: Set<String> = ["item", "value"]
    }

    var interactions: [Interaction]
    var k: Int?
    static let fields: Set<String> = ["interactions", "k"]

    static func checkNested(_ object: [String: Any], path: String) throws {
        for (j, element) in ((object["interactions"] as? [Any]) ?? []).enumerated() {
            try Interaction.checkFields(element, path: "\(path).interactions[\(j)]")
        }
    }

    /// The largest interaction value accepted, as the document says: far past any rating or
    /// count, and small enough that the fold-in's confidence weights stay finite.
    static let maxValue: Double = 1_000_000
}

/// `POST /v1/recommendations/batch`.
struct BatchRequest: Decodable, DocumentedFields {
    var users: [String]
    var k: Int?
    static let fields: Set<String> = ["users", "k"]
}
