#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which URLs FrontDesk may send to on an operator's behalf (webhooks): http or https, and —
/// unless the operator allowed it for that endpoint — never an address inside the machine or
/// its network (loopback, private, link-local, CGNAT, unspecified, multicast), whichever name
/// points there. Otherwise a webhook URL would be a way to make FrontDesk reach services that
/// are not on the internet (SSRF).
///
/// Resolving blocks; callers run it off the cooperative pool.
public enum OutboundURLPolicy {
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The host of an http(s) URL, or a refusal saying what is wrong with it.
    public static func host(of url: String) throws(Refusal) -> String {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { throw Refusal(description: "only http and https URLs can receive webhooks") }
        guard url.count <= 2048, !url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }) else {
            throw Refusal(description: "the URL is malformed")
        }
        var rest = Substring(url)[url.index(url.startIndex, offsetBy: lower.hasPrefix("https://") ? 8 : 7)...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        var host: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw Refusal(description: "the URL is malformed") }
            host = rest[rest.index(after: rest.startIndex)..<close]
        } else {
            host = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        }
        while host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty else { throw Refusal(description: "the URL has no host") }
        return String(host)
    }

    /// Refuses `url` when it is not http(s), or its host is or resolves to a non-public address
    /// and `allowPrivate` is false. A name that does not resolve is refused too.
    public static func check(_ url: String, allowPrivate: Bool) throws(Refusal) {
        let host = try host(of: url)
        guard !allowPrivate else { return }
        if host.lowercased() == "localhost" || host.lowercased().hasSuffix(".localhost") {
            throw Refusal(description: "\(host) is this machine; pass --allow-private to allow it")
        }
        let addresses = resolve(host)
        guard !addresses.isEmpty else { throw Refusal(description: "\(host) does not resolve") }
        if let inside = addresses.first(where: isPrivate) {
            throw Refusal(description: "\(host) is a private or local address (\(inside)); pass --allow-private to allow it")
        }
    }

    /// Numeric addresses of `host` (IPv4 dotted, IPv6 colon form).
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }

    /// Loopback, private, link-local, CGNAT, unspecified, multicast, and IPv4 mapped into IPv6.
    static func isPrivate(_ address: String) -> Bool {
        if address.contains(":") {
            let lower = address.lowercased()
            if lower == "::1" || lower == "::" { return true }
            if lower.hasPrefix("::ffff:") { return isPrivate(String(lower.dropFirst(7))) }
            let first = lower.split(separator: ":").first.flatMap { UInt16($0, radix: 16) } ?? 0
            return first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80 || first & 0xff00 == 0xff00
        }
        let octets = address.split(separator: ".").compactMap { UInt8($0) }
        guard octets.count == 4 else { return true }
        switch (octets[0], octets[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
        case (172, 16...31), (100, 64...127): return true
        case (224...255, _): return true
        default: return false
        }
    }
}
