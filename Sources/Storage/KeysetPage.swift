import Domain
import GRDB

/// Builds the WHERE and ORDER BY of a newest-first keyset page, so every list shares
/// one definition of "after the cursor" and "within [from, to]".
///
/// The cursor predicate is a row-value comparison `(time, id) < (?, ?)`, which SQLite
/// turns into a range on an index ending in `(time, id)`; with `limit + 1` rows fetched,
/// `nextCursor` is nil exactly when the page is the last.
struct KeysetQuery {
    var clauses: [String] = []
    var arguments: [(any DatabaseValueConvertible)?] = []

    mutating func add(_ clause: String, _ values: (any DatabaseValueConvertible)?...) {
        clauses.append(clause)
        arguments.append(contentsOf: values)
    }

    /// Adds the time range and the cursor bound for a list sorted by `timeColumn`
    /// (then `idColumn` when given), newest first.
    mutating func page(_ query: PageQuery, timeColumn: String, idColumn: String?) {
        if let from = query.from { add("\(timeColumn) >= ?", from.milliseconds) }
        if let to = query.to { add("\(timeColumn) <= ?", to.milliseconds) }
        if let cursor = query.cursor {
            if let idColumn, let id = cursor.id {
                add("(\(timeColumn), \(idColumn)) < (?, ?)", cursor.time.milliseconds, id)
            } else {
                add("\(timeColumn) < ?", cursor.time.milliseconds)
            }
        }
    }

    var whereSQL: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }

    var statementArguments: StatementArguments { StatementArguments(arguments) }

    static func orderSQL(timeColumn: String, idColumn: String?, limit: Int) -> String {
        let order = idColumn.map { " ORDER BY \(timeColumn) DESC, \($0) DESC" } ?? " ORDER BY \(timeColumn) DESC"
        return order + " LIMIT \(limit + 1)"
    }
}

extension Page {
    /// Trims the `limit + 1` fetched items to `limit` and sets the cursor when there was more.
    init(fetched: [Item], limit: Int, cursor: (Item) -> PageCursor) {
        if fetched.count > limit {
            let items = Array(fetched.prefix(limit))
            self.init(items: items, nextCursor: items.last.map(cursor))
        } else {
            self.init(items: fetched, nextCursor: nil)
        }
    }
}
