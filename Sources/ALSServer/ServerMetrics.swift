import Foundation
import Metrics
import Prometheus
import Synchronization

/// The service's metrics, in a registry of its own (not the process-wide `MetricsSystem`, so
/// several servers in one test process do not share counters), written as Prometheus text by
/// `GET /metrics`:
/// - `als_http_requests_total{route,method,status}` and the histogram
///   `als_http_request_duration_seconds{route,method,status}`;
/// - `als_model_loads_total`, `als_model_load_failures_total`;
/// - `als_model_age_seconds`, seconds since the serving model was loaded, set at each scrape.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let loads: Metrics.Counter
    private let failures: Metrics.Counter
    private let age: Metrics.Gauge
    private let _loadedAt = Mutex(ContinuousClock.now)

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Serving latencies are micro- to milliseconds: the default buckets start at 5 ms.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        self.factory = factory
        loads = Metrics.Counter(label: "als_model_loads_total", factory: factory)
        failures = Metrics.Counter(label: "als_model_load_failures_total", factory: factory)
        age = Metrics.Gauge(label: "als_model_age_seconds", factory: factory)
        failures.increment(by: 0)
    }

    func modelLoaded() {
        _loadedAt.withLock { $0 = .now }
        loads.increment()
    }

    func modelLoadFailed() { failures.increment() }

    /// Counts one answered request and its latency.
    func request(route: String, method: String, status: Int, duration: Duration) {
        let dimensions = [("route", route), ("method", method), ("status", "\(status)")]
        Metrics.Counter(label: "als_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "als_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            .recordNanoseconds(Int64(duration._microseconds) * 1000)
    }

    /// The Prometheus text exposition of every metric.
    func exposition() -> [UInt8] {
        let elapsed = ContinuousClock.now - _loadedAt.withLock { $0 }
        age.record(Double(elapsed._microseconds) / 1e6)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
