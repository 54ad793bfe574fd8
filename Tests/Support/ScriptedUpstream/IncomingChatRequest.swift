import Foundation

/// The few fields of an incoming chat completion request that the fake looks at.
struct IncomingChatRequest: Decodable {
    struct StreamOptions: Decodable {
        var include_usage: Bool?
    }

    struct Message: Decodable {
        var role: String?
        var text: String?

        private enum CodingKeys: String, CodingKey { case role, content }
        private struct Part: Decodable {
            var type: String?
            var text: String?
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.role = try c.decodeIfPresent(String.self, forKey: .role)
            if let text = try? c.decodeIfPresent(String.self, forKey: .content) {
                self.text = text
            } else if let parts = try? c.decodeIfPresent([Part].self, forKey: .content) {
                self.text = parts.compactMap { $0.type == "text" || $0.type == nil ? $0.text : nil }.joined(separator: " ")
            } else {
                self.text = nil
            }
        }
    }

    var model: String?
    var stream: Bool?
    var stream_options: StreamOptions?
    var messages: [Message]?

    var lastUserText: String {
        messages?.last(where: { $0.role == "user" })?.text ?? ""
    }
}
