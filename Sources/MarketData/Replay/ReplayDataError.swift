/// Why replay data was refused, naming the file and (1-based) line so the user can fix it.
public enum ReplayDataError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case empty(file: String)
    /// The first line must be `timestamp_ms,open,high,low,close,volume`.
    case badHeader(file: String, found: String)
    case badRow(file: String, line: Int, reason: String)
    case notAscending(file: String, line: Int)
    /// The timestamp is not a multiple of 5 minutes.
    case offGrid(file: String, line: Int)
    /// A price that is not positive and finite, or an inconsistent high/low.
    case badPrice(file: String, line: Int, reason: String)
    /// The asset id (given or from the file name) is not a well-formed CoinGecko id.
    case badAssetID(file: String, id: String)
    case duplicateAsset(String)

    public var description: String {
        switch self {
        case .unreadable(let f, let r): return "\(f): cannot read: \(r)"
        case .empty(let f): return "\(f): no data rows"
        case .badHeader(let f, let found): return "\(f):1: expected header 'timestamp_ms,open,high,low,close,volume', found '\(found.prefix(80))'"
        case .badRow(let f, let l, let r): return "\(f):\(l): \(r)"
        case .notAscending(let f, let l): return "\(f):\(l): timestamp not after the previous row's"
        case .offGrid(let f, let l): return "\(f):\(l): timestamp not on the 5-minute grid"
        case .badPrice(let f, let l, let r): return "\(f):\(l): \(r)"
        case .badAssetID(let f, let id): return "\(f): '\(id)' is not a valid asset id"
        case .duplicateAsset(let id): return "asset '\(id)' given by more than one file"
        }
    }
}
