import Hummingbird
import Logging

/// The one place a request's outcome is settled: every error a handler (or the router's
/// not-found) throws becomes its JSON error response (`APIError`), then the request is counted
/// in the metrics and logged, one line at info with the route, status, microseconds and the
/// request id Hummingbird puts in the request's logger.
struct ServingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError: APIError
            var allowed: [HTTPRequest.Method] = []
            if let httpError = error as? HTTPError, httpError.status == .notFound {
                allowed = Route.methods(at: request.uri.path)
                apiError = allowed.isEmpty
                    ? APIError(.notFound, "no route \(request.method) \(request.uri.path)")
                    : APIError(.methodNotAllowed, "\(request.uri.path) takes \(allowed.map(\.rawValue).joined(separator: ", ")), not \(request.method)")
            } else if let httpError = error as? HTTPError, httpError.status.code < 500 {
                apiError = APIError(.malformedBody, httpError.body ?? "\(httpError.status)")
            } else {
                apiError = APIError(error)
            }
            response = (try? Response.json(apiError, status: apiError.status))
                ?? Response(status: apiError.status)
            if !allowed.isEmpty {
                response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            }
            if apiError.status.code >= 500 {
                context.logger.error("internal error", metadata: ["error": "\(error)"])
            }
        }
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: response.status.code, duration: elapsed)
        context.logger.info("request", metadata: [
            "route": "\(route)", "method": "\(request.method)", "status": "\(response.status.code)",
            "us": "\(elapsed._microseconds)",
        ])
        return response
    }
}
