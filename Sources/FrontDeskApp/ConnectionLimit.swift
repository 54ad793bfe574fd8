#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The default cap on client connections: what the file-descriptor limit allows, less a
/// reserve for what else the process opens (SQLite files, upstream connections, logs).
enum ConnectionLimit {
    static let reserve = 128

    static func fromDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_000 }
        // RLIM_INFINITY is the largest value: clamped like any other large limit.
        let soft = Int(clamping: min(limit.rlim_cur, 1_000_000))
        return max(16, soft - reserve)
    }
}

