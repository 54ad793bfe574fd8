import Foundation

/// Plain-text columns for the operator's commands (`appointments`, `calls`): every column as
/// wide as its widest cell, two spaces between, no trailing blanks.
public enum TextTable {
    public static func lines(header: [String], rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { cells in
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
    }
}
