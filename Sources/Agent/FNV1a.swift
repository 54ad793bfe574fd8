/// 64-bit FNV-1a: a fingerprint that is the same in every process and every run (Swift's
/// `Hasher` is seeded per process), for keys that are stored or compared across turns.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
    }

    mutating func add(_ text: String) { add(text.utf8) }

    /// A separator that no UTF-8 text contains, so ("ab","c") and ("a","bc") differ.
    mutating func addSeparator() { add(CollectionOfOne(0xff)) }

    var hex: String { String(value, radix: 16) }
}
