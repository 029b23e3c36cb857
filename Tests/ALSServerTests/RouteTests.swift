@testable import ALSServer
import Foundation
import Testing

@Suite("als-serve routes", .serialized)
struct RouteTests {
    @Test("every route answers 200 with the documented JSON")
    func everyRoute() async throws {
        try await withServer { port, _, _, _ in
            let recs = try await request("GET", "/v1/users/u3/recommendations?k=3&exclude_seen=false", port: port)
            #expect(recs.status == 200 && recs.headers["content-type"] == "application/json")
            let items = try #require(recs.json?["items"] as? [[String: Any]])
            #expect(items.count == 3 && items.allSatisfy { $0["id"] is String && $0["score"] is Double })

            let seen = try await request("GET", "/v1/users/u3/recommendations?k=15", port: port)
            #expect(seen.status == 200 && ((seen.json?["items"] as? [Any])?.count ?? 99) < 15)

            let allowed = try await request("GET", "/v1/users/u3/recommendations?k=5&exclude_seen=false&allow=i1,i2&deny=i2", port: port)
            #expect((allowed.json?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["i1"])

            let foldIn = try await request("POST", "/v1/recommendations",
                                           body: #"{"interactions":[{"item":"i1","value":1.0},{"item":"i4","value":2}],"k":4}"#, port: port)
            let foldInItems = try #require(foldIn.json?["items"] as? [[String: Any]])
            #expect(foldIn.status == 200 && foldInItems.count == 4)
            #expect(!foldInItems.contains { ["i1", "i4"].contains($0["id"] as? String) })

            let batch = try await request("POST", "/v1/recommendations/batch", body: #"{"users":["u1","u2"],"k":2}"#, port: port)
            let results = try #require(batch.json?["results"] as? [[String: Any]])
            #expect(batch.status == 200 && results.map { $0["user"] as? String } == ["u1", "u2"])

            let similarItems = try await request("GET", "/v1/items/i2/similar?k=3", port: port)
            #expect(similarItems.status == 200 && (similarItems.json?["items"] as? [Any])?.count == 3)
            let similarUsers = try await request("GET", "/v1/users/u2/similar", port: port)
            #expect(similarUsers.status == 200 && (similarUsers.json?["users"] as? [Any])?.count == 10)

            let model = try await request("GET", "/v1/model", port: port)
            #expect(model.json?["users"] as? Int == 12 && model.json?["items"] as? Int == 15)
            #expect(model.json?["factors"] as? Int == 4 && model.json?["mode"] as? String == "implicit")
            #expect((model.json?["checksum"] as? String)?.count == 16 && model.json?["seen_items"] as? Bool == true)

            #expect(try await request("GET", "/healthz", port: port).json?["status"] as? String == "ok")
            #expect(try await request("GET", "/readyz", port: port).json?["status"] as? String == "ready")

            let metrics = try await request("GET", "/metrics", port: port)
            #expect(metrics.status == 200)
            #expect(metrics.text.contains(#"als_http_requests_total{route="/v1/users/{id}/recommendations",method="GET",status="200"} 3"#))
            #expect(metrics.text.contains("als_http_request_duration_seconds_bucket"))
            #expect(metrics.text.contains("als_model_loads_total 1"))
            #expect(metrics.text.contains("als_model_load_failures_total 0"))
            #expect(metrics.text.contains("als_model_age_seconds"))
        }
    }

    @Test("every path and method of api/openapi.yaml is a route, and nothing else is")
    func conformsToDocument() async throws {
        let document = try String(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("api/openapi.yaml"), encoding: .utf8)
        var operations: [(method: String, path: String)] = []
        var path: String?
        for line in document.split(separator: "\n") {
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            if let path, line == "    get:" || line == "    post:" {
                operations.append((line.trimmingCharacters(in: .whitespaces).dropLast().uppercased(), path))
            }
            if !line.hasPrefix(" ") { path = nil }
        }
        #expect(operations.map { "\($0.method) \($0.path)" }.sorted()
            == Route.all.map { "\($0.method.rawValue) \($0.path.replacingOccurrences(of: ":id", with: "{id}"))" }.sorted())
        // The error codes the document lists are exactly the server's 4xx codes.
        let documented = document.split(separator: "\n").first { $0.contains("enum: [unknown_id") }
        let codes = APIError.Code.allCases.filter { $0 != .internal }.map(\.rawValue)
        #expect(APIError.Code.allCases.allSatisfy { ($0 == .internal) == (APIError($0, "").status.code >= 500) })
        #expect(documented?.contains("enum: [\(codes.joined(separator: ", "))]") == true)
        try await withServer { port, _, _, _ in
            for (method, path) in operations {
                let concrete = path.replacingOccurrences(of: "{id}", with: "nobody")
                let reply = try await request(method, concrete, body: method == "POST" ? "{}" : nil, port: port)
                #expect(reply.errorCode != "not_found", "\(method) \(path) is not served")
                #expect(reply.status < 500)
            }
            let other = try await request("GET", "/v1/nothing", port: port)
            #expect(other.status == 404 && other.errorCode == "not_found")
            let wrongMethod = try await request("GET", "/v1/recommendations", port: port)
            #expect(wrongMethod.status == 405 && wrongMethod.errorCode == "method_not_allowed")
        }
    }
}
