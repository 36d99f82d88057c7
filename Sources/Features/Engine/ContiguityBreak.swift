public import Domain

/// A place where a bar series leaves the 5-minute grid: the bar at `index` does not follow the
/// one before it by exactly one step.
///
/// Feature windows count bars, not minutes, so a series with a break would silently mix
/// non-adjacent bars; pipelines use ``FeatureEngine/contiguityBreaks(_:after:)`` to refuse or restart.
public struct ContiguityBreak: Sendable, Hashable, CustomStringConvertible {
    /// How the two bars relate.
    public enum Kind: Sendable, Hashable {
        /// `missingBars` whole bars are absent between the two.
        case gap(missingBars: Int)
        /// The same open time twice.
        case duplicate
        /// The later bar opens before the earlier one.
        case backwards
        /// The distance is not a whole number of 5-minute steps.
        case offGrid
    }

    /// Index (in the checked array) of the bar after the break; 0 when the break is between
    /// the state's last bar and the first new bar.
    public var index: Int
    /// Open time of the bar before the break.
    public var previous: Timestamp
    /// Open time of the bar at `index`.
    public var next: Timestamp
    public var kind: Kind

    public init(index: Int, previous: Timestamp, next: Timestamp, kind: Kind) {
        self.index = index; self.previous = previous; self.next = next; self.kind = kind
    }

    /// Classifies the step from `previous` to `next`; nil when it is exactly one bar.
    static func between(_ previous: Timestamp, _ next: Timestamp, index: Int) -> ContiguityBreak? {
        let delta = (next - previous).value, step = BarGrid.step.value
        let kind: Kind
        if delta == step { return nil }
        else if delta == 0 { kind = .duplicate }
        else if delta < 0 { kind = .backwards }
        else if delta % step != 0 { kind = .offGrid }
        else { kind = .gap(missingBars: Int(delta / step) - 1) }
        return ContiguityBreak(index: index, previous: previous, next: next, kind: kind)
    }

    public var description: String {
        let what: String
        switch kind {
        case .gap(let missing): what = "\(missing) missing bar\(missing == 1 ? "" : "s")"
        case .duplicate: what = "duplicate bar"
        case .backwards: what = "bar out of order"
        case .offGrid: what = "bar off the 5-minute grid"
        }
        return "\(what) between \(previous) and \(next) (index \(index))"
    }
}

/// Why ``FeatureEngine/resume(_:with:)`` refused its input.
public enum FeatureEngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The new bars do not continue the state's series bar by bar; every break is listed.
    case notContiguous([ContiguityBreak])
    /// A decoded state whose parts disagree (e.g. edited or from another version).
    case invalidState(String)

    public var description: String {
        switch self {
        case .notContiguous(let breaks):
            return "bars are not contiguous: " + breaks.prefix(5).map(\.description).joined(separator: "; ")
                + (breaks.count > 5 ? " (and \(breaks.count - 5) more)" : "")
        case .invalidState(let why): return "invalid feature engine state: \(why)"
        }
    }
}
