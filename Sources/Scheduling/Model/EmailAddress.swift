import Foundation

/// An email address as staff type it: something@domain.tld, no spaces, at most 254
/// characters. Only the shape is checked; whether mail arrives is the mail server's business.
public struct EmailAddress: Sendable, Equatable {
    public let text: String

    public init?(_ raw: String) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 254, let at = trimmed.firstIndex(of: "@"), at > trimmed.startIndex,
              trimmed[trimmed.index(after: at)...].contains("."), !trimmed.hasSuffix("."),
              !trimmed.contains(where: \.isWhitespace), trimmed.filter({ $0 == "@" }).count == 1
        else { return nil }
        text = trimmed
    }
}
