import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The scripted fake upstream's control endpoints (`/_script`, `/_reset`, `/_config`,
/// `/_timings`). Never on a timed path, so plain URLSession will do.
struct FakeControl: Sendable {
    /// `http://127.0.0.1:<port>` (no `/v1`).
    var baseURL: String

    func post(_ path: String, _ json: String) async throws {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(json.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw FakeControlError(message: "POST \(path): \(String(decoding: data, as: UTF8.self))")
        }
    }

    /// The fake's own time per chat completion since the last call, in nanoseconds.
    func takeTimings() async throws -> [Int64] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: baseURL + "/_timings")!)
        struct Timings: Decodable { var durations_us: [Int64] }
        return try JSONDecoder().decode(Timings.self, from: data).durations_us.map { $0 * 1_000 }
    }
}

struct FakeControlError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
