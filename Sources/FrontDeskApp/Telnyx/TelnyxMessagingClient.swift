import Foundation
import Logging
import OpenAIWire
import Upstream

/// Sends one text through Telnyx's Messaging API (`POST {base}/v2/messages`), on the shared
/// libcurl client. The base URL is configurable so tests point it at a fake over loopback.
struct TelnyxMessagingClient: Sendable {
    let outbound: OutboundHTTP
    let apiKey: String
    let baseURL: String
    let timeout: Duration
    let logger: Logger

    enum Result: Sendable, Equatable {
        case sent(messageID: String?)
        /// 429, 5xx, no answer: worth another try.
        case retryable(String)
        /// Any other refusal (a bad number, a number Telnyx will not text).
        case refused(String)
    }

    func send(from: String, to: String, text: String, messagingProfileID: String?) async -> Result {
        var body: [String: JSONValue] = ["from": .string(from), "to": .string(to), "text": .string(text)]
        if let messagingProfileID { body["messaging_profile_id"] = .string(messagingProfileID) }
        let request = UpstreamHTTPRequest(path: "", method: "POST", body: JSONValue.object(body).serialized(), bearerToken: apiKey,
                                          headers: [("Content-Type", "application/json"), ("Accept", "application/json")])
        let url = baseURL.hasSuffix("/") ? baseURL + "v2/messages" : baseURL + "/v2/messages"
        return await post(request, to: url, retrying: [429]) { $0?["data"]?["id"]?.stringValue }
    }

    /// Asks Telnyx's assistant to call `to` now (a scheduled event a few seconds ahead), with
    /// `key` as the idempotency key: a retry after a lost answer cannot place a second call.
    /// - Parameter text: for a text conversation (`sms_chat`), the assistant's first message;
    ///   nil places a phone call.
    func scheduleCall(
        assistantID: String, from: String, to: String, key: String, variables: [String: String], at: Date, text: String? = nil
    ) async -> Result {
        var body: JSONValue = [
            "telnyx_conversation_channel": .string(text == nil ? "phone_call" : "sms_chat"), "telnyx_agent_target": .string(from),
            "telnyx_end_user_target": .string(to),
            "scheduled_at_fixed_datetime": .string(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(at)),
            "dynamic_variables": .object(variables.mapValues(JSONValue.string)),
            "conversation_metadata": .object(variables.filter { $0.key.hasPrefix("frontdesk_") }.mapValues(JSONValue.string)),
        ]
        if let text, case .object(var fields) = body {
            fields["text"] = .string(text)
            body = .object(fields)
        }
        let request = UpstreamHTTPRequest(path: "", method: "POST", body: body.serialized(), bearerToken: apiKey,
                                          headers: [("Content-Type", "application/json"), ("Accept", "application/json"), ("Idempotency-Key", key)])
        let assistant = assistantID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? assistantID
        let url = (baseURL.hasSuffix("/") ? baseURL : baseURL + "/") + "v2/ai/assistants/\(assistant)/scheduled_events"
        return await post(request, to: url, retrying: [409, 429]) { json in
            json?["data"]?["scheduled_event_id"]?.stringValue ?? json?["scheduled_event_id"]?.stringValue
        }
    }

    /// Sends `request` and sorts Telnyx's answer: 2xx sent (with the id `messageID` finds in
    /// the body), 5xx, no answer or one of `retrying` worth another try, anything else refused.
    private func post(
        _ request: UpstreamHTTPRequest, to url: String, retrying: Set<Int>, messageID: (JSONValue?) -> String?
    ) async -> Result {
        do {
            let answer = try await outbound.client().exchange(request, url: url, timeout: timeout, maxBodyBytes: 16_384, logger: logger)
            let snippet = String(decoding: answer.body.prefix(300), as: UTF8.self)
            switch answer.status {
            case 200..<300:
                return .sent(messageID: messageID(try? JSONValue(parsing: answer.body)))
            case 500...599:
                return .retryable("Telnyx answered \(answer.status): \(snippet)")
            case _ where retrying.contains(answer.status):
                return .retryable("Telnyx answered \(answer.status): \(snippet)")
            default:
                return .refused("Telnyx answered \(answer.status): \(snippet)")
            }
        } catch let error as UpstreamError {
            return .retryable(WebhookSender.describe(error))
        } catch {
            return .retryable("\(error)")
        }
    }
}
