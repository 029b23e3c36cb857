import ALS
import Foundation
import Hummingbird

extension ALSServer {
    /// Every route of api/openapi.yaml. Each handler takes the serving model once
    /// (`store.current`), so a reload never changes the model under a request.
    func addRoutes(to router: Router<BasicRequestContext>) {
        let store = store, configuration = configuration, metrics = metrics
        let maxK = configuration.maxK

        router.get(RouterPath(stringLiteral: Route.userRecommendations)) { request, context -> Response in
            let query = try RequestQuery(request, allowed: ["k", "exclude_seen", "allow", "deny"])
            let k = try query.k(maxK: maxK)
            let excludeSeen: SeenItems = try query.bool("exclude_seen", default: true) ? .training : .nothing
            let user = try context.parameters.decoded("id")
            let items = try store.current.model.recommend(userID: user, k: k, excludeSeen: excludeSeen,
                                                          allow: query.list("allow"), deny: query.list("deny") ?? [])
            return try .json(ItemsResponse(items: items))
        }

        router.post(RouterPath(stringLiteral: Route.foldIn)) { request, context -> Response in
            _ = try RequestQuery(request, allowed: [])
            let body = try RequestBody.decode(
                FoldInRequest.self, from: try await RequestBody.collect(request, limit: configuration.maxBodyBytes))
            let k = try RequestQuery.checkK(body.k ?? 10, maxK: maxK)
            let interactions = try body.interactions.map { interaction in
                guard interaction.value.isFinite, abs(interaction.value) <= FoldInRequest.maxValue else {
                    throw APIError(.invalidValue, "an interaction value must be within ±\(Int(FoldInRequest.maxValue)), not \(interaction.value)")
                }
                return (itemID: interaction.item, value: Float(interaction.value))
            }
            return try .json(ItemsResponse(items: try store.current.model.recommend(interactions: interactions, k: k)))
        }

        router.post(RouterPath(stringLiteral: Route.batch)) { request, context -> Response in
            _ = try RequestQuery(request, allowed: [])
            let body = try RequestBody.decode(
                BatchRequest.self, from: try await RequestBody.collect(request, limit: configuration.maxBodyBytes))
            let k = try RequestQuery.checkK(body.k ?? 10, maxK: maxK)
            let results = try store.current.model.recommend(userIDs: body.users, k: k, threads: configuration.threads)
            return try .json(BatchResponse(results: zip(body.users, results).map { .init(user: $0, items: $1) }))
        }

        router.get(RouterPath(stringLiteral: Route.similarItems)) { request, context -> Response in
            let k = try RequestQuery(request, allowed: ["k"]).k(maxK: maxK)
            let item = try context.parameters.decoded("id")
            return try .json(ItemsResponse(items: try store.current.model.similarItems(toID: item, k: k)))
        }

        router.get(RouterPath(stringLiteral: Route.similarUsers)) { request, context -> Response in
            let k = try RequestQuery(request, allowed: ["k"]).k(maxK: maxK)
            let user = try context.parameters.decoded("id")
            return try .json(UsersResponse(users: try store.current.model.similarUsers(toID: user, k: k)))
        }

        router.get(RouterPath(stringLiteral: Route.model)) { request, _ -> Response in
            _ = try RequestQuery(request, allowed: [])
            return try .json(ModelResponse(store.current))
        }

        router.get(RouterPath(stringLiteral: Route.health)) { request, _ -> Response in
            _ = try RequestQuery(request, allowed: [])
            return try .json(StatusResponse(status: "ok"))
        }

        // The store holds a model from start-up on (the server does not listen without one).
        router.get(RouterPath(stringLiteral: Route.ready)) { request, _ -> Response in
            _ = try RequestQuery(request, allowed: [])
            return try .json(StatusResponse(status: "ready"))
        }

        router.get(RouterPath(stringLiteral: Route.metrics)) { request, _ -> Response in
            _ = try RequestQuery(request, allowed: [])
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }
}
