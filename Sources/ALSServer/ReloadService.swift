import ServiceLifecycle
import UnixSignals

/// Reloads the model on each SIGHUP (`ModelStore.reload()`), until graceful shutdown.
struct ReloadService: Service {
    let store: ModelStore

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await store.reload()
        }
    }
}
