import Hummingbird

/// The query parameters of one request, checked against the names the route documents: any
/// other name is `unknown_parameter` (400), a value of the wrong type `bad_parameter` (400), a
/// `k` out of 1 … `maxK` is `invalid_value` (422).
struct RequestQuery {
    private let parameters: [(name: String, value: String)]

    /// - Throws: `unknown_parameter` for a name outside `allowed`, or a name given twice.
    init(_ request: Request, allowed: Set<String>) throws {
        parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        var names = Set<String>()
        for (name, _) in parameters {
            guard allowed.contains(name) else {
                throw APIError(.unknownParameter, "unknown query parameter \"\(name)\"; this route takes \(allowed.sorted().joined(separator: ", "))")
            }
            guard names.insert(name).inserted else {
                throw APIError(.unknownParameter, "query parameter \"\(name)\" is given more than once")
            }
        }
    }

    private func value(_ name: String) -> String? { parameters.first { $0.name == name }?.value }

    /// `k`, default 10.
    func k(maxK: Int) throws -> Int {
        guard let text = value("k") else { return try RequestQuery.checkK(10, maxK: maxK) }
        guard let k = Int(text) else { throw APIError(.badParameter, "k must be an integer, not \"\(text)\"") }
        return try RequestQuery.checkK(k, maxK: maxK)
    }

    /// One rule for `k`, in the query or in a body.
    static func checkK(_ k: Int, maxK: Int) throws -> Int {
        guard 1 ... maxK ~= k else { throw APIError(.invalidValue, "k must be between 1 and \(maxK), not \(k)") }
        return k
    }

    /// A boolean, `true` or `false`.
    func bool(_ name: String, default fallback: Bool) throws -> Bool {
        switch value(name) {
        case nil: fallback
        case "true": true
        case "false": false
        case let text?: throw APIError(.badParameter, "\(name) must be true or false, not \"\(text)\"")
        }
    }

    /// A comma-separated list (OpenAPI `style: form, explode: false`); an empty value is an empty list.
    func list(_ name: String) -> [String]? {
        value(name).map { $0.isEmpty ? [] : $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}

extension Parameters {
    /// The percent-decoded path parameter `name` (the router matches the raw path).
    func decoded(_ name: String) throws -> String {
        guard let raw = get(name), let id = raw.removingPercentEncoding else {
            throw APIError(.badParameter, "the \(name) in the path is not valid percent-encoding")
        }
        return id
    }
}
