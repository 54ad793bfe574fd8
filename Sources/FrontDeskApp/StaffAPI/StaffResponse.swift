import HTTPTypes
import Hummingbird
import NIOCore
import OpenAIWire
import Reception

/// Responses of the staff API, and the one call every handler makes into the use-case layer.
enum StaffResponse {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    /// Runs a use-case call, rendering its refusal as the staff API's error.
    static func attempt<T>(_ body: () async throws(FrontDeskError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw OpenAIHTTPError(error)
        }
    }

    /// The numeric id in the path, or a 404 (a non-number names nothing that exists).
    static func pathID(_ context: FrontDeskRequestContext, _ what: String) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw OpenAIHTTPError(status: .notFound, message: "No such \(what).", type: "invalid_request_error", code: "not_found")
        }
        return id
    }

    /// The client's `Idempotency-Key`, bounded.
    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[idempotencyKeyHeader], !key.isEmpty else { return nil }
        guard key.utf8.count <= 255 else {
            throw OpenAIHTTPError.invalidRequest("'Idempotency-Key' must be at most 255 characters.", param: "Idempotency-Key",
                                                 code: "invalid_arguments")
        }
        return key
    }

    static let idempotencyKeyHeader = HTTPField.Name("Idempotency-Key")!
}
