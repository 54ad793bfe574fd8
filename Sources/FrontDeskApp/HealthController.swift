import Hummingbird
import NIOCore
import OpenAIWire
import Reception
import Scheduling

/// `GET /health`: liveness plus what an operator checks first — can we read the calendar,
/// is an upstream configured.
struct HealthController: Sendable {
    let desk: FrontDesk
    let upstreamConfigured: Bool

    func addRoutes(to router: Router<FrontDeskRequestContext>) {
        router.get("health", use: health)
    }

    @Sendable func health(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let database: JSONValue
        do {
            try await desk.checkStorage()
            database = "ok"
        } catch {
            database = error == .replaced ? "replaced" : "unavailable"
        }
        let body: JSONValue = [
            "ok": .bool(database == "ok"), "database": database,
            "upstream": upstreamConfigured ? "configured" : "not_configured",
        ]
        return Response(
            status: database == "ok" ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body.serialized())))
    }
}
