import ALS
import Foundation
import Logging
import Synchronization

/// The model being served, swapped atomically by a reload. A request takes `current` once and
/// keeps that value (whose file mapping stays valid as long as it is held), so requests in flight
/// during a reload finish on the old model.
public final class ModelStore: Sendable {
    private let _current: Mutex<ServedModel>
    private let _reloading = Mutex(false)
    let metrics: ServerMetrics
    let logger: Logger

    /// Loads the model once; throws when it cannot be loaded, so the server never listens
    /// without one.
    init(path: String, metrics: ServerMetrics, logger: Logger) throws {
        self.metrics = metrics
        self.logger = logger
        do {
            _current = Mutex(try ServedModel.load(path: path))
            metrics.modelLoaded()
        } catch {
            metrics.modelLoadFailed()
            throw error
        }
    }

    /// The model to answer one request with.
    public var current: ServedModel { _current.withLock { $0 } }

    /// Loads the file again off the request path and swaps it in when it loads and verifies; a
    /// file that fails leaves the old model serving, and is logged and counted
    /// (`als_model_load_failures_total`). A reload asked while one runs is skipped.
    ///
    /// - Returns: whether the new model is now serving.
    @discardableResult
    public func reload() async -> Bool {
        guard _reloading.withLock({ busy in defer { busy = true }; return !busy }) else {
            logger.info("reload already running, skipped")
            return false
        }
        defer { _reloading.withLock { $0 = false } }
        let path = current.path
        let start = ContinuousClock.now
        let result = await Task.detached(priority: .utility) { Result { try ServedModel.load(path: path) } }.value
        switch result {
        case let .success(model):
            _current.withLock { $0 = model }
            metrics.modelLoaded()
            logger.info("model reloaded", metadata: [
                "path": "\(path)", "checksum": "\(String(model.checksum, radix: 16))",
                "users": "\(model.model.users)", "items": "\(model.model.items)",
                "us": "\((ContinuousClock.now - start)._microseconds)",
            ])
            return true
        case let .failure(error):
            metrics.modelLoadFailed()
            logger.error("model reload failed, the previous model keeps serving", metadata: [
                "path": "\(path)", "error": "\(error)",
            ])
            return false
        }
    }
}
