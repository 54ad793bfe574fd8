"""Writes the staff API's OpenAPI 3.1 document, Sources/FrontDeskApp/Resources/openapi.json.

    python3 scripts/openapi.py                 # rewrite the document
    python3 scripts/openapi.py --check         # exit 1 when the committed document differs

The document is data; this script is where it is edited (shared schemas are written once here).
Tests/e2e/test_rest_schema.py runs schemathesis against the running server with the document.
"""
import json
import sys
from copy import deepcopy

def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}

def nullable(t, **extra):
    return {"type": [t, "null"], **extra}

UTC = {"type": "string", "format": "date-time",
       "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$",
       "description": "RFC 3339 instant in UTC, with `Z`."}
LOCAL = {"type": "string", "format": "date-time",
         "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
         "description": "RFC 3339 with the business's UTC offset."}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
E164 = {"type": "string", "pattern": r"^\+[1-9][0-9]{1,14}$"}
E164_OR_NULL = {"type": ["string", "null"], "pattern": r"^\+[1-9][0-9]{1,14}$"}
HHMM = {"type": "string", "pattern": r"^\d{2}:\d{2}$"}

def obj(props, required=None, closed=True, description=None):
    o = {"type": "object", "properties": props,
         "required": list(props) if required is None else required}
    if closed:
        o["additionalProperties"] = False
    if description:
        o["description"] = description
    return o

STATUS = {"type": "string", "enum": ["booked", "cancelled", "completed", "no_show"]}
OUTCOME = {"type": "string", "enum": ["booked", "rescheduled", "cancelled", "confirmed", "transferred", "failed", "info"]}
ACTOR_KIND = {"type": "string", "enum": ["caller", "staff", "system"]}
CHANNEL = {"type": "string", "enum": ["voice", "sms", "api", "console", "cli", "system"]}
WEEKDAY = {"type": "string", "enum": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]}

appointment_props = {
    "object": {"const": "appointment"},
    "id": {"type": "integer"},
    "status": STATUS,
    "start": UTC, "end": UTC, "start_local": LOCAL, "end_local": LOCAL,
    "time_zone": {"type": "string", "description": "IANA time zone of the business."},
    "patient": ref("AppointmentPatient"),
    "provider": ref("NamedRef"), "service": ref("NamedRef"), "location": ref("NamedRef"),
    "notes": nullable("string"),
    "cancel_reason": nullable("string"),
    "rescheduled_from": nullable("integer", description="Id of the appointment this one replaced."),
    "confirmed_at": {"type": ["string", "null"], "format": "date-time", "pattern": UTC["pattern"]},
    "conversation_id": nullable("string", description="`call:…` when a call made it."),
    "created_at": UTC, "updated_at": UTC,
}

patient_props = {
    "object": {"const": "patient"},
    "id": {"type": "integer"},
    "first_name": {"type": "string"},
    "last_name": {"type": "string"},
    "date_of_birth": DATE,
    "phone": E164_OR_NULL,
    "email": nullable("string"),
    "preferred_provider_id": nullable("string"),
}

call_props = {
    "object": {"const": "call"},
    "id": {"type": "string", "description": "`call:…`"},
    "caller": E164_OR_NULL,
    "persona": {"type": "string"},
    "started_at": UTC,
    "last_turn_at": UTC,
    "turns": {"type": "integer", "minimum": 0},
    "business_rule": nullable("string", description="How the call reached its business (`api_key`, `telnyx_agent_target`, `vapi_phone_number`, `header`, `only_business`)."),
    "called_number": nullable("string", description="The business's number the caller dialled (E.164), when the telephony provider said."),
    "ended_at": {**nullable("string"), "format": "date-time", "description": "When the call ended (from Telnyx's call.conversation.ended or call.hangup); null until then."},
    "duration_sec": nullable("integer", minimum=0),
    "end_reason": nullable("string", description="`conversation_ended`, or the hangup cause."),
    "outcomes": {"type": "array", "items": OUTCOME},
    "tools": {"type": "array", "items": {"type": "string"}},
}

call_detail_props = dict(call_props)
call_detail_props["turns"] = {"type": "array", "items": ref("CallTurn")}
call_detail_props["changes"] = {"type": "array", "items": ref("CallChange")}

# --- the business profile (import format) -------------------------------------------------
CHANGE_PROPS = {"action": {"type": "string", "description": "`booking.created`, `booking.rescheduled`, `booking.confirmed`, `booking.cancelled`, `patient.created`, `patient.updated`"},
                "actor_kind": ACTOR_KIND, "actor_id": nullable("string"), "channel": CHANNEL,
                "conversation_id": nullable("string"), "at": UTC,
                "appointment_id": nullable("integer"),
                "url": {"type": ["string", "null"], "pattern": r"^/api/v1/appointments/[0-9]+$"}}
TOOL_CALL_PROPS = {"id": {"type": "string"}, "name": {"type": "string"},
                   "arguments": {"type": "string", "description": "The arguments as a JSON string."},
                   "result": nullable("string"), "duration_ms": nullable("integer"),
                   "outcome": nullable("string"), "audit_id": nullable("integer")}

WEBHOOK_PROPS = {"object": {"const": "webhook_endpoint"}, "id": {"type": "integer"}, "url": {"type": "string"},
                 "events": {"type": "array", "items": {"type": "string"}}, "enabled": {"type": "boolean"},
                 "disabled_reason": nullable("string"), "include_transcript": {"type": "boolean"}, "label": nullable("string"),
                 "created_at": UTC}

def profile_schemas(output):
    """Import format. `output`: as the server writes it (every non-optional key present)."""
    def o(props, required_in, required_out):
        return {"type": "object", "properties": props, "required": required_out if output else required_in}
    s = "" if output else "Input"
    schemas = {}
    schemas["TimeRange" + s] = o({"start": HHMM, "end": HHMM}, ["start", "end"], ["start", "end"])
    schemas["WeeklyHours" + s] = o({
        "day": WEEKDAY, "open": HHMM, "close": HHMM,
        "breaks": {"type": "array", "items": ref("TimeRange" + s)},
        "location": nullable("string")}, ["day", "open", "close"], ["day", "open", "close", "breaks"])
    schemas["FAQEntry" + s] = o({"question": {"type": "string"}, "answer": {"type": "string"}},
                                ["question", "answer"], ["question", "answer"])
    schemas["BusinessInfo" + s] = o({
        "name": {"type": "string"}, "time_zone": {"type": "string"},
        "phone": nullable("string"), "address": nullable("string"),
        "faq": {"type": "array", "items": ref("FAQEntry" + s)}}, ["name", "time_zone"], ["name", "time_zone", "faq"])
    rules = {k: {"type": "integer"} for k in ("slot_step_minutes", "minimum_notice_minutes", "horizon_days", "hold_minutes")}
    schemas["BookingRules" + s] = o(rules, [], list(rules))
    schemas["LocationProfile" + s] = o({
        "id": {"type": "string"}, "name": {"type": "string"}, "address": nullable("string"), "phone": nullable("string"),
        "hours": {"type": "array", "items": ref("WeeklyHours" + s)}}, ["id", "name"], ["id", "name", "hours"])
    schemas["ProviderProfile" + s] = o({
        "id": {"type": "string"}, "name": {"type": "string"}, "title": nullable("string"),
        "specialties": {"type": "array", "items": {"type": "string"}},
        "locations": {"type": "array", "items": {"type": "string"}},
        "hours": {"type": "array", "items": ref("WeeklyHours" + s)}},
        ["id", "name"], ["id", "name", "specialties", "locations", "hours"])
    schemas["ServiceProfile" + s] = o({
        "id": {"type": "string"}, "name": {"type": "string"}, "duration_minutes": {"type": "integer"},
        "buffer_before_minutes": {"type": "integer"}, "buffer_after_minutes": {"type": "integer"},
        "providers": {"type": "array", "items": {"type": "string"}}, "description": nullable("string")},
        ["id", "name", "duration_minutes"],
        ["id", "name", "duration_minutes", "buffer_before_minutes", "buffer_after_minutes", "providers"])
    schemas["DateOverride" + s] = o({
        "date": DATE, "closed": {"type": "boolean"}, "open": nullable("string"), "close": nullable("string"),
        "provider": nullable("string"), "reason": nullable("string")}, ["date", "closed"], ["date", "closed"])
    schemas["PatientSeed" + s] = o({
        "first_name": {"type": "string"}, "last_name": {"type": "string"}, "date_of_birth": {"type": "string"},
        "phone": nullable("string"), "email": nullable("string"), "preferred_provider": nullable("string")},
        ["first_name", "last_name", "date_of_birth"], ["first_name", "last_name", "date_of_birth"])
    schemas["BusinessProfile" + s] = o({
        "business": ref("BusinessInfo" + s),
        "booking_rules": ref("BookingRules" + s),
        "locations": {"type": "array", "items": ref("LocationProfile" + s)},
        "providers": {"type": "array", "items": ref("ProviderProfile" + s)},
        "services": {"type": "array", "items": ref("ServiceProfile" + s)},
        "overrides": {"type": "array", "items": ref("DateOverride" + s)},
        "patients": {"type": ["array", "null"], "items": ref("PatientSeed" + s)},
        "messaging": ref("MessagingSettings" + s)},
        ["business"], ["business", "booking_rules", "locations", "providers", "services", "overrides"])
    templates = {k: {"type": "string"} for k in ("booked", "rescheduled", "cancelled", "reminder")}
    schemas["MessagingSettings" + s] = o({
        "sender_number": {"type": "string", "description": "E.164: the number texts come from."},
        "messaging_profile_id": nullable("string"),
        "assistant_id": {**nullable("string"), "description": "The Telnyx AI assistant that places reminder calls."},
        "confirmations": {"type": "boolean", "description": "Text on booking, reschedule and cancel."},
        "templates": {**o(templates, [], list(templates)),
                      "description": "Placeholders: {business}, {service}, {provider}, {location}, {when}, {first_name}."},
        "reminders": {"type": "array", "items": o({"before_minutes": {"type": "integer", "minimum": 5, "maximum": 43200},
                                                     "channel": {"type": "string", "enum": ["sms", "call"]},
                                                     "only_if_unconfirmed": {"type": "boolean"}},
                                                    ["before_minutes"], ["before_minutes", "channel", "only_if_unconfirmed"])},
        "window": o({"start": HHMM, "end": HHMM, "days": {"type": "array", "items": WEEKDAY}}, ["start", "end", "days"],
                    ["start", "end", "days"]),
        "max_texts_per_day": {"type": "integer", "minimum": 1, "maximum": 20}},
        ["sender_number"],
        ["sender_number", "confirmations", "templates", "reminders", "window", "max_texts_per_day"])
    schemas["MessagingSettings" + s]["description"] = "How the business texts patients (absent: no texts)."
    schemas["BusinessProfile" + s]["description"] = (
        "A business profile in the import format (env/business.example.json)." if output else
        "A whole business profile in the import format (env/business.example.json). Arrays left out count as empty.")
    return schemas

schemas = {
    "Error": obj({"error": obj({
        "message": {"type": "string"},
        "type": {"type": "string"},
        "param": nullable("string"),
        "code": nullable("string")})},
        description="FrontDesk's (OpenAI-shaped) error object."),
    "NamedRef": obj({"id": {"type": "string"}, "name": {"type": "string"}}),
    "AppointmentPatient": obj({"id": {"type": "integer"}, "first_name": {"type": "string"},
                               "last_name": {"type": "string"}, "phone": E164_OR_NULL}),
    "Appointment": obj(appointment_props),
    "AppointmentChange": obj(CHANGE_PROPS),
    "AppointmentDetail": obj({**appointment_props, "changes": {"type": "array", "items": ref("AppointmentChange")}},
                             description="An appointment with its audited changes, oldest first."),
    "AppointmentList": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("Appointment")},
                            "next_cursor": nullable("string")}),
    "Patient": obj(patient_props),
    "PatientDetail": obj({**patient_props,
                          "appointments": {"type": "array", "items": ref("Appointment"),
                                           "description": "All the patient's appointments, every status, by start."},
                          "calls": {"type": "array", "items": ref("CallSummary"),
                                    "description": "Calls from the patient's number or that acted for them."}}),
    "PatientList": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("Patient")},
                        "next_cursor": nullable("string")}),
    "CallSummary": obj(call_props),
    "ToolCallRecord": obj(TOOL_CALL_PROPS),
    "ClientToolCall": obj(TOOL_CALL_PROPS, description="A tool call handed to the telephony client (FrontDesk never runs it, so result, duration, outcome and audit id are null)."),
    "CallTurn": obj({"request_id": {"type": "string"}, "started_at": UTC, "duration_ms": {"type": "integer", "minimum": 0},
                     "caller_text": nullable("string"), "answer": nullable("string"), "finish_reason": nullable("string"),
                     "error": nullable("string"), "streamed": {"type": "boolean"},
                     "tool_calls": {"type": "array", "items": ref("ToolCallRecord")},
                     "client_tool_calls": {"type": "array", "items": ref("ClientToolCall")},
                     "interventions": {"type": "array", "items": ref("SpeechIntervention"),
                                       "description": "What FrontDesk's speech guard withheld or changed in the answer."}}),
    "SpeechIntervention": obj({"kind": {"type": "string", "enum": ["unkept_claim", "corrective_round", "safe_line", "markup", "repeated_filler"]},
                               "text": {"type": "string", "description": "What was withheld or changed (at most 300 characters)."}}),
    "CallChange": obj(CHANGE_PROPS, description="One audited change the call made (the same shape as an appointment's changes)."),
    "CallDetail": obj(call_detail_props, description="A call with its turns and the appointment changes it made."),
    "Event": obj({"object": {"const": "event"}, "id": {"type": "string", "pattern": "^evt_"}, "sequence": {"type": "integer", "minimum": 1},
                  "type": {"type": "string"}, "created_at": UTC, "data": {"type": "object"}},
                 description="An outbox event: a committed change (booking.created, …) in the order it was written."),
    "EventList": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("Event")},
                      "next_after": nullable("integer", description="Pass as `after` for the next page; null when this page is empty.")}),
    "WebhookEndpoint": obj(WEBHOOK_PROPS),
    "WebhookEndpointWithSecret": obj({**WEBHOOK_PROPS, "secret": {"type": "string", "pattern": "^whsec_"}},
                                     description="An endpoint with its signing secret, shown only in this answer."),
    "WebhookEndpointList": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("WebhookEndpoint")},
                                "next_cursor": {"type": "null"}}),
    "WebhookEndpointCreate": obj({"url": {"type": "string", "minLength": 1},
                                  "events": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                                  "include_transcript": {"type": "boolean"}, "label": nullable("string")},
                                 required=["url"], closed=False),
    "WebhookAttempt": obj({"object": {"const": "webhook_attempt"}, "event_id": {"type": "string"}, "endpoint_id": {"type": "integer"},
                           "number": {"type": "integer", "minimum": 1}, "status": nullable("integer"), "error": nullable("string"),
                           "latency_ms": {"type": "integer", "minimum": 0}, "response_snippet": nullable("string"), "at": UTC}),
    "WebhookAttemptList": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("WebhookAttempt")},
                               "next_cursor": {"type": "null"}}),
    "QueuedEvent": obj({"object": {"const": "event"}, "id": {"type": "string"}, "type": {"const": "webhook.test"}}),
    "KnowledgeDocument": obj({"object": {"const": "knowledge_document"}, "id": {"type": "integer"},
                              "source_name": {"type": "string", "description": "Adding a document with the same source name replaces this one."},
                              "title": {"type": "string"}, "characters": {"type": "integer", "minimum": 0},
                              "passages": {"type": "integer", "minimum": 1}, "added_at": UTC, "updated_at": UTC},
                             description="A document the assistant answers from (policies, insurance, visit instructions), split into passages."),
    "KnowledgeDocumentList": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("KnowledgeDocument")},
                                  "next_cursor": {"type": "null"}}),
    "KnowledgeDocumentCreate": obj({"source_name": {"type": "string", "minLength": 1, "maxLength": 200,
                                                    "description": "Usually the file name; the same one replaces that document."},
                                    "title": {**nullable("string"), "maxLength": 200,
                                              "description": "Default: the body's leading `# heading`, else the source name."},
                                    "body": {"type": "string", "minLength": 1, "description": "Markdown or plain text."}},
                                   required=["source_name", "body"], closed=False),
    "KnowledgePassage": obj({"object": {"const": "knowledge_passage"}, "document_id": {"type": "integer"}, "title": {"type": "string"},
                             "heading": nullable("string"), "text": {"type": "string"},
                             "score": {"type": "number", "description": "bm25, higher is better; comparable within one search only."},
                             "matched_terms": {"type": "integer", "minimum": 0}}),
    "KnowledgeSearch": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("KnowledgePassage")},
                            "next_cursor": {"type": "null"},
                            "strong_match": {"type": "boolean",
                                             "description": "Whether a caller saying `q` gets the first passage in the live context."}}),
    "CallList": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("CallSummary")},
                     "next_cursor": nullable("string")}),
    "Slot": obj({"start": UTC, "end": UTC, "start_local": LOCAL, "end_local": LOCAL,
                 "provider_id": {"type": "string"}, "provider_name": {"type": "string"}, "service_id": {"type": "string"},
                 "location_id": {"type": "string"}, "location_name": {"type": "string"}}),
    "Availability": obj({"object": {"const": "availability"}, "time_zone": {"type": "string"},
                         "slots": {"type": "array", "items": ref("Slot")},
                         "next_available_date": {"type": ["string", "null"], "format": "date", "pattern": DATE["pattern"]}}),
    "ProviderList": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("ProviderProfile")},
                         "next_cursor": {"type": "null"}}),
    "ServiceList": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("ServiceProfile")},
                        "next_cursor": {"type": "null"}}),
    "LocationList": obj({"object": {"const": "list"}, "data": {"type": "array", "items": ref("LocationProfile")},
                         "next_cursor": {"type": "null"}}),
    # Request bodies: unknown properties are accepted.
    "CreateAppointmentRequest": obj({
        "patient_id": {"type": "integer"},
        "service_id": {"type": "string"},
        "start": {"type": "string", "format": "date-time", "description": "RFC 3339 instant (any offset)."},
        "provider_id": {"type": "string"},
        "location_id": {"type": "string"},
        "notes": {"type": "string"}}, required=["patient_id", "service_id", "start"], closed=False),
    "CancelAppointmentRequest": obj({"reason": {"type": "string"}}, required=[], closed=False),
    "RescheduleAppointmentRequest": obj({
        "start": {"type": "string", "format": "date-time", "description": "RFC 3339 instant (any offset)."},
        "provider_id": {"type": "string"},
        "location_id": {"type": "string"}}, required=["start"], closed=False),
    "CreatePatientRequest": obj({
        "first_name": {"type": "string"}, "last_name": {"type": "string"}, "date_of_birth": DATE,
        "phone": nullable("string"), "email": nullable("string"), "preferred_provider_id": nullable("string")},
        required=["first_name", "last_name", "date_of_birth"], closed=False),
    "UpdatePatientRequest": obj({"phone": nullable("string", description="null clears it"),
                                 "email": nullable("string", description="null clears it")}, required=[], closed=False),
    "OpenAPIDocument": {"type": "object", "required": ["openapi", "info", "paths"],
                        "properties": {"openapi": {"type": "string"}}},
}
schemas.update(profile_schemas(output=True))
schemas.update(profile_schemas(output=False))

def error_response(description, headers=None):
    r = {"description": description, "content": {"application/json": {"schema": ref("Error")}}}
    if headers:
        r["headers"] = headers
    return r

responses = {
    "BadRequest": error_response("Invalid request: malformed JSON, wrong type, missing field or bad query value (`param` names it); `business_required` when a server key names no business on a server with several."),
    "Unauthorized": error_response("Missing or wrong API key (`invalid_api_key`).",
                                   {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Bearer`"}}),
    "Forbidden": error_response("A business key with an `X-FrontDesk-Business` naming another business (`business_mismatch`)."),
    "NotFound": error_response("Unknown id (`not_found`) or unknown business (`unknown_business`)."),
    "Conflict": error_response("`slot_unavailable`, `patient_conflict`, `not_booked` or `duplicate_patient`."),
    "Unprocessable": error_response("`outside_hours`, `closed_date`, `inside_minimum_notice`, `beyond_horizon`, `in_past`, or `idempotency_key_reused`."),
    "PayloadTooLarge": error_response("Body larger than MAX_BODY_BYTES (`request_too_large`)."),
    "Unavailable": error_response("The calendar cannot be read or written (`calendar_unavailable`)."),
}

def errs(*codes):
    names = {"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound", "409": "Conflict",
             "413": "PayloadTooLarge", "422": "Unprocessable", "503": "Unavailable"}
    return {c: {"$ref": f"#/components/responses/{names[c]}"} for c in sorted(codes)}

READ_ERRS = ("400", "401", "403", "404", "503")
WRITE_ERRS = ("400", "401", "403", "404", "409", "413", "422", "503")

def pref(name):
    return {"$ref": f"#/components/parameters/{name}"}

parameters = {
    "Business": {"name": "X-FrontDesk-Business", "in": "header", "required": False,
                 "description": "The business to act for. With a business key it must name the key's own business (else 403); with a server key it picks the business (required when the server has several).",
                 "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,40}$"}},
    "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": False,
                       "description": "The same key with the same request answers with the first result; with a different request it is a 422 `idempotency_key_reused`.",
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255}},
    "Limit": {"name": "limit", "in": "query", "required": False, "description": "Page size, 1–200 (default 50).",
              "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
    "Cursor": {"name": "cursor", "in": "query", "required": False,
               "description": "`next_cursor` of the previous page.", "schema": {"type": "string"}},
    "From": {"name": "from", "in": "query", "required": False, "description": "First local date (inclusive).",
             "schema": {"type": "string", "format": "date"}},
    "To": {"name": "to", "in": "query", "required": False, "description": "Last local date (inclusive).",
           "schema": {"type": "string", "format": "date"}},
    "ProviderId": {"name": "provider_id", "in": "query", "required": False, "schema": {"type": "string"}},
    "LocationId": {"name": "location_id", "in": "query", "required": False, "schema": {"type": "string"}},
    "ServiceIdFilter": {"name": "service_id", "in": "query", "required": False, "schema": {"type": "string"}},
    "Status": {"name": "status", "in": "query", "required": False, "schema": STATUS},
    "PatientIdFilter": {"name": "patient_id", "in": "query", "required": False, "schema": {"type": "integer"}},
    "Phone": {"name": "phone", "in": "query", "required": False,
              "description": "Digits, matched anywhere in the patient's number.",
              "schema": {"type": "string", "pattern": "^[0-9]{1,15}$"}},
    "Format": {"name": "format", "in": "query", "required": True,
               "schema": {"type": "string", "enum": ["csv", "jsonl"]}},
    "AppointmentId": {"name": "appointment_id", "in": "path", "required": True,
                      "schema": {"type": "integer", "minimum": 1}, "examples": {"first": {"value": 1}}},
    "PatientId": {"name": "patient_id", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 1}, "examples": {"first": {"value": 1}}},
    "CallId": {"name": "call_id", "in": "path", "required": True,
               "description": "The call id (`call:…`), percent-encoded.", "schema": {"type": "string", "minLength": 1}},
    "Caller": {"name": "caller", "in": "query", "required": False,
               "description": "Digits, matched anywhere in the caller's number.",
               "schema": {"type": "string", "pattern": "^[0-9]{1,15}$"}},
    "Outcome": {"name": "outcome", "in": "query", "required": False, "schema": OUTCOME},
    "Tool": {"name": "tool", "in": "query", "required": False, "description": "A tool the call used.",
             "schema": {"type": "string"}},
    "Persona": {"name": "persona", "in": "query", "required": False, "schema": {"type": "string"}},
    "After": {"name": "after", "in": "query", "required": False, "description": "Events after this sequence (default 0).",
              "schema": {"type": "integer", "minimum": 0}},
    "EventLimit": {"name": "limit", "in": "query", "required": False, "description": "Page size, 1–500 (default 100).",
                   "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}},
    "WebhookId": {"name": "webhook_id", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 1}, "examples": {"first": {"value": 1}}},
    "DocumentId": {"name": "document_id", "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1}, "examples": {"first": {"value": 1}}},
}

APPOINTMENT_FILTERS = [pref(n) for n in ("From", "To", "ProviderId", "LocationId", "ServiceIdFilter", "Status",
                                         "PatientIdFilter", "Phone")]
CALL_FILTERS = [pref(n) for n in ("From", "To", "Caller", "Outcome", "Tool", "Persona")]

def json_ok(schema_name, description, status="200"):
    return {status: {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}}

def body(schema_name, required=True):
    return {"required": required, "content": {"application/json": {"schema": ref(schema_name)}}}

def op(op_id, summary, tag, params, responses_, request_body=None, extra=None):
    o = {"operationId": op_id, "summary": summary, "tags": [tag], "parameters": params, "responses": responses_}
    if request_body:
        o["requestBody"] = request_body
    if extra:
        o.update(extra)
    return o

EXPORT_HEADERS = {"Content-Disposition": {"description": "`attachment; filename=…`", "required": True,
                                          "schema": {"type": "string", "pattern": "^attachment"}}}

def export_ok(what):
    return {"200": {"description": f"All matching {what}: CSV with a header row, or one JSON object per line.",
                    "headers": EXPORT_HEADERS,
                    "content": {"text/csv": {"schema": {"type": "string"}},
                                "application/x-ndjson": {"schema": {"type": "string"}}}}}

B = pref("Business")
paths = {
    "/api/v1/openapi.json": {"get": op(
        "getOpenAPI", "This OpenAPI document (no authentication).", "meta", [],
        {"200": {"description": "The OpenAPI 3.1 document.",
                 "content": {"application/json": {"schema": ref("OpenAPIDocument")}}}},
        extra={"security": []})},
    "/api/v1/business": {
        "get": op("getBusiness", "The business profile in the import format.", "business", [B],
                  {**json_ok("BusinessProfile", "The profile."), **errs(*READ_ERRS)}),
        "put": op("putBusiness", "Replace the whole business profile.", "business", [B],
                  {**json_ok("BusinessProfile", "The profile as stored."), **errs(*WRITE_ERRS)},
                  request_body=body("BusinessProfileInput")),
    },
    "/api/v1/providers": {"get": op("listProviders", "The profile's providers.", "business", [B],
                                    {**json_ok("ProviderList", "Providers."), **errs(*READ_ERRS)})},
    "/api/v1/services": {"get": op("listServices", "The profile's services.", "business", [B],
                                   {**json_ok("ServiceList", "Services."), **errs(*READ_ERRS)})},
    "/api/v1/locations": {"get": op("listLocations", "The profile's locations.", "business", [B],
                                    {**json_ok("LocationList", "Locations."), **errs(*READ_ERRS)})},
    "/api/v1/availability": {"get": op(
        "getAvailability", "Open slots for a service.", "appointments",
        [B,
         {"name": "service_id", "in": "query", "required": True, "schema": {"type": "string"}},
         pref("ProviderId"), pref("LocationId"), pref("From"), pref("To"),
         {"name": "time_of_day", "in": "query", "required": False,
          "schema": {"type": "string", "enum": ["any", "morning", "afternoon", "evening"], "default": "any"}},
         {"name": "limit", "in": "query", "required": False, "description": "1–50 (default 10).",
          "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}}],
        {**json_ok("Availability", "The first open slots, and the next date with one."),
         **errs(*READ_ERRS, "422")})},
    "/api/v1/appointments": {
        "get": op("listAppointments", "Appointments, sorted by start then id.", "appointments",
                  [B, *APPOINTMENT_FILTERS, pref("Limit"), pref("Cursor")],
                  {**json_ok("AppointmentList", "A page of appointments."), **errs(*READ_ERRS)}),
        "post": op("createAppointment", "Book an appointment for a patient.", "appointments",
                   [B, pref("IdempotencyKey")],
                   {**json_ok("Appointment", "The booked appointment (the same one again for a repeated Idempotency-Key).", "201"),
                    **errs(*WRITE_ERRS)},
                   request_body=body("CreateAppointmentRequest")),
    },
    "/api/v1/appointments/export": {"get": op(
        "exportAppointments", "Every matching appointment as CSV or JSON lines.", "appointments",
        [B, *APPOINTMENT_FILTERS, pref("Format")], {**export_ok("appointments"), **errs(*READ_ERRS)})},
    "/api/v1/appointments/{appointment_id}": {"get": op(
        "getAppointment", "An appointment with its changes.", "appointments", [B, pref("AppointmentId")],
        {**json_ok("AppointmentDetail", "The appointment."), **errs(*READ_ERRS)})},
    "/api/v1/appointments/{appointment_id}/cancel": {"post": op(
        "cancelAppointment", "Cancel an appointment (cancelling again answers the same).", "appointments",
        [B, pref("AppointmentId")],
        {**json_ok("Appointment", "The cancelled appointment."), **errs(*WRITE_ERRS)},
        request_body=body("CancelAppointmentRequest", required=False))},
    "/api/v1/appointments/{appointment_id}/reschedule": {"post": op(
        "rescheduleAppointment", "Move an appointment: a new appointment replaces it.", "appointments",
        [B, pref("AppointmentId"), pref("IdempotencyKey")],
        {**json_ok("Appointment", "The new appointment (`rescheduled_from` is the old id)."), **errs(*WRITE_ERRS)},
        request_body=body("RescheduleAppointmentRequest"))},
    "/api/v1/appointments/{appointment_id}/confirm": {"post": op(
        "confirmAppointment", "Mark an appointment confirmed by the patient.", "appointments",
        [B, pref("AppointmentId")],
        {**json_ok("Appointment", "The appointment with `confirmed_at`."), **errs(*WRITE_ERRS)})},
    "/api/v1/patients": {
        "get": op("listPatients", "Patients by id.", "patients",
                  [B, {"name": "q", "in": "query", "required": False,
                       "description": "A name fragment or phone digits.", "schema": {"type": "string"}},
                   pref("Limit"), pref("Cursor")],
                  {**json_ok("PatientList", "A page of patients."), **errs(*READ_ERRS)}),
        "post": op("createPatient", "Register a patient.", "patients", [B, pref("IdempotencyKey")],
                   {**json_ok("Patient", "The new patient.", "201"), **errs(*WRITE_ERRS)},
                   request_body=body("CreatePatientRequest")),
    },
    "/api/v1/patients/{patient_id}": {
        "get": op("getPatient", "A patient with their appointments and calls.", "patients", [B, pref("PatientId")],
                  {**json_ok("PatientDetail", "The patient."), **errs(*READ_ERRS)}),
        "patch": op("updatePatient", "Change a patient's phone or email (null clears).", "patients",
                    [B, pref("PatientId")],
                    {**json_ok("Patient", "The patient as stored."), **errs(*WRITE_ERRS)},
                    request_body=body("UpdatePatientRequest")),
    },
    "/api/v1/calls": {"get": op("listCalls", "Calls, newest first.", "calls",
                                [B, *CALL_FILTERS, pref("Limit"), pref("Cursor")],
                                {**json_ok("CallList", "A page of calls."), **errs(*READ_ERRS)})},
    "/api/v1/calls/export": {"get": op("exportCalls", "Every matching call as CSV or JSON lines.", "calls",
                                       [B, *CALL_FILTERS, pref("Format")],
                                       {**export_ok("calls"), **errs(*READ_ERRS)})},
    "/api/v1/calls/{call_id}": {"get": op("getCall", "A call with its turns and the changes it made.", "calls",
                                          [B, pref("CallId")],
                                          {**json_ok("CallDetail", "The call."), **errs(*READ_ERRS)})},
    "/api/v1/events": {"get": op("listEvents", "Outbox events after a sequence, oldest first: how a receiver catches up.", "webhooks",
                                 [B, pref("After"), pref("EventLimit")],
                                 {**json_ok("EventList", "Events."), **errs(*READ_ERRS)})},
    "/api/v1/webhooks": {
        "get": op("listWebhooks", "The business's webhook endpoints (never their secrets).", "webhooks", [B],
                  {**json_ok("WebhookEndpointList", "Endpoints."), **errs(*READ_ERRS)}),
        "post": op("createWebhook", "Add an endpoint; its signing secret is in this answer only. Private and local URLs are refused.",
                   "webhooks", [B], {**json_ok("WebhookEndpointWithSecret", "Added.", "201"), **errs("400", "401", "403", "404", "413", "503")},
                   body("WebhookEndpointCreate")),
    },
    "/api/v1/webhooks/{webhook_id}": {"delete": op(
        "deleteWebhook", "Remove an endpoint and its pending deliveries.", "webhooks", [B, pref("WebhookId")],
        {"204": {"description": "Removed."}, **errs(*READ_ERRS)})},
    "/api/v1/webhooks/{webhook_id}/rotate": {"post": op(
        "rotateWebhookSecret", "A new secret (in this answer only); for 24 hours deliveries carry both signatures.", "webhooks",
        [B, pref("WebhookId")], {**json_ok("WebhookEndpointWithSecret", "Rotated."), **errs(*READ_ERRS)})},
    "/api/v1/webhooks/{webhook_id}/test": {"post": op(
        "testWebhook", "Send a webhook.test event to this endpoint only.", "webhooks", [B, pref("WebhookId")],
        {**json_ok("QueuedEvent", "Queued.", "202"), **errs(*READ_ERRS)})},
    "/api/v1/webhooks/{webhook_id}/attempts": {"get": op(
        "listWebhookAttempts", "Every delivery attempt to this endpoint, oldest first.", "webhooks", [B, pref("WebhookId")],
        {**json_ok("WebhookAttemptList", "Attempts."), **errs(*READ_ERRS)})},
    "/api/v1/knowledge": {
        "get": op("listKnowledgeDocuments", "The documents the assistant answers from, by id.", "knowledge", [B],
                  {**json_ok("KnowledgeDocumentList", "Documents."), **errs(*READ_ERRS)}),
        "post": op("addKnowledgeDocument", "Add a document, or replace the one with the same source name (same id).", "knowledge", [B],
                   {**json_ok("KnowledgeDocument", "Replaced."), **json_ok("KnowledgeDocument", "Added.", "201"),
                    **errs("400", "401", "403", "404", "413", "503")},
                   body("KnowledgeDocumentCreate")),
    },
    "/api/v1/knowledge/search": {"get": op(
        "searchKnowledge", "Search the documents as the assistant does.", "knowledge",
        [B, {"name": "q", "in": "query", "required": True, "description": "What a caller might ask, in their words.",
             "schema": {"type": "string", "minLength": 1}},
         {"name": "limit", "in": "query", "required": False, "description": "1–20 (default 5).",
          "schema": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5}}],
        {**json_ok("KnowledgeSearch", "The best passages, best first."), **errs(*READ_ERRS)})},
    "/api/v1/knowledge/{document_id}": {"delete": op(
        "deleteKnowledgeDocument", "Remove a document and its passages.", "knowledge", [B, pref("DocumentId")],
        {"204": {"description": "Removed."}, **errs(*READ_ERRS)})},
}

doc = {
    "openapi": "3.1.0",
    "info": {
        "title": "FrontDesk staff API",
        "version": "1.0.0",
        "description": (
            "The staff REST API of FrontDesk. JSON in and out, except the exports. Instants are RFC 3339 UTC "
            "strings with `Z`; every appointment also carries `start_local`/`end_local` with the business's offset "
            "and `time_zone`. Dates in query strings are business-local `YYYY-MM-DD`. Authenticate with a business "
            "API key (`fdk_…`, acting for that business) or a server key (`FRONTDESK_API_KEYS`) plus "
            "`X-FrontDesk-Business`. Every write is audited as a staff change through the channel `api`."),
    },
    "servers": [{"url": "/"}],
    "security": [{"bearerAuth": []}],
    "tags": [{"name": n} for n in ("meta", "business", "appointments", "patients", "calls", "webhooks", "knowledge")],
    "paths": paths,
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                           "description": "A business API key (`fdk_` + 64 hex) or a server key."}},
        "parameters": parameters,
        "responses": responses,
        "schemas": dict(sorted(schemas.items())),
    },
}

out = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
target = __import__("pathlib").Path(__file__).resolve().parents[1] / "Sources/FrontDeskApp/Resources/openapi.json"
if "--check" in sys.argv[1:]:
    if target.read_text() != out:
        sys.exit(f"{target} is not what scripts/openapi.py writes: run python3 scripts/openapi.py")
else:
    target.write_text(out)
