import Foundation
import Synchronization

extension ALSTrainer {
    /// Trains on `data` without blocking the caller's thread: the training loop and its workers
    /// run on a thread of their own, never on a thread of Swift's cooperative pool (which a
    /// blocking `DispatchQueue.concurrentPerform` would starve), and the caller is resumed with
    /// the model. The result equals the synchronous `fit(_:progress:)`, bit for bit.
    ///
    /// Cancellation: cancelling the calling task stops training at the next half-step boundary
    /// (at most one half-step later, never inside one) and throws `CancellationError`; a task
    /// cancelled before the call throws before any work.
    ///
    /// - Parameters:
    ///   - data: the interactions to fit.
    ///   - progress: called after every iteration, on the training thread (so it must
    ///     be `@Sendable`); default nil. For an `AsyncSequence`, see `fit(_:progress:)` with an
    ///     `AsyncStream` continuation.
    /// - Throws: `CancellationError`, and the errors of the synchronous `fit`.
    public func fit(_ data: InteractionMatrix, progress: (@Sendable (ALSProgress) -> Void)? = nil) async throws -> ALSModel {
        let cancelled = _CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ALSModel, any Error>) in
                let thread = Thread {
                    continuation.resume(with: Result {
                        try _fit(data, progress: progress, isCancelled: { cancelled.isSet })
                    })
                }
                thread.name = "ALSTrainer.fit"
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// `fit(_:progress:) async` reporting each iteration to an `AsyncStream`, which it finishes
    /// when training ends (with a model, an error or a cancellation):
    ///
    ///     let (updates, continuation) = AsyncStream.makeStream(of: ALSProgress.self)
    ///     async let model = trainer.fit(matrix, progress: continuation)
    ///     for await p in updates { print(p.iteration, p.loss ?? 0, p.seconds) }
    ///     let trained = try await model
    public func fit(_ data: InteractionMatrix, progress: AsyncStream<ALSProgress>.Continuation) async throws -> ALSModel {
        defer { progress.finish() }
        return try await fit(data, progress: { progress.yield($0) })
    }
}

/// Set once by a task's cancellation handler, read by the training thread between half-steps.
private final class _CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() { flag.store(true, ordering: .releasing) }
}
