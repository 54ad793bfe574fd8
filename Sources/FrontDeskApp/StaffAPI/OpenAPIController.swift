import Foundation
import Hummingbird
import NIOCore

/// `GET /api/v1/openapi.json`: the staff API's OpenAPI 3.1 document, a resource of this
/// module, read once. Served without a key: it describes the API, it holds no one's data.
struct OpenAPIController: Sendable {
    let document: ByteBuffer

    init() {
        document = ByteBuffer(bytes: ModuleResources.file("openapi.json") ?? Data("{}".utf8))
    }

    func addRoutes(to router: Router<FrontDeskRequestContext>) {
        router.get("api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
        }
    }
}
