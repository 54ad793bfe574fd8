#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Scheduling

/// The database file a process opened, by device and inode. SQLite keeps writing to the file
/// it has open even after it was renamed, deleted or replaced at its path: every booking made
/// then is confirmed to a caller and lost with the unlinked file. Comparing the path's current
/// identity with the one opened turns that into a loud failure instead.
struct DatabaseFile: Sendable {
    let path: String
    private let device: UInt64
    private let inode: UInt64

    /// Records the identity of the file now at `path` (which must exist).
    init(path: String) throws {
        guard let identity = Self.identity(of: path) else { throw SchedulingError.storageReplaced(path: path) }
        self.path = path
        (device, inode) = identity
    }

    /// Throws `.storageReplaced` unless `path` still names the file that was opened.
    func verify() throws(SchedulingError) {
        guard let current = Self.identity(of: path), current == (device, inode) else {
            throw .storageReplaced(path: path)
        }
    }

    private static func identity(of path: String) -> (UInt64, UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}
