/// Where `ToolRegistry` reports every tool call it answered — executed, refused, unknown or
/// malformed — exactly once, after the outcome is known. A protocol so the registry stays
/// testable without a database; the app wires `ToolCallAuditSink`.
public protocol ToolAuditSink: Sendable {
    /// Records one outcome. Must not throw: an audit failure is logged, never turned into a
    /// failed tool call the model would then retry.
    func record(_ outcome: ToolOutcome, context: ToolContext) async
}
