import ALS
import Hummingbird
import Logging
import NIOPosix
import ServiceLifecycle

/// The recommendation service: a Hummingbird `Application` with the routes of api/openapi.yaml
/// (`ALSServer+Routes.swift`), one middleware that settles every request
/// (`ServingMiddleware`), and the SIGHUP reload (`ReloadService`), all run by one
/// swift-service-lifecycle `ServiceGroup`: start-up, SIGTERM and the drain live in `run()` and
/// nowhere else.
public struct ALSServer: Sendable {
    public let configuration: ServerConfiguration
    public let store: ModelStore
    public let metrics: ServerMetrics
    let logger: Logger

    /// Loads the model; throws when it does not load, so the server never listens without one.
    public init(configuration: ServerConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        metrics = ServerMetrics()
        store = try ModelStore(path: configuration.modelPath, metrics: metrics, logger: logger)
    }

    /// The application, for a caller that runs it in a `ServiceGroup` of its own (the tests);
    /// `onListening` gets the bound port.
    public func application(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        let router = Router()
        router.add(middleware: ServingMiddleware(metrics: metrics))
        addRoutes(to: router)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "als-serve"),
            services: [ReloadService(store: store)],
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: .shared(group),
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections and lets the requests
    /// in flight finish for up to `configuration.drainSeconds` before cancelling them; SIGHUP
    /// reloads the model.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var group = ServiceGroupConfiguration(
            services: [application(onListening: onListening)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .milliseconds(Int64(configuration.drainSeconds * 1000))
        try await ServiceGroup(configuration: group).run()
    }
}
