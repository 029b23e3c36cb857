import ALS
@testable import ALSServer
import Foundation
import Logging
import ServiceLifecycle

/// A tiny model trained in the test (milliseconds), saved to a fresh folder.
func trainedModelFile(users: Int = 12, items: Int = 15, in folder: URL) throws -> URL {
    let rows: [(user: String, item: String, value: Float)] = (0 ..< users * 5).map { j in
        ("u\(j % users)", "i\((j * 7) % items)", Float(1 + j % 3))
    }
    var config = ALSConfiguration(mode: .implicit)
    config.factors = 4
    config.iterations = 3
    let model = try ALSTrainer(config).fit(try InteractionMatrix(rows: rows))
    let url = folder.appendingPathComponent("model.als")
    try model.save(to: url)
    return url
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("als-serve-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Replaces `url` the way a model should be replaced under a running server: write beside it,
/// then rename over it.
func replaceAtomically(_ url: URL, with data: Data) throws {
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".next-\(UUID().uuidString)")
    try data.write(to: temporary)
    guard rename(temporary.path, url.path) == 0 else { throw POSIXError(.EIO) }
}

/// A server on an ephemeral loopback port for the duration of `body`, run in its own
/// `ServiceGroup` and shut down gracefully afterwards.
func withServer(maxK: Int = 1000, maxBodyBytes: Int = 65_536,
                _ body: (_ port: Int, _ server: ALSServer, _ group: ServiceGroup, _ folder: URL) async throws -> Void) async throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var configuration = ServerConfiguration(modelPath: try trainedModelFile(in: folder).path)
    configuration.port = 0
    configuration.threads = 1
    configuration.maxK = maxK
    configuration.maxBodyBytes = maxBodyBytes
    var logger = Logger(label: "als-serve-test")
    logger.logLevel = .warning
    let server = try ALSServer(configuration: configuration, logger: logger)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let group = ServiceGroup(configuration: .init(
        services: [server.application { continuation.yield($0) }], logger: logger))
    let running = Task { try await group.run() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw POSIXError(.EADDRNOTAVAIL) }
    do {
        try await body(port, server, group, folder)
    } catch {
        await group.triggerGracefulShutdown()
        try? await running.value
        throw error
    }
    await group.triggerGracefulShutdown()
    try await running.value
}
