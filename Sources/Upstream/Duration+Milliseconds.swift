/// Time budgets handed to libcurl, which counts in whole milliseconds.
extension Duration {
    /// Rounded up, so a positive budget never becomes a zero (= infinite, to curl) timeout.
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let rest = attoseconds % 1_000_000_000_000_000
        return Int(clamping: rest > 0 ? millis + 1 : millis)
    }
}
