public import Domain

/// How old the data and model behind a response are, and whether a dashboard should
/// show them as stale (older than twice their interval, or no model at all).
public struct Freshness: Sendable, Equatable {
    public var asOf: Timestamp
    public var dataAgeSeconds: Int?
    public var modelAgeSeconds: Int?
    public var staleReasons: [String]
    public var stale: Bool { !staleReasons.isEmpty }

    /// The limits a response is judged by.
    public struct Policy: Sendable, Equatable {
        /// Data is stale once its newest bar closed more than this long ago.
        public var maxDataAge: Milliseconds
        /// A model is stale once it is older than this.
        public var maxModelAge: Milliseconds
        public init(maxDataAge: Milliseconds = .minutes(10), maxModelAge: Milliseconds = .minutes(60)) {
            self.maxDataAge = maxDataAge; self.maxModelAge = maxModelAge
        }
    }

    /// `dataTime` is when the newest data became true (a bar's close time); `modelTime`
    /// when the model in use was trained. `needsModel` adds "no model" when there is none.
    public init(now: Timestamp, dataTime: Timestamp?, modelTime: Timestamp? = nil, needsModel: Bool = false,
                policy: Policy = Policy()) {
        asOf = now
        var reasons: [String] = []
        if let dataTime {
            let age = max(0, now.milliseconds - dataTime.milliseconds)
            dataAgeSeconds = Int(age / 1000)
            if age > policy.maxDataAge.value { reasons.append("data older than \(policy.maxDataAge.value / 60_000) min") }
        } else {
            dataAgeSeconds = nil
            reasons.append("no data yet")
        }
        if let modelTime {
            let age = max(0, now.milliseconds - modelTime.milliseconds)
            modelAgeSeconds = Int(age / 1000)
            if age > policy.maxModelAge.value { reasons.append("model older than \(policy.maxModelAge.value / 60_000) min") }
        } else {
            modelAgeSeconds = nil
            if needsModel { reasons.append("no production model") }
        }
        staleReasons = reasons
    }

    public func write(to w: inout JSONWriter) {
        w.key("freshness")
        w.beginObject()
        w.field("as_of", asOf)
        w.field("data_age_seconds", dataAgeSeconds)
        w.field("model_age_seconds", modelAgeSeconds)
        w.field("stale", stale)
        w.key("stale_reasons"); w.beginArray(); for r in staleReasons { w.value(r) }; w.endArray()
        w.endObject()
    }
}
