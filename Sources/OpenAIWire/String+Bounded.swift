extension String {
    /// At most `limit` characters (Unicode scalars) of this text, with a note of how many were
    /// cut: for client- or model-supplied text that an error message quotes or a store keeps,
    /// so neither grows with what a hostile input sends. `singleLine` also turns control
    /// characters into spaces (for quoting inside a message).
    public func bounded(_ limit: Int, singleLine: Bool = false) -> String {
        var kept = String.UnicodeScalarView()
        var count = 0
        var cut = 0
        for scalar in unicodeScalars {
            if count < limit {
                kept.append(singleLine && scalar.properties.generalCategory == .control ? " " : scalar)
                count += 1
            } else {
                cut += 1
            }
        }
        guard cut > 0 else { return String(kept) }
        return String(kept) + "…[cut: \(cut) more characters]"
    }
}
