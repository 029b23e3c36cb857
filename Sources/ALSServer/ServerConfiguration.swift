import Foundation

/// What `als-serve` is told on its command line: where to listen, the model file and the limits
/// a request must keep.
public struct ServerConfiguration: Sendable {
    /// The model file, as written by `ALSModel.save(to:)` (`als train --save`).
    public var modelPath: String
    /// The address to listen on. Default 127.0.0.1: loopback only, so exposing the service is a
    /// decision (`--host 0.0.0.0`).
    public var host: String = "127.0.0.1"
    /// The TCP port; 0 picks a free one (the tests do), reported by `onListening`.
    public var port: Int = 8080
    /// SwiftNIO event-loop threads, and the workers of a batch request. Default: every core.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// The largest `k` a request may ask for. Default 1000, the document's maximum: a top-K heap
    /// of that size is still cheap, and a larger page of recommendations is rarely shown.
    public var maxK: Int = 1000
    /// The largest request body accepted; a larger one gets 413. Default 64 KiB: a fold-in of a
    /// thousand interactions or a batch of a thousand users fits with room to spare.
    public var maxBodyBytes: Int = 65_536
    /// How long a graceful shutdown (SIGTERM, SIGINT) waits for in-flight requests before the
    /// remaining work is cancelled. Default 10 s, below the usual 30 s of a process supervisor.
    public var drainSeconds: Double = 10

    public init(modelPath: String) {
        self.modelPath = modelPath
    }
}
