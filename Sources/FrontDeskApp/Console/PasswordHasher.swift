import HummingbirdBcrypt

/// Console passwords: bcrypt, whose cost makes each guess slow (cost 12 is about a quarter of a
/// second here). Hashing blocks, so the server runs it on its blocking-work executor.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    /// Shorter passwords are refused when set.
    public static let minimumLength = 10

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) -> String { Bcrypt.hash(password, cost: cost) }

    public func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// A random password of 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
    public static func generate() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }
}
