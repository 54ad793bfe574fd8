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
        let stamp: FileStamp
        let persona: Persona
    }

    /// What decides whether a cached persona is still the file's content: modification time
    /// to the nanosecond, size and inode (an editor that saves by rename gets a new inode).
    private struct FileStamp: Equatable, Sendable {
        let seconds: Int
        let nanoseconds: Int
        let size: Int
        let inode: UInt64

        /// One `stat` call; nil unless `path` is a regular file.
        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            #if canImport(Darwin)
            seconds = Int(info.st_mtimespec.tv_sec)
            nanoseconds = Int(info.st_mtimespec.tv_nsec)
            #else
            seconds = Int(info.st_mtim.tv_sec)
            nanoseconds = Int(info.st_mtim.tv_nsec)
            #endif
            size = Int(info.st_size)
            inode = UInt64(info.st_ino)
        }
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
        let path = directory.path + "/" + name + ".txt"
        guard let stamp = FileStamp(path: path) else { throw .unknownPersona(name: name, known: names()) }
        if let cached = cache.withLock({ $0[name] }), cached.stamp == stamp {
            return cached.persona
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unknownPersona(name: name, known: names())
        }
        let persona = Persona(name: name, text: String(decoding: data, as: UTF8.self))
        cache.withLock { $0[name] = CachedPersona(stamp: stamp, persona: persona) }
        return persona
    }
}
