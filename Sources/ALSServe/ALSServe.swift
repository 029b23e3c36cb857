import ALSServer
import ArgumentParser
import Foundation
import Logging

/// `als-serve MODEL`: serves a model file over HTTP (api/openapi.yaml).
@main
struct ALSServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "als-serve",
        abstract: "Serve recommendations from a SwiftALS model file over HTTP (the API is api/openapi.yaml).",
        discussion: """
            SIGHUP reloads the model file in the background and swaps it in once it loads and its \
            checksum verifies; a file that fails keeps the old model serving. Replace the file \
            atomically (write elsewhere, then rename), as `als` does. SIGTERM or SIGINT stops \
            accepting connections and drains the requests in flight for up to --drain-seconds.
            """)

    private static let defaults = ServerConfiguration(modelPath: "")

    @Argument(help: "The model file (written by `als train --save`).")
    var model: String

    @Option(help: "The address to listen on.")
    var host: String = defaults.host

    @Option(help: "The TCP port (0 picks a free one, printed in the log).")
    var port: Int = defaults.port

    @Option(help: "Event-loop threads, and the workers of a batch request (default: every core).")
    var threads: Int = defaults.threads

    @Option(help: "The largest k a request may ask for.")
    var maxK: Int = defaults.maxK

    @Option(help: "The largest request body in bytes; a larger one gets 413.")
    var maxBodyBytes: Int = defaults.maxBodyBytes

    @Option(help: "Seconds a graceful shutdown waits for requests in flight.")
    var drainSeconds: Double = defaults.drainSeconds

    @Option(help: "The log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (0 ... 65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
        guard maxK >= 1 else { throw ValidationError("--max-k must be at least 1.") }
        guard maxBodyBytes >= 1 else { throw ValidationError("--max-body-bytes must be at least 1.") }
        guard drainSeconds >= 0, drainSeconds.isFinite else { throw ValidationError("--drain-seconds must be 0 or more.") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = {
            var logger = Logger(label: "als-serve")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return logger
        }()
        var configuration = ServerConfiguration(modelPath: model)
        configuration.host = host
        configuration.port = port
        configuration.threads = threads
        configuration.maxK = maxK
        configuration.maxBodyBytes = maxBodyBytes
        configuration.drainSeconds = drainSeconds
        let server: ALSServer
        do {
            server = try ALSServer(configuration: configuration, logger: logger)
        } catch {
            logger.critical("the model does not load", metadata: ["path": "\(model)", "error": "\(error)"])
            throw ExitCode(1)
        }
        let served = server.store.current
        logger.info("model loaded", metadata: [
            "path": "\(model)", "users": "\(served.model.users)", "items": "\(served.model.items)",
            "factors": "\(served.model.factors)",
        ])
        try await server.run { port in logger.info("listening", metadata: ["host": "\(host)", "port": "\(port)"]) }
        logger.info("stopped")
    }
}
