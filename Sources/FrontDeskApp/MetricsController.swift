import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics`: every metric of the process in Prometheus's text format. It has its own
/// token (`METRICS_TOKEN`, sent as `Authorization: Bearer …`), separate from the API keys: a
/// scraper needs no access to calls or bookings. Without a token configured it is off (404).
struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry
    let token: String?

    func addRoutes(to router: Router<FrontDeskRequestContext>) {
        router.get("metrics", use: render)
    }

    @Sendable func render(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        guard let token else {
            throw OpenAIHTTPError(status: .notFound, message: "Metrics are off: set METRICS_TOKEN to serve them at /metrics.",
                                  type: "invalid_request_error", code: "metrics_off")
        }
        guard let bearer = APIKeyMiddleware.bearerToken(request.headers[.authorization]),
              APIKeyMiddleware.constantTimeEquals(Array(bearer.utf8), Array(token.utf8))
        else {
            throw OpenAIHTTPError.invalidAPIKey("GET /metrics needs 'Authorization: Bearer <METRICS_TOKEN>'.")
        }
        var text: [UInt8] = []
        registry.emit(into: &text)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }
}
