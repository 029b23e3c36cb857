import ALS
import Foundation
import HTTPTypes

/// A refused request: the HTTP status and the `{"error": {"code", "message"}}` body the OpenAPI
/// document lists (api/openapi.yaml). Handlers throw it, or throw the library's `ALSError`,
/// which `init(_:)` maps; `ServingMiddleware` writes the response, in one place.
public struct APIError: Error, Sendable, Equatable {
    public enum Code: String, Sendable, Codable, CaseIterable {
        case unknownID = "unknown_id"
        case malformedBody = "malformed_body"
        case unknownParameter = "unknown_parameter"
        case badParameter = "bad_parameter"
        case invalidValue = "invalid_value"
        case bodyTooLarge = "body_too_large"
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case `internal` = "internal"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The status of each code: 404 for what does not exist, 400 for a request that does not
    /// follow the document, 422 for a well-formed one whose values are refused, 413 for a body
    /// over the limit, 405 for a path served under other methods. `internal` (a bug, never a client's doing) is the only 5xx.
    public var status: HTTPResponse.Status {
        switch code {
        case .unknownID, .notFound: .notFound
        case .malformedBody, .unknownParameter, .badParameter: .badRequest
        case .invalidValue: .unprocessableContent
        case .bodyTooLarge: .contentTooLarge
        case .methodNotAllowed: .methodNotAllowed
        case .internal: .internalServerError
        }
    }

    /// Maps any error a handler threw: the library's unknown ids are 404, the values it refuses
    /// are 422; anything else is a bug of the server, 500.
    init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let ALSError.unknownID(kind, id):
            self.init(.unknownID, "unknown \(kind) id \"\(id)\"")
        case let error as ALSError:
            switch error {
            case .invalidConfiguration, .shapeMismatch, .nonFinite, .nonFiniteSolution, .notPositiveDefinite:
                self.init(.invalidValue, error.description)
            default:
                self.init(.internal, error.description)
            }
        default:
            self.init(.internal, "\(error)")
        }
    }
}

extension APIError: Encodable {
    private struct Body: Encodable {
        var code: Code
        var message: String
    }

    private enum Key: String, CodingKey { case error }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(Body(code: code, message: message), forKey: .error)
    }
}
