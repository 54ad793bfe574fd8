import Foundation

/// A persona body split once into literal text and `{{placeholder}}` slots, so rendering on
/// every request is a single pass of appends rather than repeated string searches.
public struct PromptTemplate: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        case text(String)
        case placeholder(String)
    }

    let pieces: [Piece]

    /// Every placeholder name the template uses, in order of first appearance. Kept, not
    /// recomputed: every turn asks which it uses.
    public let placeholders: [String]

    public init(_ text: String) {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !rest[..<open.lowerBound].isEmpty { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            pieces.append(.placeholder(name))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
        var seen: Set<String> = []
        placeholders = pieces.compactMap {
            guard case .placeholder(let name) = $0, seen.insert(name).inserted else { return nil }
            return name
        }
    }

    /// Fills the placeholders. An unknown one is left visible as `{{name}}` (and reported by
    /// `frontdesk persona check`) rather than silently blanked, so an operator sees the typo.
    public func render(_ values: [String: String]) -> String {
        var output = ""
        output.reserveCapacity(4096)
        for piece in pieces {
            switch piece {
            case .text(let text): output += text
            case .placeholder(let name): output += values[name] ?? "{{\(name)}}"
            }
        }
        return output
    }
}
