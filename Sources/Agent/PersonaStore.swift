import Foundation
import Synchronization

/// The operator's persona files in one directory, read on demand and re-read when a file
/// changes, so an edit takes effect on the next request without a restart.
///
/// Each lookup costs one `stat`; the parsed persona is cached by modification time and size.
public final class PersonaStore: Sendable {
    public let directory: URL
    private let cache = Mutex<[String: CachedPersona]>([:])

    private struct CachedPersona: Sendable {
        let modified: Date
        let size: Int
        let persona: Persona
    }

    public init(directory: URL) {
        self.directory = directory.standardizedFileURL
    }

    /// Persona names are plain file stems: letters, digits, `_` and `-`. Anything else
    /// (`../`, `/`, `.`) could reach outside the persona directory and is refused.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "_" || $0 == "-" }
    }

    /// The names of every `*.txt` persona in the directory, sorted.
    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.filter(Self.isValidName).sorted()
    }

    /// Loads a persona, re-reading the file when it changed since the last load.
    /// - Throws: `AgentError.unknownPersona` when the name is invalid or no such file exists.
    public func persona(named name: String) throws(AgentError) -> Persona {
        guard Self.isValidName(name) else { throw .unknownPersona(name: name, known: names()) }
        let url = directory.appendingPathComponent("\(name).txt")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            (attributes[.type] as? FileAttributeType) == .typeRegular
        else { throw .unknownPersona(name: name, known: names()) }
        let modified = attributes[.modificationDate] as? Date ?? .distantPast
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        if let cached = cache.withLock({ $0[name] }), cached.modified == modified, cached.size == size {
            return cached.persona
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .unknownPersona(name: name, known: names())
        }
        let persona = Persona(name: name, text: String(decoding: data, as: UTF8.self))
        cache.withLock { $0[name] = CachedPersona(modified: modified, size: size, persona: persona) }
        return persona
    }
}
