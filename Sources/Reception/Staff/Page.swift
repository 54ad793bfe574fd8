/// Where a page of a list starts: just after the item with this sort position and id. Lists
/// are walked by position, never by offset, so rows added or removed meanwhile neither repeat
/// nor skip an item.
public struct PageCursor: Sendable, Equatable {
    /// The sort key of the last item seen (an appointment's start in Unix seconds, a call's
    /// start in Unix milliseconds, a patient's id).
    public var position: Int64
    /// The last item's id, which breaks ties between equal positions.
    public var id: String

    public init(position: Int64, id: String) {
        self.position = position
        self.id = id
    }
}

/// A page of a list asked for: at most `limit` items after `cursor`.
public struct PageRequest: Sendable, Equatable {
    public var limit: Int
    public var after: PageCursor?

    public init(limit: Int, after: PageCursor? = nil) {
        self.limit = limit
        self.after = after
    }
}

/// One page of a list, and where the next one starts (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: PageCursor?

    public init(items: [Item], next: PageCursor?) {
        self.items = items
        self.next = next
    }
}
