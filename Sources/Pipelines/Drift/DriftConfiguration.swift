public import Domain

/// The knobs of drift detection (design.md §2, drift row), with the design's defaults.
///
/// Detection: a check detects drift when the dataset score (mean KS statistic over the
/// deciding features) is at least ``scoreThreshold``, or, when ``shareThreshold`` is set,
/// when the share of deciding features whose Benjamini–Hochberg adjusted p-value is below
/// ``significance`` is at least that share. ``consecutiveForRetraining`` detections in a
/// row against the same reference window enqueue one training run, unless the asset was
/// trained (or a drift training enqueued) within ``cooldown``.
public struct DriftConfiguration: Sendable, Hashable {
    /// The recent window: complete feature rows of the last this-long.
    public var recentWindow: Milliseconds
    /// Fewer recent rows than this and the check is skipped (too little to compare).
    public var minimumRecentRows: Int
    /// Fewer reference rows than this and the check is skipped.
    public var minimumReferenceRows: Int
    public var scoreThreshold: Double
    /// nil: the share of drifted features is reported but does not decide.
    public var shareThreshold: Double?
    /// The false-discovery level of the Benjamini–Hochberg correction.
    public var significance: Double
    public var consecutiveForRetraining: Int
    /// The least time between a training of an asset (whatever triggered it) and a
    /// drift-triggered one, and between two drift-triggered ones.
    public var cooldown: Milliseconds
    /// Columns reported but never deciding besides the feature set's price-level ones:
    /// the calendar columns are functions of the clock, so a 2-hour window always "drifts"
    /// from a 7-day one in them.
    public var extraNonDecidingColumns: Set<String>

    public static let calendarColumns: Set<String> = ["hour", "day_of_week", "is_weekend"]

    public init(recentWindow: Milliseconds = .hours(2), minimumRecentRows: Int = 12, minimumReferenceRows: Int = 100,
                scoreThreshold: Double = 0.3, shareThreshold: Double? = nil, significance: Double = 0.05,
                consecutiveForRetraining: Int = 2, cooldown: Milliseconds = .minutes(30),
                extraNonDecidingColumns: Set<String> = DriftConfiguration.calendarColumns) {
        self.recentWindow = recentWindow; self.minimumRecentRows = minimumRecentRows
        self.minimumReferenceRows = minimumReferenceRows; self.scoreThreshold = scoreThreshold
        self.shareThreshold = shareThreshold; self.significance = significance
        self.consecutiveForRetraining = max(1, consecutiveForRetraining); self.cooldown = cooldown
        self.extraNonDecidingColumns = extraNonDecidingColumns
    }

    /// Whether a score and share detect drift under this configuration.
    public func detects(score: Double, share: Double) -> Bool {
        if score >= scoreThreshold { return true }
        if let shareThreshold, share >= shareThreshold { return true }
        return false
    }
}
