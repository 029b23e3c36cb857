import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// `ALSTrainer.fit(_:progress:) async`: the synchronous result, off the cooperative pool, with
/// progress as a closure or an `AsyncStream`, and cancellation between half-steps.
@Suite("Async, cancellable training")
struct TrainingAsyncTests {
    static func trainer(iterations: Int = 4, factors: Int = 4) throws -> ALSTrainer {
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = factors
        config.iterations = iterations
        return try ALSTrainer(config)
    }

    /// The synchronous fit (in an async context the async overload is preferred).
    static func synchronousFit(_ trainer: ALSTrainer, _ data: InteractionMatrix) throws -> ALSModel {
        try trainer.fit(data)
    }

    @Test("async fit equals the synchronous fit bit for bit, and reports every iteration")
    func equalsSynchronous() async throws {
        let data = try smallProblem(users: 40, items: 30, count: 300, seed: 3)
        let trainer = try Self.trainer()
        let sync = try Self.synchronousFit(trainer, data)
        let seen = Mutex<[ALSProgress]>([])
        let model = try await trainer.fit(data) { p in seen.withLock { $0.append(p) } }
        #expect(model.userFactors.map(\.bitPattern) == sync.userFactors.map(\.bitPattern))
        #expect(model.itemFactors.map(\.bitPattern) == sync.itemFactors.map(\.bitPattern))
        #expect(model.lossHistory == sync.lossHistory)
        let reported = seen.withLock { $0 }
        #expect(reported.map(\.iteration) == [1, 2, 3, 4])
        #expect(reported.map(\.loss) == sync.lossHistory.map { Optional($0) })
        #expect(reported.allSatisfy { $0.seconds >= 0 && $0.iterations == 4 })
    }

    /// The README's async snippet, as written there.
    static func retrain() async throws -> ALSModel {
        let rows: [(user: String, item: String, value: Float)] = [("alice", "fig", 1), ("bob", "fig", 2), ("bob", "pear", 1)]
        let matrix = try InteractionMatrix(rows: rows)    // ids numbered as the loader numbers them
        let (updates, continuation) = AsyncStream.makeStream(of: ALSProgress.self)
        async let model = ALSTrainer(ALSConfiguration(mode: .implicit)).fit(matrix, progress: continuation)
        for await p in updates { _ = (p.iteration, p.loss ?? 0, p.seconds) }
        return try await model
    }

    @Test("the README's async snippet trains")
    func readmeSnippet() async throws {
        let model = try await Self.retrain()
        #expect(model.users == 2 && model.items == 2 && model.lossHistory.count == ALSConfiguration(mode: .implicit).iterations)
    }

    @Test("the AsyncStream form yields each iteration and finishes")
    func stream() async throws {
        let data = try smallProblem(users: 40, items: 30, count: 300, seed: 3)
        let trainer = try Self.trainer()
        let (updates, continuation) = AsyncStream.makeStream(of: ALSProgress.self)
        async let model = trainer.fit(data, progress: continuation)
        var iterations: [Int] = []
        for await p in updates { iterations.append(p.iteration) }
        #expect(iterations == [1, 2, 3, 4])
        #expect(try await model.lossHistory.count == 4)
    }

    @Test("cancelling the task stops training at the next half-step boundary with CancellationError")
    func cancelMidway() async throws {
        let data = try smallProblem(users: 400, items: 300, count: 6000, seed: 5)
        let trainer = try Self.trainer(iterations: 10_000, factors: 16)
        // The progress closure cancels the task itself after iteration 2 (waiting until the
        // task exists), so the boundary the loop stops at is known exactly.
        let handle = Mutex<Task<ALSModel, any Error>?>(nil)
        let reported = Mutex<[Int]>([])
        let task = Task {
            try await trainer.fit(data, progress: { @Sendable p in
                reported.withLock { $0.append(p.iteration) }
                guard p.iteration == 2 else { return }
                while handle.withLock({ $0 == nil }) { sched_yield() }
                handle.withLock { $0?.cancel() }
            })
        }
        handle.withLock { $0 = task }
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(reported.withLock { $0 } == [1, 2])
    }

    @Test("a task cancelled before the call throws CancellationError without training")
    func cancelledBefore() async throws {
        let data = try smallProblem()
        let trainer = try Self.trainer()
        let calls = Mutex(0)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await trainer.fit(data, progress: { @Sendable _ in calls.withLock { $0 += 1 } })
        }
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(calls.withLock { $0 } == 0)
    }

    @Test("eight concurrent trainings, one cancelled, the rest equal the synchronous model")
    func concurrent() async throws {
        let data = try smallProblem(users: 60, items: 40, count: 500, seed: 9)
        let trainer = try Self.trainer(iterations: 3)
        let expected = try Self.synchronousFit(trainer, data)
        try await withThrowingTaskGroup(of: ALSModel?.self) { group in
            for j in 0 ..< 8 {
                group.addTask {
                    if j == 7 {
                        let slow = try Self.trainer(iterations: 100_000)
                        let inner = Task { try await slow.fit(data) }
                        try await Task.sleep(for: .milliseconds(50))
                        inner.cancel()
                        await #expect(throws: CancellationError.self) { try await inner.value }
                        return nil
                    }
                    return try await trainer.fit(data)
                }
            }
            for try await model in group {
                guard let model else { continue }
                #expect(model.userFactors == expected.userFactors && model.itemFactors == expected.itemFactors)
            }
        }
    }
}
