import HTTPTypes

/// The operations of api/openapi.yaml: the router registers these paths, and a request whose
/// path is one of them under another method gets 405 with an `Allow` header instead of 404.
enum Route {
    static let userRecommendations = "/v1/users/:id/recommendations"
    static let foldIn = "/v1/recommendations"
    static let batch = "/v1/recommendations/batch"
    static let similarItems = "/v1/items/:id/similar"
    static let similarUsers = "/v1/users/:id/similar"
    static let model = "/v1/model"
    static let health = "/healthz"
    static let ready = "/readyz"
    static let metrics = "/metrics"

    static let all: [(method: HTTPRequest.Method, path: String)] = [
        (.get, userRecommendations), (.post, foldIn), (.post, batch), (.get, similarItems), (.get, similarUsers),
        (.get, model), (.get, health), (.get, ready), (.get, metrics),
    ]

    /// The methods served at a concrete path (a `:id` segment matches any one segment).
    static func methods(at path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return all.filter { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 }
        }.map(\.method)
    }
}
