import Scheduling
/// The calendar schema as an ordered list of migrations, tracked by `PRAGMA user_version`.
///
/// A migration is never edited once shipped: append a new one. Migrating runs inside
/// `BEGIN IMMEDIATE` and re-reads `user_version` there, so several processes opening a fresh
/// file at once apply each step exactly once.
enum SchemaMigrations {
    static func migrate(_ connection: SQLiteConnection) throws {
        try connection.immediateTransaction {
            let current: Int = try connection.first("PRAGMA user_version") { $0.int(0) } ?? 0
            guard current < all.count else { return }
            for (index, sql) in all.enumerated() where index >= current {
                try connection.execute(sql)
            }
            try connection.execute("PRAGMA user_version = \(all.count)")
        }
    }

    static let all: [String] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16]

    /// Instants are INTEGER Unix seconds (UTC). `block_*` columns are the interval an
    /// appointment keeps its provider busy: start − buffer before … end + buffer after, so every
    /// overlap test (code, index, trigger) uses one pair of columns.
    /// References from the book to configuration are DEFERRABLE so an import can replace the
    /// configuration within one transaction; they are still checked at COMMIT.
    private static let v1 = """
        CREATE TABLE business (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL CHECK (length(name) > 0),
            time_zone TEXT NOT NULL,
            phone TEXT,
            address TEXT,
            -- Bumped by every import so cached compiled schedules know to reload.
            config_revision INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE faq_entries (
            position INTEGER PRIMARY KEY,
            question TEXT NOT NULL,
            answer TEXT NOT NULL
        );
        CREATE TABLE booking_rules (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            slot_step_minutes INTEGER NOT NULL CHECK (slot_step_minutes > 0),
            minimum_notice_minutes INTEGER NOT NULL CHECK (minimum_notice_minutes >= 0),
            horizon_days INTEGER NOT NULL CHECK (horizon_days > 0),
            hold_minutes INTEGER NOT NULL CHECK (hold_minutes > 0)
        );
        CREATE TABLE locations (
            id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            address TEXT,
            phone TEXT
        );
        CREATE TABLE providers (
            id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            title TEXT,
            specialties TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(specialties))
        );
        CREATE TABLE provider_locations (
            provider_id TEXT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
            location_id TEXT NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (provider_id, location_id)
        );
        CREATE TABLE services (
            id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0 AND duration_minutes <= 720),
            buffer_before_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_before_minutes >= 0),
            buffer_after_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_after_minutes >= 0),
            description TEXT
        );
        CREATE TABLE service_providers (
            service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
            provider_id TEXT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (service_id, provider_id)
        );
        -- Opening hours of a location (provider_id NULL) or working hours of a provider at a location.
        CREATE TABLE weekly_hours (
            id INTEGER PRIMARY KEY,
            location_id TEXT NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
            provider_id TEXT REFERENCES providers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            day TEXT NOT NULL CHECK (day IN ('monday','tuesday','wednesday','thursday','friday','saturday','sunday')),
            open_minute INTEGER NOT NULL CHECK (open_minute BETWEEN 0 AND 1440),
            close_minute INTEGER NOT NULL CHECK (close_minute BETWEEN 0 AND 1440),
            breaks TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(breaks)),
            -- Whether the profile named the location (a single-location provider may omit it).
            location_explicit INTEGER NOT NULL DEFAULT 1,
            CHECK (close_minute > open_minute)
        );
        CREATE TABLE date_overrides (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            closed INTEGER NOT NULL CHECK (closed IN (0, 1)),
            open_minute INTEGER,
            close_minute INTEGER,
            provider_id TEXT REFERENCES providers(id) ON DELETE CASCADE,
            reason TEXT,
            CHECK (closed = 1 OR (open_minute IS NOT NULL AND close_minute > open_minute))
        );
        CREATE TABLE patients (
            id INTEGER PRIMARY KEY,
            first_name TEXT NOT NULL CHECK (length(first_name) > 0),
            last_name TEXT NOT NULL CHECK (length(last_name) > 0),
            name_key TEXT NOT NULL,
            date_of_birth TEXT NOT NULL CHECK (date_of_birth GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            phone TEXT CHECK (phone IS NULL OR phone GLOB '+[1-9]*'),
            email TEXT,
            preferred_provider_id TEXT REFERENCES providers(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
            created_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX patients_phone_dob ON patients(phone, date_of_birth) WHERE phone IS NOT NULL;
        CREATE UNIQUE INDEX patients_name_dob ON patients(name_key, date_of_birth);
        CREATE TABLE appointments (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            provider_id TEXT NOT NULL REFERENCES providers(id) DEFERRABLE INITIALLY DEFERRED,
            service_id TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
            location_id TEXT NOT NULL REFERENCES locations(id) DEFERRABLE INITIALLY DEFERRED,
            start_utc INTEGER NOT NULL,
            end_utc INTEGER NOT NULL,
            block_start_utc INTEGER NOT NULL,
            block_end_utc INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked','cancelled','completed','no_show')),
            notes TEXT,
            cancel_reason TEXT,
            rescheduled_from INTEGER REFERENCES appointments(id),
            conversation_id TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CHECK (end_utc > start_utc),
            CHECK (block_start_utc <= start_utc AND block_end_utc >= end_utc),
            CHECK (block_end_utc - block_start_utc <= 86400)
        );
        CREATE INDEX appointments_provider_start ON appointments(provider_id, start_utc);
        CREATE INDEX appointments_patient_start ON appointments(patient_id, start_utc);
        -- Last line of defence: whatever the code above did, two booked appointments of one
        -- provider can never overlap (buffers included).
        CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
        WHEN NEW.status = 'booked' AND EXISTS (
            SELECT 1 FROM appointments
            WHERE provider_id = NEW.provider_id AND status = 'booked'
              AND start_utc > NEW.block_start_utc - 86400 AND start_utc < NEW.block_end_utc + 86400
              AND block_start_utc < NEW.block_end_utc AND NEW.block_start_utc < block_end_utc)
        BEGIN
            SELECT RAISE(ABORT, 'overlapping booked appointment for this provider');
        END;
        CREATE TRIGGER appointments_no_overlap_update
        BEFORE UPDATE OF status, provider_id, block_start_utc, block_end_utc ON appointments
        WHEN NEW.status = 'booked' AND EXISTS (
            SELECT 1 FROM appointments
            WHERE provider_id = NEW.provider_id AND status = 'booked' AND id <> NEW.id
              AND start_utc > NEW.block_start_utc - 86400 AND start_utc < NEW.block_end_utc + 86400
              AND block_start_utc < NEW.block_end_utc AND NEW.block_start_utc < block_end_utc)
        BEGIN
            SELECT RAISE(ABORT, 'overlapping booked appointment for this provider');
        END;
        -- A slot held for one conversation while the caller confirms.
        CREATE TABLE holds (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            provider_id TEXT NOT NULL REFERENCES providers(id) DEFERRABLE INITIALLY DEFERRED,
            service_id TEXT NOT NULL REFERENCES services(id) DEFERRABLE INITIALLY DEFERRED,
            location_id TEXT NOT NULL REFERENCES locations(id) DEFERRABLE INITIALLY DEFERRED,
            start_utc INTEGER NOT NULL,
            end_utc INTEGER NOT NULL,
            block_start_utc INTEGER NOT NULL,
            block_end_utc INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','confirmed','released')),
            appointment_id INTEGER REFERENCES appointments(id),
            created_at INTEGER NOT NULL,
            CHECK (end_utc > start_utc)
        );
        CREATE INDEX holds_provider_start ON holds(provider_id, start_utc);
        -- Exactly once: a retried tool call with the same key gets the first result.
        CREATE TABLE idempotency_keys (
            key TEXT PRIMARY KEY,
            appointment_id INTEGER NOT NULL REFERENCES appointments(id),
            created_at INTEGER NOT NULL
        );
        CREATE TABLE tool_audit (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            tool_call_id TEXT NOT NULL,
            tool_name TEXT NOT NULL,
            arguments TEXT NOT NULL,
            outcome TEXT NOT NULL,
            duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
            created_at INTEGER NOT NULL
        );
        CREATE INDEX tool_audit_conversation ON tool_audit(conversation_id, id);
        CREATE TRIGGER tool_audit_no_update BEFORE UPDATE ON tool_audit
        BEGIN SELECT RAISE(ABORT, 'tool_audit is append-only'); END;
        CREATE TRIGGER tool_audit_no_delete BEFORE DELETE ON tool_audit
        BEGIN SELECT RAISE(ABORT, 'tool_audit is append-only'); END;
        """

    /// The call log: one row per conversation, one per turn. A turn keeps the messages of its
    /// internal tool rounds as OpenAI JSON (`internal_messages`), so later turns can splice
    /// them back and `frontdesk calls show` can print them. Appended by the server only.
    private static let v2 = """
        CREATE TABLE calls (
            id TEXT PRIMARY KEY,
            telephony_call_id TEXT,
            caller TEXT,
            persona TEXT NOT NULL,
            started_at_ms INTEGER NOT NULL,
            last_turn_at_ms INTEGER NOT NULL,
            turns INTEGER NOT NULL DEFAULT 0 CHECK (turns >= 0)
        );
        CREATE INDEX calls_last_turn ON calls(last_turn_at_ms);
        CREATE TABLE call_turns (
            id INTEGER PRIMARY KEY,
            call_id TEXT NOT NULL REFERENCES calls(id),
            request_id TEXT NOT NULL,
            -- Where the internal messages belong: after this many non-system client messages,
            -- provided the client's user messages up to there still hash to anchor_digest.
            anchor_position INTEGER NOT NULL CHECK (anchor_position >= 0),
            anchor_digest TEXT NOT NULL,
            caller_text TEXT,
            internal_messages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(internal_messages)),
            answer TEXT,
            client_tool_calls TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(client_tool_calls)),
            finish_reason TEXT,
            error TEXT,
            streamed INTEGER NOT NULL CHECK (streamed IN (0, 1)),
            started_at_ms INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0)
        );
        CREATE INDEX call_turns_call ON call_turns(call_id, id);
        -- Every turn asks for its conversation's earlier tool rounds: this partial index finds
        -- them without visiting the (many more) turns that had none.
        CREATE INDEX call_turns_rounds ON call_turns(call_id, id) WHERE internal_messages <> '[]';
        -- Availability reads every booked interval of a provider over a range: covering and
        -- partial, the search never visits the table rows (it was most of a search's time).
        CREATE INDEX appointments_busy ON appointments(provider_id, start_utc, block_start_utc, block_end_utc, status)
            WHERE status = 'booked';
        """

    /// A per-provider revision that changes with every write touching that provider's
    /// appointments, so an availability search may keep busy intervals in memory and reread
    /// only the providers that changed, whichever process or connection wrote. A random value,
    /// not a counter: a file replaced under a running process cannot repeat an old revision.
    private static let v3 = """
        CREATE TABLE busy_revisions (
            provider_id TEXT PRIMARY KEY,
            revision INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO busy_revisions (provider_id, revision) SELECT DISTINCT provider_id, random() FROM appointments;
        CREATE TRIGGER appointments_busy_revision_insert AFTER INSERT ON appointments
        BEGIN
            INSERT OR REPLACE INTO busy_revisions (provider_id, revision) VALUES (NEW.provider_id, random());
        END;
        CREATE TRIGGER appointments_busy_revision_update
        AFTER UPDATE OF provider_id, status, start_utc, end_utc, block_start_utc, block_end_utc ON appointments
        BEGIN
            INSERT OR REPLACE INTO busy_revisions (provider_id, revision) VALUES (OLD.provider_id, random());
            INSERT OR REPLACE INTO busy_revisions (provider_id, revision) VALUES (NEW.provider_id, random());
        END;
        CREATE TRIGGER appointments_busy_revision_delete AFTER DELETE ON appointments
        BEGIN
            INSERT OR REPLACE INTO busy_revisions (provider_id, revision) VALUES (OLD.provider_id, random());
        END;
        """

    /// Identity hardening.
    /// - `verification_attempts`: every answer that confirms or denies a name + date of birth
    ///   (search, create), kept so one attempt budget holds per caller number and per patient
    ///   name across conversations and restarts, and so each attempt is audited. Append-only.
    /// - `patients.recognised_by_phone`: whether calling from the patient's number identifies
    ///   them. A patient registered over the phone on a number that already belongs to someone
    ///   gets 0, so registering changes nothing about how the number's holder is recognised.
    /// - `call_turns.patient_id` / `failed_verifications`: who a turn acted for and how many
    ///   verifications its conversation had failed by its end, handed on only to the turns that
    ///   continue it (never to another conversation that merely starts alike).
    private static let v4 = """
        CREATE TABLE verification_attempts (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            caller TEXT,
            name_key TEXT NOT NULL,
            tool TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('verified', 'denied', 'created', 'duplicate', 'refused')),
            created_at INTEGER NOT NULL
        );
        CREATE INDEX verification_attempts_caller ON verification_attempts(caller, created_at) WHERE caller IS NOT NULL;
        CREATE INDEX verification_attempts_name ON verification_attempts(name_key, created_at);
        CREATE TRIGGER verification_attempts_no_update BEFORE UPDATE ON verification_attempts
        BEGIN
            SELECT RAISE(ABORT, 'verification attempts are append-only');
        END;
        ALTER TABLE patients ADD COLUMN recognised_by_phone INTEGER NOT NULL DEFAULT 1 CHECK (recognised_by_phone IN (0, 1));
        ALTER TABLE call_turns ADD COLUMN patient_id INTEGER;
        ALTER TABLE call_turns ADD COLUMN failed_verifications INTEGER NOT NULL DEFAULT 0 CHECK (failed_verifications >= 0);
        CREATE INDEX call_turns_identity ON call_turns(call_id, id) WHERE patient_id IS NOT NULL OR failed_verifications > 0;
        """

    /// The service layer's trail.
    /// - `change_audit`: one row per change to an appointment (who, through which channel),
    ///   written in the change's own transaction. Append-only.
    /// - `outbox`: one event per such change, in the same transaction: what webhooks, texts and
    ///   reminder calls consume, so an event exists exactly when its change committed.
    /// - `appointments.confirmed_at`: when the patient confirmed they will come.
    private static let v5 = """
        CREATE TABLE change_audit (
            id INTEGER PRIMARY KEY,
            action TEXT NOT NULL,
            appointment_id INTEGER REFERENCES appointments(id),
            patient_id INTEGER,
            actor_kind TEXT NOT NULL CHECK (actor_kind IN ('caller', 'staff', 'system')),
            actor_id TEXT,
            conversation_id TEXT,
            channel TEXT NOT NULL,
            detail TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX change_audit_appointment ON change_audit(appointment_id, id);
        CREATE TRIGGER change_audit_no_update BEFORE UPDATE ON change_audit
        BEGIN SELECT RAISE(ABORT, 'change_audit is append-only'); END;
        CREATE TRIGGER change_audit_no_delete BEFORE DELETE ON change_audit
        BEGIN SELECT RAISE(ABORT, 'change_audit is append-only'); END;
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE DEFAULT ('evt_' || lower(hex(randomblob(12)))),
            type TEXT NOT NULL,
            appointment_id INTEGER REFERENCES appointments(id),
            data TEXT NOT NULL CHECK (json_valid(data)),
            created_at INTEGER NOT NULL
        );
        CREATE INDEX outbox_appointment ON outbox(appointment_id, id);
        ALTER TABLE appointments ADD COLUMN confirmed_at INTEGER;
        """

    /// Which rule resolved each call to its business (`api_key`, `telnyx_agent_target`,
    /// `vapi_phone_number`, `header`, `only_business`): kept so staff can tell how a call got here.
    private static let v6 = """
        ALTER TABLE calls ADD COLUMN business_rule TEXT;
        """

    /// The staff side.
    /// - `patient_request_keys`: a staff client's `Idempotency-Key` for adding a patient, so a
    ///   retried request returns the patient the first one created (bookings keep theirs in
    ///   `idempotency_keys`).
    /// - `change_audit` now also records changes to patients (`patient.created`,
    ///   `patient.updated`, with no appointment), and is read by conversation to link a call to
    ///   what it changed.
    private static let v7 = """
        CREATE TABLE patient_request_keys (
            key TEXT PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            created_at INTEGER NOT NULL
        );
        CREATE INDEX change_audit_conversation ON change_audit(conversation_id, id) WHERE conversation_id IS NOT NULL;
        CREATE INDEX calls_started ON calls(started_at_ms, id);
        """

    /// The business's number each call came in on (Telnyx `telnyx_agent_target`, Vapi
    /// `phoneNumber.number`), shown to staff beside the rule that resolved the business.
    private static let v8 = """
        ALTER TABLE calls ADD COLUMN called_number TEXT;
        """

    /// Outgoing webhooks: endpoints with their secrets, one delivery per (endpoint, outbox event)
    /// and every attempt at it, and how far the outbox has been fanned out. An endpoint gets
    /// the events written after it was added (`start_after`), never the history before it.
    private static let v9 = """
        CREATE TABLE webhook_endpoints (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL CHECK (json_valid(events)),
            secret TEXT NOT NULL,
            previous_secret TEXT,
            previous_until INTEGER,
            include_transcript INTEGER NOT NULL DEFAULT 0 CHECK (include_transcript IN (0, 1)),
            allow_private INTEGER NOT NULL DEFAULT 0 CHECK (allow_private IN (0, 1)),
            label TEXT,
            enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
            disabled_reason TEXT,
            failing_since INTEGER,
            start_after INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
            outbox_id INTEGER NOT NULL REFERENCES outbox(id),
            state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'abandoned')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at_ms INTEGER NOT NULL,
            delivered_at INTEGER,
            UNIQUE (endpoint_id, outbox_id)
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at_ms, outbox_id) WHERE state = 'pending';
        CREATE TABLE webhook_attempts (
            id INTEGER PRIMARY KEY,
            delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            status INTEGER,
            error TEXT,
            latency_ms INTEGER NOT NULL CHECK (latency_ms >= 0),
            response_snippet TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, id);
        CREATE TABLE webhook_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), outbox_id INTEGER NOT NULL);
        INSERT INTO webhook_cursor (id, outbox_id) SELECT 1, coalesce(max(id), 0) FROM outbox;
        CREATE INDEX outbox_created ON outbox(created_at, id);
        """

    /// How each call ended, as the telephony provider reported it (`call.conversation.ended`,
    /// `call.hangup`): set once, when the `call.ended` event is written in the same transaction.
    private static let v10 = """
        ALTER TABLE calls ADD COLUMN ended_at_ms INTEGER;
        ALTER TABLE calls ADD COLUMN duration_sec INTEGER CHECK (duration_sec IS NULL OR duration_sec >= 0);
        ALTER TABLE calls ADD COLUMN end_reason TEXT;
        """

    /// Texts to patients.
    /// - `business.messaging`: the profile's texting settings (JSON), nil when it sends none.
    /// - `text_messages`: every confirmation, reminder and reply, one row each under a unique
    ///   key; reminders are written in the booking's own transaction and cancelled with it.
    /// - `text_opt_outs`: numbers that texted STOP. `inbox_messages`: texts for staff to read.
    private static let v11 = """
        ALTER TABLE business ADD COLUMN messaging TEXT CHECK (messaging IS NULL OR json_valid(messaging));
        CREATE TABLE text_messages (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'reminder', 'reply')),
            template TEXT,
            appointment_id INTEGER REFERENCES appointments(id),
            to_number TEXT NOT NULL,
            body TEXT,
            state TEXT NOT NULL CHECK (state IN ('waiting', 'sent', 'failed', 'skipped', 'cancelled')),
            not_after_ms INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at_ms INTEGER NOT NULL,
            provider_message_id TEXT,
            note TEXT,
            sent_at_ms INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX text_messages_due ON text_messages(next_attempt_at_ms) WHERE state = 'waiting';
        CREATE INDEX text_messages_sent ON text_messages(to_number, sent_at_ms) WHERE state = 'sent';
        CREATE INDEX text_messages_appointment ON text_messages(appointment_id) WHERE appointment_id IS NOT NULL;
        CREATE TABLE text_opt_outs (number TEXT PRIMARY KEY, opted_out_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE inbox_messages (
            id INTEGER PRIMARY KEY,
            from_number TEXT NOT NULL,
            patient_id INTEGER,
            body TEXT NOT NULL,
            note TEXT,
            received_at INTEGER NOT NULL,
            handled_at INTEGER
        );
        """

    /// Reminder calls: placed through Telnyx's assistant (a scheduled event, the row's key as the
    /// idempotency key) when a reminder's channel is `call`; written and cancelled with the
    /// appointment like reminder texts; what the call led to lands in `outcome`.
    private static let v12 = """
        CREATE TABLE reminder_calls (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            appointment_id INTEGER NOT NULL REFERENCES appointments(id),
            to_number TEXT NOT NULL,
            only_if_unconfirmed INTEGER NOT NULL CHECK (only_if_unconfirmed IN (0, 1)),
            state TEXT NOT NULL CHECK (state IN ('waiting', 'placed', 'failed', 'skipped', 'cancelled')),
            not_after_ms INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at_ms INTEGER NOT NULL,
            scheduled_event_id TEXT,
            outcome TEXT,
            note TEXT,
            placed_at_ms INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX reminder_calls_due ON reminder_calls(next_attempt_at_ms) WHERE state = 'waiting';
        CREATE INDEX reminder_calls_appointment ON reminder_calls(appointment_id);
        """

    /// A turn reads only its conversation's turns anchored earlier in the client's transcript:
    /// found by position, without visiting the turns recorded at or after this one.
    private static let v13 = """
        CREATE INDEX call_turns_position ON call_turns(call_id, anchor_position);
        """

    /// The business's documents (policies, insurance, pre-visit instructions) and a full-text
    /// index over their passages. The index stores its own copy of each passage (rowid = the
    /// passage's id) and is kept by triggers, so no writer can let it drift from the passages:
    /// deleting a document cascades to its passages and from them to the index.
    /// Porter stemming: "cancel", "cancelled" and "cancellation" find each other.
    private static let v14 = """
        CREATE TABLE knowledge_documents (
            id INTEGER PRIMARY KEY,
            source_name TEXT NOT NULL UNIQUE CHECK (length(source_name) > 0),
            title TEXT NOT NULL CHECK (length(title) > 0),
            body TEXT NOT NULL,
            added_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE knowledge_passages (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES knowledge_documents(id) ON DELETE CASCADE,
            position INTEGER NOT NULL CHECK (position >= 0),
            heading TEXT,
            text TEXT NOT NULL CHECK (length(text) > 0),
            UNIQUE (document_id, position)
        );
        CREATE VIRTUAL TABLE knowledge_index USING fts5(
            title, heading, text, tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER knowledge_passages_indexed AFTER INSERT ON knowledge_passages
        BEGIN
            INSERT INTO knowledge_index (rowid, title, heading, text)
            VALUES (NEW.id, (SELECT title FROM knowledge_documents WHERE id = NEW.document_id), coalesce(NEW.heading, ''), NEW.text);
        END;
        CREATE TRIGGER knowledge_passages_reindexed AFTER UPDATE OF heading, text ON knowledge_passages
        BEGIN
            UPDATE knowledge_index SET heading = coalesce(NEW.heading, ''), text = NEW.text WHERE rowid = NEW.id;
        END;
        CREATE TRIGGER knowledge_passages_unindexed AFTER DELETE ON knowledge_passages
        BEGIN
            DELETE FROM knowledge_index WHERE rowid = OLD.id;
        END;
        CREATE TRIGGER knowledge_documents_retitled AFTER UPDATE OF title ON knowledge_documents
        BEGIN
            UPDATE knowledge_index SET title = NEW.title
            WHERE rowid IN (SELECT id FROM knowledge_passages WHERE document_id = NEW.id);
        END;
        """

    /// What the speech guard withheld or changed in a turn's answer (an unkept claim, markup,
    /// a repeated filler), as a JSON array of `{kind, text}`: shown in the call log.
    private static let v15 = """
        ALTER TABLE call_turns ADD COLUMN interventions TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(interventions));
        """

    /// The knowledge index merged into one segment, as every document change now leaves it
    /// (`AppointmentBook.optimizeKnowledgeIndex`): a file written before searched three
    /// segments for every term of every turn.
    private static let v16 = """
        INSERT INTO knowledge_index(knowledge_index) VALUES ('optimize');
        """
}
