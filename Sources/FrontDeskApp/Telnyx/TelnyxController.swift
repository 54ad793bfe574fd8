import Agent
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenAIWire
import Reception
import Scheduling
import SQLiteStore

/// The two URLs Telnyx calls: `POST /telnyx/webhooks` (call and message events: verified,
/// kept durably, answered at once, handled by `TelnyxEventProcessor` after) and
/// `POST /telnyx/dynamic-variables` (the assistant-initialization webhook: who is calling and
/// their next appointment, inside Telnyx's one-second budget). Both are signed by Telnyx;
/// nothing is parsed before the signature is checked.
struct TelnyxController: Sendable {
    let signature: TelnyxSignature?
    let inbox: TelnyxInbox
    let businesses: Businesses
    let executor: any TaskExecutor
    let maxBodyBytes: Int

    static let signatureHeader = HTTPField.Name("telnyx-signature-ed25519")!
    static let timestampHeader = HTTPField.Name("telnyx-timestamp")!

    func addRoutes(to router: Router<FrontDeskRequestContext>) {
        router.post("telnyx/webhooks", use: webhook)
        router.post("telnyx/dynamic-variables", use: dynamicVariables)
    }

    /// The body, once its signature holds.
    private func verifiedBody(_ request: Request) async throws -> ByteBuffer {
        guard let signature else {
            throw OpenAIHTTPError(status: .serviceUnavailable, message: "Telnyx webhooks are not set up here: set TELNYX_PUBLIC_KEY to the account's public key.",
                                  type: "server_error", code: "telnyx_not_configured")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw OpenAIHTTPError(status: .contentTooLarge, message: "The request body is larger than MAX_BODY_BYTES.", type: "invalid_request_error",
                                  code: "request_too_large")
        }
        do {
            try signature.verify(signature: request.headers[Self.signatureHeader], timestamp: request.headers[Self.timestampHeader],
                                 body: body.readableBytesView, now: Date())
        } catch {
            throw OpenAIHTTPError(error)
        }
        return body
    }

    @Sendable func webhook(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let body = try await verifiedBody(request)
        guard let envelope = try? JSONValue(parsing: body.readableBytesView), let id = envelope["data"]?["id"]?.stringValue, !id.isEmpty,
              let type = envelope["data"]?["event_type"]?.stringValue, !type.isEmpty
        else {
            throw OpenAIHTTPError.invalidRequest("The body is not a Telnyx event (data.id and data.event_type).", code: "invalid_event")
        }
        let (inbox, text) = (self.inbox, String(buffer: body))
        let fresh = try await withTaskExecutorPreference(executor) { try inbox.receive(id: String(id.prefix(200)), type: String(type.prefix(100)), body: text, now: Date()) }
        context.logger.debug("telnyx event received", metadata: ["event_type": "\(type)", "duplicate": "\(!fresh)"])
        return StaffResponse.json(["received": true, "duplicate": .bool(!fresh)])
    }

    @Sendable func dynamicVariables(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let body = try await verifiedBody(request)
        guard let envelope = try? JSONValue(parsing: body.readableBytesView), case .object(let payload)? = envelope["data"]?["payload"] else {
            throw OpenAIHTTPError.invalidRequest("The body is not a Telnyx assistant.initialization event.", code: "invalid_event")
        }
        let called = payload["telnyx_agent_target"]?.stringValue.flatMap(TelephonyContext.normalise)
        let (runtime, resolution) = try await businesses.resolveRequest(
            BusinessResolver.Signals(telnyxCalledNumber: called), logger: context.logger)
        let callID = payload["call_control_id"]?.stringValue ?? ""
        var variables: [String: JSONValue] = [
            "frontdesk_business": .string(resolution.business.id), "frontdesk_call_id": .string(callID),
            "patient_first_name": "", "next_appointment": "", "business_name": "",
        ]
        var metadata: [String: JSONValue] = ["frontdesk_business": .string(resolution.business.id)]
        let profile = try? await runtime.desk.profile()
        variables["business_name"] = .string(profile?.business.name ?? "")
        if let caller = payload["telnyx_end_user_target"]?.stringValue.flatMap(TelephonyContext.normalise),
           let recognised = try? await runtime.desk.recognisedCaller(phone: caller, now: Date()) {
            variables["patient_first_name"] = .string(recognised.patient.firstName)
            metadata["frontdesk_patient_id"] = .string(String(recognised.patient.id))
            if let next = recognised.nextAppointment {
                // The form the voice already reads slots in: "Monday, November 30 at 8:00 AM".
                let when = LocalTime(timeZone: recognised.profile.clock.timeZone).slot(next.start)
                let provider = ConsoleViews(profile: recognised.profile).providerName(next.providerID)
                variables["next_appointment"] = .string("\(when) with \(provider)")
            }
        }
        return StaffResponse.json(["dynamic_variables": .object(variables), "conversation": ["metadata": .object(metadata)]])
    }
}
