/// Stored drift reports, one per check.
public protocol DriftStore: Sendable {
    func insert(_ report: DriftReport) throws
    func latest(asset: AssetID) throws -> DriftReport?
    /// Reports newest first (cursor: created time and id).
    func reports(asset: AssetID, query: PageQuery) throws -> Page<DriftReport>
}

/// Counts of alerts by kind and severity (for `/v1/alerts/summary`).
public struct AlertCount: Sendable, Hashable {
    public var kind: AlertKind
    public var severity: AlertSeverity
    public var total: Int
    public var open: Int
    public init(kind: AlertKind, severity: AlertSeverity, total: Int, open: Int) {
        self.kind = kind; self.severity = severity; self.total = total; self.open = open
    }
}

/// Alert episodes. Invariant: at most one open (unresolved) alert per (asset, kind), so a
/// condition that keeps holding is stored once.
public protocol AlertStore: Sendable {
    /// Stores the alert unless an episode of its (asset, kind) is open; then returns that
    /// one with `raised == false`.
    func raise(_ alert: Alert) throws -> (alert: Alert, raised: Bool)
    func openAlert(asset: AssetID?, kind: AlertKind) throws -> Alert?
    /// Closes the episode; returns it, nil for an unknown id. Resolving twice keeps the first time.
    @discardableResult
    func resolve(id: ULID, at: Timestamp) throws -> Alert?
    func alert(id: ULID) throws -> Alert?
    /// Alerts newest first (cursor: raised time and id), for one asset or all.
    func alerts(asset: AssetID?, query: PageQuery) throws -> Page<Alert>
    /// Counts raised at or after `since` (nil: ever), by kind and severity.
    func summary(since: Timestamp?) throws -> [AlertCount]
}

/// The delivery log of alert webhooks.
public protocol WebhookDeliveryStore: Sendable {
    func append(_ delivery: WebhookDelivery) throws
    /// Attempts for one alert, oldest first.
    func deliveries(alertID: ULID) throws -> [WebhookDelivery]
}

/// One event for Server-Sent Events, kept so a client can resume with `Last-Event-ID`.
public struct StoredEvent: Sendable, Hashable {
    public var id: ULID
    /// `prediction.created`, `run.finished`, …
    public var type: String
    /// The event's JSON payload, UTF-8.
    public var payload: [UInt8]
    public var at: Timestamp
    public init(id: ULID, type: String, payload: [UInt8], at: Timestamp) {
        self.id = id; self.type = type; self.payload = payload; self.at = at
    }
}

/// The append-only event log behind `/v1/events`. Ids increase in append order.
public protocol EventLog: Sendable {
    func append(_ event: StoredEvent) throws
    /// Events with an id greater than `after` (all when nil), oldest first.
    func events(after: ULID?, limit: Int) throws -> [StoredEvent]
    /// Deletes events older than `before`; returns how many.
    func pruneEvents(before: Timestamp) throws -> Int
}
