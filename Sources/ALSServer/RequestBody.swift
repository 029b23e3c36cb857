import Foundation
import Hummingbird

/// Reading and decoding a JSON request body under the size limit.
enum RequestBody {
    /// The whole body, refused with `body_too_large` (413) past `limit` bytes: at once when the
    /// `Content-Length` says so, else as soon as the streamed bytes pass it.
    static func collect(_ request: Request, limit: Int) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw tooLarge(limit)
        }
        var data = Data()
        for try await buffer in request.body {
            guard data.count + buffer.readableBytes <= limit else { throw tooLarge(limit) }
            data.append(contentsOf: buffer.readableBytesView)
        }
        return data
    }

    private static func tooLarge(_ limit: Int) -> APIError {
        APIError(.bodyTooLarge, "the request body is over the limit of \(limit) bytes (--max-body-bytes)")
    }

    /// Decodes `T` from a JSON object whose keys are all in `T.Key`: an unknown field is
    /// `unknown_parameter`, anything that is not the documented JSON `malformed_body` (both 400).
    static func decode<T: Decodable & DocumentedFields>(_ type: T.Type, from data: Data) throws -> T {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError(.malformedBody, "the body is not JSON")
        }
        try T.checkFields(object, path: "body")
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw APIError(.malformedBody, "\(where_(context.codingPath + [key])) is missing")
        } catch let DecodingError.typeMismatch(type, context) {
            throw APIError(.malformedBody, "\(where_(context.codingPath)) must be \(describe(type))")
        } catch let DecodingError.valueNotFound(type, context) {
            throw APIError(.malformedBody, "\(where_(context.codingPath)) must be \(describe(type)), not null")
        } catch let DecodingError.dataCorrupted(context) {
            throw APIError(.malformedBody, "\(where_(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw APIError(.malformedBody, "the body does not decode (\(error))")
        }
    }

    private static func where_(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "the body" : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            .replacingOccurrences(of: "^\\.", with: "", options: .regularExpression)
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Float.Type, is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object of the documented shape"
        }
    }
}

/// A body type whose objects may carry only the documented fields (`additionalProperties: false`).
protocol DocumentedFields {
    /// The field names of the object, and a check for each nested object.
    static var fields: Set<String> { get }
    static func checkNested(_ object: [String: Any], path: String) throws
}

extension DocumentedFields {
    static func checkNested(_ object: [String: Any], path: String) throws {}

    /// Throws `unknown_parameter` for a field outside `fields`, `malformed_body` for a null;
    /// leaves type errors to the decoder.
    static func checkFields(_ value: Any, path: String) throws {
        guard let object = value as? [String: Any] else { return }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw APIError(.unknownParameter, "unknown field \"\(unknown)\" in \(path); it takes \(fields.sorted().joined(separator: ", "))")
        }
        // An optional field may be left out, not sent as null (the decoder would take null as absent).
        if let null = object.keys.sorted().first(where: { object[$0] is NSNull }) {
            throw APIError(.malformedBody, "\(path).\(null) must not be null; leave it out for the default")
        }
        try checkNested(object, path: path)
    }
}
