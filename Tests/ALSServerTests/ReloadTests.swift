import ALS
@testable import ALSServer
import Foundation
import Testing

@Suite("als-serve reload and shutdown", .serialized)
struct ReloadTests {
    @Test("a reload swaps in a good file; a corrupt one keeps the old model serving and is counted")
    func reload() async throws {
        try await withServer { port, server, _, folder in
            let path = URL(fileURLWithPath: server.configuration.modelPath)
            let before = try #require(try await request("GET", "/v1/model", port: port).json?["checksum"] as? String)

            // A good file with another shape.
            let other = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: other) }
            try replaceAtomically(path, with: try Data(contentsOf: try trainedModelFile(users: 20, items: 9, in: other)))
            #expect(await server.store.reload())
            let after = try await request("GET", "/v1/model", port: port).json
            #expect(after?["users"] as? Int == 20 && after?["items"] as? Int == 9)
            #expect(after?["checksum"] as? String != before)
            #expect(try await request("GET", "/v1/users/u19/recommendations", port: port).status == 200)

            // A corrupt file: one byte flipped past the header, so the checksum fails.
            var bytes = try Data(contentsOf: path)
            bytes[bytes.count - 5] ^= 0xFF
            try replaceAtomically(path, with: bytes)
            #expect(await server.store.reload() == false)
            // Not even a model file.
            try replaceAtomically(path, with: Data("not a model".utf8))
            #expect(await server.store.reload() == false)
            #expect(try await request("GET", "/v1/model", port: port).json?["users"] as? Int == 20)
            #expect(try await request("GET", "/v1/users/u19/recommendations", port: port).status == 200)
            let metrics = try await request("GET", "/metrics", port: port).text
            #expect(metrics.contains("als_model_loads_total 2"))
            #expect(metrics.contains("als_model_load_failures_total 2"))
            _ = folder
        }
    }

    @Test("requests in flight during a reload finish, all 200")
    func reloadUnderLoad() async throws {
        try await withServer { port, server, _, _ in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for j in 0 ..< 40 {
                    group.addTask { try await request("GET", "/v1/users/u\(j % 12)/recommendations?k=3", port: port).status }
                }
                group.addTask { await server.store.reload() ? 200 : 0 }
                for try await status in group { #expect(status == 200) }
            }
        }
    }

    @Test("graceful shutdown lets a request in flight finish")
    func shutdownDrains() async throws {
        try await withServer { port, _, group, _ in
            // Headers and half of the body, then the shutdown, then the rest of the body.
            let body = #"{"users":["u1","u2"],"k":2}"#
            let connection = try await RawConnection(port: port)
            try await connection.send("POST /v1/recommendations/batch HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body.prefix(10))
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await Task.sleep(for: .milliseconds(100))
            try await connection.send(String(body.dropFirst(10)))
            let reply = try await connection.receive()
            #expect(reply.status == 200)
            #expect((reply.json?["results"] as? [Any])?.count == 2)
            // A new connection is refused once the server has stopped listening.
            await #expect(throws: (any Error).self) { _ = try await request("GET", "/healthz", port: port) }
        }
    }
}
