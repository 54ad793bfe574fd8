import Logging

/// Wraps the process's log handler so no line the service writes carries a phone number or a
/// date of birth, whatever text it quotes (an upstream's error message, a SQLite error, a
/// model's words): the message and every metadata value are masked on the way out (A5).
struct RedactingLogHandler: LogHandler {
    var base: any LogHandler

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(Redaction.personalData(in: "\(event.message)"))"
        event.metadata = event.metadata.map { $0.mapValues(Self.redacted) }
        base.log(event: event)
    }

    static func redacted(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(Redaction.personalData(in: text))
        case .stringConvertible(let convertible): .string(Redaction.personalData(in: convertible.description))
        case .array(let values): .array(values.map(redacted))
        case .dictionary(let values): .dictionary(values.mapValues(redacted))
        }
    }
}

extension Logger {
    /// This logger, with every line it writes masked by `RedactingLogHandler`.
    var redactingPersonalData: Logger {
        guard !(handler is RedactingLogHandler) else { return self }
        var logger = self
        logger.handler = RedactingLogHandler(base: handler)
        return logger
    }
}
