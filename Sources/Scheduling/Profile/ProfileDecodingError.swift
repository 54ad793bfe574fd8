/// Where and why a profile file failed to decode, in the words of the file
/// ("providers[1].hours: missing") instead of Foundation's debug dump. The command line and
/// the REST API both say it this way.
public enum ProfileDecodingError {
    /// The place in the file (empty for the whole file) and what is wrong there.
    public static func describe(_ error: DecodingError) -> (path: String, message: String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { result, key in
                if let index = key.intValue { return result + "[\(index)]" }
                return result.isEmpty ? key.stringValue : result + "." + key.stringValue
            }
        }
        switch error {
        case .keyNotFound(let key, let context): return (path(context.codingPath + [key]), "missing")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default: return ("", "\(error)")
        }
    }
}
