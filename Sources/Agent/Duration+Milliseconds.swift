/// Elapsed times as stored (audit rows, call log): whole milliseconds, rounded down.
/// (Upstream has its own, rounded up: a curl timeout of 0 would mean "none".)
extension Duration {
    package var elapsedMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
