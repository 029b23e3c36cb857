import ALS
import Foundation
import Hummingbird

/// The JSON bodies the routes answer with, as api/openapi.yaml documents them.
struct ItemsResponse: Encodable {
    var items: [ScoredID]
}

struct UsersResponse: Encodable {
    var users: [ScoredID]
}

struct BatchResponse: Encodable {
    struct Result: Encodable {
        var user: String
        var items: [ScoredID]
    }

    var results: [Result]
}

struct StatusResponse: Encodable {
    var status: String
}

struct ModelResponse: Encodable {
    var path: String
    var users: Int
    var items: Int
    var factors: Int
    var mode: String
    var checksum: String
    var file_modified: String
    var loaded_at: String
    var seen_items: Bool
    var biases: Bool

    init(_ served: ServedModel) {
        let m = served.model
        let hex = String(served.checksum, radix: 16)
        path = served.path
        users = m.users
        items = m.items
        factors = m.factors
        mode = m.configuration.mode.rawValue
        checksum = String(repeating: "0", count: 16 - hex.count) + hex
        file_modified = served.fileModified.ISO8601Format()
        loaded_at = served.loadedAt.ISO8601Format()
        seen_items = m.hasSeenItems
        biases = m.hasBiases
    }
}

extension Response {
    /// Keys sorted, so equal answers are equal bytes (and the README's examples stay put).
    private static let _encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A JSON response; encoding a value of the types above cannot fail but for a non-finite
    /// score, which the library never returns: that would be a 500 `internal`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data: Data
        do {
            data = try _encoder.encode(value)
        } catch {
            throw APIError(.internal, "the response does not encode (\(error))")
        }
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
