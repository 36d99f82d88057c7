import Foundation
public import Domain
import GRDB

extension SQLiteStore: EventLog {
    public func append(_ e: StoredEvent) throws {
        try write { db in
            try db.cachedStatement(sql: "INSERT INTO events (id, type, payload, at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [e.id.string, e.type, Data(e.payload), e.at.milliseconds])
        }
    }

    public func events(after: ULID?, limit: Int) throws -> [StoredEvent] {
        try read { db in
            let statement = try db.cachedStatement(sql: "SELECT id, type, payload, at FROM events WHERE id > ? ORDER BY id LIMIT ?")
            return try Row.fetchAll(statement, arguments: [after?.string ?? "", max(0, limit)]).map { row in
                StoredEvent(id: try row.ulid(0), type: row[1], payload: row.bytes(2), at: row.timestamp(3))
            }
        }
    }

    public func pruneEvents(before: Timestamp) throws -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM events WHERE at < ?", arguments: [before.milliseconds])
            return db.changesCount
        }
    }
}
