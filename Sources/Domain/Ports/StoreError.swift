/// What a store can fail with. Every store port throws only this.
///
/// `.database` carries the backend's own result code (SQLite's extended result code,
/// e.g. 26 `SQLITE_NOTADB`, 10 `SQLITE_IOERR`, 5 `SQLITE_BUSY`) and message, so an operator
/// can look it up; the other cases are outcomes a caller acts on.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database itself failed (I/O, locking, a closed or unreadable file).
    case database(code: Int32, message: String)
    /// The record asked for does not exist (what, and its key).
    case notFound(String)
    /// The write would break an invariant: a duplicate key, a stage rule, a state transition.
    case conflict(String)
    /// Stored data could not be decoded, or the integrity check failed.
    case corrupt(String)

    /// The backend's result code, when the error came from the backend.
    public var code: Int32? {
        if case .database(let code, _) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case .database(let code, let message): return "database error \(code): \(message)"
        case .notFound(let what): return "not found: \(what)"
        case .conflict(let why): return "conflict: \(why)"
        case .corrupt(let why): return "corrupt data: \(why)"
        }
    }
}
