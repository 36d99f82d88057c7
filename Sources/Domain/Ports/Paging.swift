/// Where a keyset page resumes: the sort key of the last item handed out.
///
/// Lists are ordered newest first by `time` and then by `id` (a ULID or other
/// unique text key), so a cursor names an exact position and a page never repeats or
/// skips an item, even while new items are written. The API layer encodes it
/// opaquely for clients and rejects cursors it did not issue.
public struct PageCursor: Sendable, Hashable, Codable {
    public var time: Timestamp
    /// The tiebreak within one `time`; nil for lists keyed by time alone (bars, feature rows).
    public var id: String?

    public init(time: Timestamp, id: String? = nil) { self.time = time; self.id = id }
}

/// A request for one page of a list: at most `limit` items, optionally within
/// `[from, to]` (both inclusive), resuming after `cursor`.
public struct PageQuery: Sendable, Hashable {
    /// The largest page any store hands out; the API caps `limit` to it as well.
    public static let maximumLimit = 1000
    public static let defaultLimit = 50

    public var limit: Int
    public var from: Timestamp?
    public var to: Timestamp?
    public var cursor: PageCursor?

    /// `limit` is clamped to `1...maximumLimit`.
    public init(limit: Int = PageQuery.defaultLimit, from: Timestamp? = nil, to: Timestamp? = nil, cursor: PageCursor? = nil) {
        self.limit = min(max(limit, 1), PageQuery.maximumLimit)
        self.from = from; self.to = to; self.cursor = cursor
    }
}

/// One page of a list, newest first; `nextCursor` is nil on the last page.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: PageCursor?

    public init(items: [Item], nextCursor: PageCursor?) { self.items = items; self.nextCursor = nextCursor }
}

extension Page: Equatable where Item: Equatable {}

/// What an upsert did with the records it was given.
public struct UpsertCount: Sendable, Hashable {
    public var inserted: Int
    public var updated: Int
    /// Records already stored with exactly these values: nothing was written for them.
    public var unchanged: Int

    public init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        self.inserted = inserted; self.updated = updated; self.unchanged = unchanged
    }

    /// Records that changed the store.
    public var written: Int { inserted + updated }
}
