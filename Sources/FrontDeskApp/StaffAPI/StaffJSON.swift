import Foundation
import OpenAIWire
import Reception
import Scheduling

/// How staff resources look on the wire: the one place domain values become JSON for the
/// REST API (and its exports). Instants are RFC 3339 UTC; appointments also carry local times
/// with the business's offset and its zone, and the names of provider, service and location.
struct StaffJSON {
    let profile: BusinessProfile
    let clock: ZonedClock

    init(profile: BusinessProfile) {
        self.profile = profile
        clock = profile.clock
    }

    var timeZone: String { profile.business.timeZone }

    // MARK: - Values

    static func utc(_ date: Date) -> JSONValue {
        .string(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).format(date))
    }

    func local(_ date: Date) -> JSONValue { .string(clock.iso8601(date)) }

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    static func id(_ value: Int64) -> JSONValue { .number(String(value)) }

    func providerName(_ id: String) -> String { profile.providers.first { $0.id == id }?.name ?? id }
    func serviceName(_ id: String) -> String { profile.services.first { $0.id == id }?.name ?? id }
    func locationName(_ id: String) -> String { profile.locations.first { $0.id == id }?.name ?? id }

    // MARK: - Resources

    func appointment(_ record: AppointmentRecord, withChanges: Bool = false) -> JSONValue {
        let a = record.appointment
        var object: [String: JSONValue] = [
            "object": "appointment", "id": Self.id(a.id), "status": .string(a.status.rawValue),
            "start": Self.utc(a.start), "end": Self.utc(a.end), "start_local": local(a.start), "end_local": local(a.end),
            "time_zone": .string(timeZone),
            "patient": [
                "id": Self.id(record.patient.id), "first_name": .string(record.patient.firstName),
                "last_name": .string(record.patient.lastName), "phone": Self.optional(record.patient.phone),
            ],
            "provider": ["id": .string(a.providerID), "name": .string(providerName(a.providerID))],
            "service": ["id": .string(a.serviceID), "name": .string(serviceName(a.serviceID))],
            "location": ["id": .string(a.locationID), "name": .string(locationName(a.locationID))],
            "notes": Self.optional(a.notes), "cancel_reason": Self.optional(a.cancelReason),
            "rescheduled_from": a.rescheduledFrom.map(Self.id) ?? .null,
            "confirmed_at": record.confirmedAt.map(Self.utc) ?? .null, "conversation_id": Self.optional(a.conversationID),
            "created_at": Self.utc(record.createdAt), "updated_at": Self.utc(record.updatedAt),
        ]
        if withChanges { object["changes"] = .array(record.changes.map(Self.change)) }
        return .object(object)
    }

    static func change(_ change: AppointmentChange) -> JSONValue {
        var object: [String: JSONValue] = [
            "action": .string(change.action), "actor_kind": .string(change.actorKind.rawValue), "actor_id": optional(change.actorID),
            "channel": .string(change.channel), "conversation_id": optional(change.conversationID), "at": utc(change.at),
            "appointment_id": change.appointmentID.map(id) ?? .null,
        ]
        object["url"] = change.appointmentID.map { .string("/api/v1/appointments/\($0)") } ?? .null
        return .object(object)
    }

    static func patient(_ patient: Patient) -> JSONValue {
        [
            "object": "patient", "id": id(patient.id), "first_name": .string(patient.firstName), "last_name": .string(patient.lastName),
            "date_of_birth": .string(patient.dateOfBirth), "phone": optional(patient.phone), "email": optional(patient.email),
            "preferred_provider_id": optional(patient.preferredProviderID),
        ]
    }

    static func call(_ call: CallRecord) -> JSONValue {
        [
            "object": "call", "id": .string(call.id), "caller": optional(call.caller), "persona": .string(call.persona),
            "started_at": utc(call.startedAt), "last_turn_at": utc(call.lastTurnAt), "turns": .int(call.turns),
            "business_rule": optional(call.businessRule), "called_number": optional(call.calledNumber),
            "ended_at": call.endedAt.map(utc) ?? .null, "duration_sec": call.durationSeconds.map(JSONValue.int) ?? .null,
            "end_reason": optional(call.endReason), "outcomes": .array(call.outcomes.map { .string($0.rawValue) }),
            "tools": .array(call.tools.map(JSONValue.string)),
        ]
    }

    static func transcript(_ transcript: CallTranscript) -> JSONValue {
        guard case .object(var object) = call(transcript.call) else { return .null }
        object["turns"] = .array(transcript.turns.map { turn in
            [
                "request_id": .string(turn.requestID), "started_at": utc(turn.startedAt), "duration_ms": .int(turn.durationMilliseconds),
                "caller_text": optional(turn.callerText), "answer": optional(turn.answer), "finish_reason": optional(turn.finishReason),
                "error": optional(turn.error), "streamed": .bool(turn.streamed),
                "tool_calls": .array(turn.toolCalls.map(toolCall)), "client_tool_calls": .array(turn.clientToolCalls.map(toolCall)),
                "interventions": .array(turn.interventions.map { ["kind": .string($0.kind), "text": .string($0.text)] }),
            ]
        })
        object["changes"] = .array(transcript.changes.map(change))
        return .object(object)
    }

    static func toolCall(_ call: CallTranscript.ToolCall) -> JSONValue {
        [
            "id": .string(call.id), "name": .string(call.name), "arguments": .string(call.arguments), "result": optional(call.result),
            "duration_ms": call.durationMilliseconds.map(JSONValue.int) ?? .null, "outcome": optional(call.outcome),
            "audit_id": call.auditID.map(id) ?? .null,
        ]
    }

    func availability(_ search: SlotSearch) -> JSONValue {
        let slots = search.result.days.flatMap(\.slots).map { slot -> JSONValue in
            [
                "start": Self.utc(slot.start), "end": Self.utc(slot.end), "start_local": local(slot.start), "end_local": local(slot.end),
                "provider_id": .string(slot.providerID), "provider_name": .string(providerName(slot.providerID)),
                "location_id": .string(slot.locationID), "location_name": .string(locationName(slot.locationID)),
                "service_id": .string(slot.serviceID),
            ]
        }
        return [
            "object": "availability", "time_zone": .string(timeZone), "slots": .array(slots),
            "next_available_date": Self.optional(search.result.nextAvailableDate),
        ]
    }

    /// A Codable profile value (the import format) as JSON.
    static func encoded(_ value: some Encodable) -> JSONValue {
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(value), let json = try? JSONValue(parsing: Array(data)) else { return .null }
        return json
    }

    static func list(_ items: [JSONValue], next: PageCursor?) -> JSONValue {
        ["object": "list", "data": .array(items), "next_cursor": next.map { .string(QueryParameters.encodeCursor($0)) } ?? .null]
    }
}
