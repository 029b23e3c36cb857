import Foundation
import Testing

@Suite("als-serve error classes", .serialized)
struct ErrorTests {
    /// (method, path, body, expected status, expected code)
    static let cases: [(String, String, String?, Int, String)] = [
        ("GET", "/v1/users/nobody/recommendations", nil, 404, "unknown_id"),
        ("GET", "/v1/items/nothing/similar", nil, 404, "unknown_id"),
        ("GET", "/v1/users/nobody/similar", nil, 404, "unknown_id"),
        ("GET", "/v1/users/u1/recommendations?allow=nothing", nil, 404, "unknown_id"),
        ("POST", "/v1/recommendations", #"{"interactions":[{"item":"nothing","value":1}]}"#, 404, "unknown_id"),
        ("POST", "/v1/recommendations/batch", #"{"users":["u1","nobody"]}"#, 404, "unknown_id"),
        ("GET", "/v1/users/u1/recommendations?k=0", nil, 422, "invalid_value"),
        ("GET", "/v1/users/u1/recommendations?k=-3", nil, 422, "invalid_value"),
        ("GET", "/v1/users/u1/recommendations?k=1001", nil, 422, "invalid_value"),
        ("GET", "/v1/items/i1/similar?k=99999999999999999999", nil, 400, "bad_parameter"),
        ("GET", "/v1/users/u1/similar?k=ten", nil, 400, "bad_parameter"),
        ("GET", "/v1/users/u1/recommendations?exclude_seen=maybe", nil, 400, "bad_parameter"),
        ("GET", "/v1/users/%zz/recommendations", nil, 400, "bad_parameter"),
        ("GET", "/v1/users/u1/recommendations?q=1", nil, 400, "unknown_parameter"),
        ("GET", "/v1/users/u1/recommendations?k=1&k=2", nil, 400, "unknown_parameter"),
        ("GET", "/v1/model?verbose=true", nil, 400, "unknown_parameter"),
        ("GET", "/healthz?x", nil, 400, "unknown_parameter"),
        ("POST", "/v1/recommendations", #"{"interactions":[],"k":0}"#, 422, "invalid_value"),
        ("POST", "/v1/recommendations", #"{"interactions":[{"item":"i1","value":1e30}]}"#, 422, "invalid_value"),
        ("POST", "/v1/recommendations", #"{"interactions":[{"item":"i1","value":1}],"extra":1}"#, 400, "unknown_parameter"),
        ("POST", "/v1/recommendations", #"{"interactions":[{"item":"i1","value":1,"when":3}]}"#, 400, "unknown_parameter"),
        ("POST", "/v1/recommendations", #"{"interactions":[{"item":"i1"}]}"#, 400, "malformed_body"),
        ("POST", "/v1/recommendations", #"{"interactions":"i1"}"#, 400, "malformed_body"),
        ("POST", "/v1/recommendations", #"{"interactions":[],"k":2.5}"#, 400, "malformed_body"),
        ("POST", "/v1/recommendations", #"{"interactions":[{"item":"i1","value":1e99}]}"#, 422, "invalid_value"),
        ("POST", "/v1/recommendations", #"{"interactions":[{"item":"i1","value":1e999}]}"#, 400, "malformed_body"),
        ("POST", "/v1/recommendations", #"{"interactions": ["#, 400, "malformed_body"),
        ("POST", "/v1/recommendations", "", 400, "malformed_body"),
        ("POST", "/v1/recommendations", "[1,2]", 400, "malformed_body"),
        ("POST", "/v1/recommendations", "null", 400, "malformed_body"),
        ("POST", "/v1/recommendations", #"{"interactions":[],"k":null}"#, 400, "malformed_body"),
        ("POST", "/v1/recommendations/batch", #"{"users":[1]}"#, 400, "malformed_body"),
        ("POST", "/v1/recommendations/batch", #"{"users":["u1"],"k":1001}"#, 422, "invalid_value"),
        ("POST", "/v1/recommendations?debug=1", #"{"interactions":[]}"#, 400, "unknown_parameter"),
        ("DELETE", "/v1/model", nil, 405, "method_not_allowed"),
        ("TRACE", "/v1/users/u1/similar", nil, 405, "method_not_allowed"),
        ("GET", "/v1/users//similar", nil, 404, "not_found"),
        ("GET", "/", nil, 404, "not_found"),
    ]

    @Test("each malformed request gets its documented 4xx and JSON error, never a 5xx")
    func errorClasses() async throws {
        try await withServer { port, _, _, _ in
            for (method, path, body, status, code) in Self.cases {
                let reply = try await request(method, path, body: body, port: port)
                #expect(reply.status == status, "\(method) \(path) \(body ?? "")")
                #expect(reply.errorCode == code, "\(method) \(path) \(body ?? ""): \(reply.text)")
                #expect(reply.headers["content-type"] == "application/json")
            }
            // Valid JSON that Float decoding alone would refuse (found by schemathesis).
            let tiny = try await request("POST", "/v1/recommendations",
                                         body: #"{"interactions":[{"item":"i1","value":5.3e-257}]}"#, port: port)
            #expect(tiny.status == 200)
            let wrongMethod = try await request("PUT", "/v1/recommendations", port: port)
            #expect(wrongMethod.headers["allow"] == "POST")
            // The server is still up after all of them.
            #expect(try await request("GET", "/healthz", port: port).status == 200)
        }
    }

    @Test("a body over --max-body-bytes is 413, by Content-Length or while streaming")
    func oversizedBody() async throws {
        try await withServer(maxBodyBytes: 100) { port, _, _, _ in
            let big = #"{"users":[\#(Array(repeating: #""u1""#, count: 40).joined(separator: ","))]}"#
            let declared = try await request("POST", "/v1/recommendations/batch", body: big, port: port)
            #expect(declared.status == 413 && declared.errorCode == "body_too_large")

            let connection = try await RawConnection(port: port)
            let chunk = String(repeating: " ", count: 80)
            try await connection.send("POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n50\r\n\(chunk)\r\n50\r\n\(chunk)\r\n0\r\n\r\n")
            let streamed = try await connection.receive()
            #expect(streamed.status == 413 && streamed.errorCode == "body_too_large")

            let fits = try await request("POST", "/v1/recommendations/batch", body: #"{"users":["u1"],"k":1}"#, port: port)
            #expect(fits.status == 200)
        }
    }

    @Test("--max-k is the limit of k")
    func maxK() async throws {
        try await withServer(maxK: 5) { port, _, _, _ in
            let largest = try await request("GET", "/v1/users/u1/similar?k=5", port: port)
            let over = try await request("GET", "/v1/users/u1/similar?k=6", port: port)
            #expect(largest.status == 200 && over.errorCode == "invalid_value")
        }
    }
}
