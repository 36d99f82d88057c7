import Domain
import GRDB

extension StoreError {
    /// Maps anything thrown inside a database access to a ``StoreError``: SQLite errors keep
    /// their extended result code, constraint violations become conflicts.
    init(_ error: any Error) {
        switch error {
        case let e as StoreError:
            self = e
        case let e as DatabaseError:
            let message = e.message ?? "SQLite error"
            if e.resultCode == .SQLITE_CONSTRAINT {
                self = .conflict(message)
            } else {
                self = .database(code: e.extendedResultCode.rawValue, message: message)
            }
        default:
            self = .corrupt(String(describing: error))
        }
    }
}
