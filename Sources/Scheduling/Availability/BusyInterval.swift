/// A span (UTC Unix seconds, half-open) in which a provider cannot start anything new:
/// a booked appointment or someone else's hold, buffers included.
public struct BusyInterval: Sendable, Equatable, Comparable {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public static func < (lhs: BusyInterval, rhs: BusyInterval) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }
}

/// One provider's busy spans, sorted and merged so a lookup is a binary search.
package struct BusyTimeline: Sendable {
    private var spans: [BusyInterval]

    package init(_ intervals: [BusyInterval]) {
        var merged: [BusyInterval] = []
        for interval in intervals.sorted() {
            if let last = merged.last, interval.start <= last.end {
                merged[merged.count - 1].end = max(last.end, interval.end)
            } else {
                merged.append(interval)
            }
        }
        spans = merged
    }

    /// `timeline` with `extra` spans added.
    package init(_ timeline: BusyTimeline, adding extra: [BusyInterval]) {
        self.init(timeline.spans + extra)
    }

    /// True when [start, end) overlaps any busy span: `a.start < b.end && b.start < a.end`.
    package func overlaps(start: Int64, end: Int64) -> Bool {
        var low = 0, high = spans.count
        while low < high {
            let mid = (low + high) / 2
            if spans[mid].end <= start { low = mid + 1 } else { high = mid }
        }
        return low < spans.count && spans[low].start < end
    }
}
