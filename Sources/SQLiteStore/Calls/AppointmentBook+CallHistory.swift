import Foundation
import Reception
import Scheduling

/// The call log as staff read it: calls with what they led to (from the change audit, the
/// tool audit and the turns), filtered and paged, and one call whole.
extension AppointmentBook {
    /// A page of calls matching `filter`, newest first, walked by (start, id).
    public func calls(_ filter: CallFilter, page: PageRequest) throws -> Page<CallRecord> {
        try read { db in
            let (from, to) = try localRange(filter.from, filter.to, db: db, scale: 1000)
            let after = page.after
            let rows = try db.all("""
                SELECT \(Self.callColumns) FROM calls c
                WHERE c.started_at_ms >= ?1 AND c.started_at_ms < ?2
                  AND (?3 IS NULL OR instr(coalesce(c.caller, ''), ?3) > 0)
                  AND (?4 IS NULL OR c.persona = ?4)
                  AND (?5 IS NULL OR EXISTS (SELECT 1 FROM tool_audit x WHERE x.conversation_id = c.id AND x.tool_name = ?5))
                  AND (?6 IS NULL
                       OR (?6 = 'booked' AND \(Self.changed("booking.created")))
                       OR (?6 = 'rescheduled' AND \(Self.changed("booking.rescheduled")))
                       OR (?6 = 'cancelled' AND \(Self.changed("booking.cancelled")))
                       OR (?6 = 'confirmed' AND \(Self.changed("booking.confirmed")))
                       OR (?6 = 'transferred' AND \(Self.transferred))
                       OR (?6 = 'failed' AND \(Self.failed))
                       OR (?6 = 'info' AND NOT (\(Self.changedAny) OR \(Self.transferred) OR \(Self.failed))))
                  AND (?7 IS NULL OR c.started_at_ms < ?7 OR (c.started_at_ms = ?7 AND c.id < ?8))
                ORDER BY c.started_at_ms DESC, c.id DESC LIMIT ?9
                """, [v(from), v(to), v(filter.callerDigits), v(filter.persona), v(filter.tool), v(filter.outcome?.rawValue),
                      v(after?.position), v(after?.id ?? ""), v(page.limit + 1)], Self.callRow)
            let items = Array(rows.prefix(page.limit))
            let next = rows.count > page.limit ? items.last.map { PageCursor(position: $0.startedAt.unixMilliseconds, id: $0.id) } : nil
            return Page(items: items, next: next)
        }
    }

    /// Calls from the patient's number or in which the assistant acted for them, newest first.
    public func calls(ofPatient patient: Patient, limit: Int) throws -> [CallRecord] {
        try read { db in
            try db.all("""
                SELECT \(Self.callColumns) FROM calls c
                WHERE (?1 IS NOT NULL AND c.caller = ?1) OR EXISTS (SELECT 1 FROM call_turns t WHERE t.call_id = c.id AND t.patient_id = ?2)
                ORDER BY c.started_at_ms DESC, c.id DESC LIMIT ?3
                """, [v(patient.phone), v(patient.id), v(limit)], Self.callRow)
        }
    }

    /// One call whole: its turns with their tool calls (arguments, results, audit rows) and
    /// the appointments it changed.
    public func callTranscript(id: String) throws -> CallTranscript? {
        try read { db in
            guard let call = try db.first("SELECT \(Self.callColumns) FROM calls c WHERE c.id = ?1", [v(id)], Self.callRow) else { return nil }
            var audits: [String: (id: Int64, outcome: String, duration: Int)] = [:]
            try db.query("SELECT id, tool_call_id, outcome, duration_ms FROM tool_audit WHERE conversation_id = ? ORDER BY id", [v(id)]) { row in
                audits[row.text(1)] = (row.int(0), row.text(2), row.int(3))
            }
            let turns = try db.all("""
                SELECT request_id, started_at_ms, duration_ms, caller_text, answer, finish_reason, error, streamed, internal_messages,
                       client_tool_calls, interventions
                FROM call_turns WHERE call_id = ? ORDER BY id
                """, [v(id)]) { row in
                var toolCalls = Self.toolCalls(inMessages: row.text(8))
                for index in toolCalls.indices {
                    guard let audit = audits[toolCalls[index].id] else { continue }
                    toolCalls[index].auditID = audit.id
                    toolCalls[index].outcome = audit.outcome
                    toolCalls[index].durationMilliseconds = audit.duration
                }
                return CallTranscript.Turn(
                    requestID: row.text(0), startedAt: Date(unixMilliseconds: row.int(1)), durationMilliseconds: row.int(2),
                    callerText: row.optionalText(3), answer: row.optionalText(4), finishReason: row.optionalText(5), error: row.optionalText(6),
                    streamed: row.bool(7), toolCalls: toolCalls, clientToolCalls: Self.toolCalls(in: Self.jsonArray(row.text(9))),
                    interventions: Self.jsonArray(row.text(10)).compactMap { object in
                        guard let kind = object["kind"] as? String else { return nil }
                        return CallTranscript.Intervention(kind: kind, text: object["text"] as? String ?? "")
                    })
            }
            let changes = try db.all("SELECT \(Self.changeColumns) FROM change_audit WHERE conversation_id = ? ORDER BY id", [v(id)],
                                     Self.changeRow)
            return CallTranscript(call: call, turns: turns, changes: changes)
        }
    }

    // MARK: - SQL pieces (correlated to the outer `calls c`)

    private static func changed(_ action: String) -> String {
        "EXISTS (SELECT 1 FROM change_audit x WHERE x.conversation_id = c.id AND x.action = '\(action)')"
    }

    private static let changedAny = "EXISTS (SELECT 1 FROM change_audit x WHERE x.conversation_id = c.id AND x.action LIKE 'booking.%')"

    /// A transfer is a tool call handed back to the telephony client (Telnyx `transfer`, Vapi
    /// `transferCall`): FrontDesk never runs it itself.
    private static let transferred = """
        EXISTS (SELECT 1 FROM call_turns t, json_each(t.client_tool_calls) j
                WHERE t.call_id = c.id AND lower(coalesce(json_extract(j.value, '$.function.name'), '')) LIKE '%transfer%')
        """

    private static let failed = "EXISTS (SELECT 1 FROM call_turns t WHERE t.call_id = c.id AND t.error IS NOT NULL)"

    private static let callColumns = """
        c.id, c.caller, c.persona, c.started_at_ms, c.last_turn_at_ms, c.turns, c.business_rule, c.called_number,
        c.ended_at_ms, c.duration_sec, c.end_reason,
        \(changed("booking.created")), \(changed("booking.rescheduled")), \(changed("booking.cancelled")), \(changed("booking.confirmed")),
        \(transferred), \(failed),
        (SELECT group_concat(name, ',') FROM (SELECT DISTINCT tool_name AS name FROM tool_audit x WHERE x.conversation_id = c.id ORDER BY 1))
        """

    private static func callRow(_ row: SQLiteRow) -> CallRecord {
        let flags: [(Int32, CallOutcome)] = [(11, .booked), (12, .rescheduled), (13, .cancelled), (14, .confirmed), (15, .transferred), (16, .failed)]
        var outcomes = flags.filter { row.bool($0.0) }.map(\.1)
        if outcomes.isEmpty { outcomes = [.info] }
        return CallRecord(
            id: row.text(0), caller: row.optionalText(1), persona: row.text(2), startedAt: Date(unixMilliseconds: row.int(3)),
            lastTurnAt: Date(unixMilliseconds: row.int(4)), turns: row.int(5), businessRule: row.optionalText(6), calledNumber: row.optionalText(7),
            endedAt: row.optionalInt(8).map(Date.init(unixMilliseconds:)), durationSeconds: row.optionalInt(9).map { Int($0) },
            endReason: row.optionalText(10), outcomes: outcomes, tools: (row.optionalText(17) ?? "").split(separator: ",").map(String.init))
    }

    // MARK: - The stored OpenAI messages

    /// The assistant's tool calls in a turn's internal messages, each with the tool's result.
    static func toolCalls(inMessages json: String) -> [CallTranscript.ToolCall] {
        let messages = jsonArray(json)
        var results: [String: String] = [:]
        for message in messages where message["role"] as? String == "tool" {
            if let id = message["tool_call_id"] as? String { results[id] = message["content"] as? String }
        }
        return messages.filter { $0["role"] as? String == "assistant" }.flatMap { message in
            toolCalls(in: message["tool_calls"] as? [[String: Any]] ?? []).map { call in
                var call = call
                call.result = results[call.id]
                return call
            }
        }
    }

    static func toolCalls(in calls: [[String: Any]]) -> [CallTranscript.ToolCall] {
        calls.map { call in
            let function = call["function"] as? [String: Any] ?? [:]
            return CallTranscript.ToolCall(id: call["id"] as? String ?? "", name: function["name"] as? String ?? "",
                                           arguments: function["arguments"] as? String ?? "")
        }
    }

    static func jsonArray(_ json: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [[String: Any]] ?? []
    }
}

extension AppointmentBook {
    /// Marks a call ended and writes its `call.ended` outbox event, in one transaction, once:
    /// a second report of the same ending (a duplicate webhook, a hangup after the conversation
    /// ended) changes nothing and returns false. The call is the first of `ids` on file; when
    /// none is (FrontDesk never saw a turn of it), it is recorded under the first id with no turns.
    public func endCall(
        ids: [String], caller: String?, calledNumber: String?, durationSeconds: Int?, reason: String?, endedAt: Date
    ) throws -> Bool {
        guard let first = ids.first else { return false }
        return try write { db in
            var id = first
            var found = false
            for candidate in ids where try db.first("SELECT 1 FROM calls WHERE id = ?", [v(candidate)], { _ in true }) != nil {
                id = candidate
                found = true
                break
            }
            let endedMs = endedAt.unixMilliseconds
            if !found {
                let started = endedMs - Int64(max(0, durationSeconds ?? 0)) * 1000
                try db.run("""
                    INSERT INTO calls (id, telephony_call_id, caller, persona, started_at_ms, last_turn_at_ms, turns, business_rule, called_number)
                    VALUES (?, ?, ?, '-', ?, ?, 0, NULL, ?)
                    """, [v(id), v(String(id.dropFirst(5))), v(caller), v(started), v(started), v(calledNumber)])
            }
            guard try db.run("""
                UPDATE calls SET ended_at_ms = ?, duration_sec = ?, end_reason = ?, called_number = coalesce(called_number, ?),
                                 caller = coalesce(caller, ?)
                WHERE id = ? AND ended_at_ms IS NULL
                """, [v(endedMs), v(durationSeconds), v(reason), v(calledNumber), v(caller), v(id)]) == 1
            else { return false }
            guard let call = try db.first("SELECT \(Self.callColumns) FROM calls c WHERE c.id = ?1", [v(id)], Self.callRow) else { return false }
            func orNull(_ value: Any?) -> Any { value ?? NSNull() }
            let data: [String: Any] = [
                "call_id": id, "caller": orNull(call.caller), "called_number": orNull(call.calledNumber),
                "duration_sec": orNull(durationSeconds), "ended_at": ISO8601DateFormatter().string(from: Date(unixMilliseconds: endedMs)),
                "end_reason": orNull(reason), "outcomes": call.outcomes.map(\.rawValue), "tools": call.tools, "turns": call.turns,
                "url": "/api/v1/calls/" + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id),
            ]
            let json = try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys, .withoutEscapingSlashes])
            try db.run("INSERT INTO outbox (type, appointment_id, data, created_at) VALUES ('call.ended', NULL, ?, ?)",
                       [v(String(decoding: json, as: UTF8.self)), v(endedAt.unixSeconds)])
            return true
        }
    }
}
