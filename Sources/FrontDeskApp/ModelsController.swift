import Agent
import Hummingbird
import NIOCore
import OpenAIWire

/// `GET /v1/models`: each persona as a model id (`frontdesk/<persona>`), so a client that can
/// only set `model` can still pick a persona; plus the configured upstream model.
struct ModelsController: Sendable {
    let agent: ChatAgent
    let upstreamModel: String
    let startedAt: Int

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("models", use: list)
    }

    @Sendable func list(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let ids = agent.modelIDs() + [upstreamModel]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: ModelList(ids: ids, created: startedAt).json.serialized())))
    }
}
