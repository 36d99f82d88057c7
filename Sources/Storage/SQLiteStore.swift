import Foundation
import Domain
import GRDB

/// Sentinel's embedded store: one SQLite file through a GRDB `DatabasePool`, implementing
/// every store port of `Domain`.
///
/// Invariants set at open: WAL journal (one writer, concurrent readers that never block
/// on it), `synchronous=FULL` on the writer so every transaction is on disk when the call
/// returns (unless opened ``Durability/rebuildable``), a 5 s busy timeout, foreign keys on, and the migrations of ``SQLiteSchema``
/// applied. Writes run in `BEGIN IMMEDIATE` transactions, so another process writing the
/// same file (`sentinel run`) waits instead of failing mid-transaction. Every method
/// throws only ``StoreError``; no GRDB type leaves this module.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    /// The file, or nil for a closed store.
    public let path: String
    /// Removed when the store is released; set for ``temporary()`` stores only.
    private let temporaryDirectory: URL?

    /// How far a committed write is guaranteed to have gone when the call returns.
    public enum Durability: Sendable, Hashable {
        /// `synchronous=FULL`: on disk, surviving power loss (what the API acknowledges).
        case acknowledged
        /// `synchronous=OFF` in WAL mode: surviving a crash of the process but not of the
        /// machine; nothing is synced, not even at checkpoints. For stores that can be rebuilt
        /// from their input, like a simulation's, where waiting for the disk is wall time
        /// spent on nothing (a simulation writes a model's artifacts every few seconds).
        case rebuildable
    }

    private init(path: String, temporaryDirectory: URL?, durability: Durability = .acknowledged) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.foreignKeysEnabled = true
        config.label = "sentinel.store"
        config.maximumReaderCount = 8
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB turns the writer to synchronous=NORMAL when it enables WAL; acknowledged
            // writes must survive power loss, so the writer goes back to FULL (hardening §5).
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: durability == .acknowledged ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF")
            }
            try SQLiteSchema.migrator.migrate(pool)
        } catch {
            throw StoreError(error)
        }
        self.path = path
        self.temporaryDirectory = temporaryDirectory
    }

    deinit {
        if let temporaryDirectory {
            try? pool.close()
            try? FileManager.default.removeItem(at: temporaryDirectory)
        }
    }

    /// Opens (creating if needed) the database at `path` and migrates it.
    public static func open(path: String, durability: Durability = .acknowledged) throws -> SQLiteStore {
        try SQLiteStore(path: path, temporaryDirectory: nil, durability: durability)
    }

    /// A fresh store in its own temporary directory, deleted when the store is released
    /// (tests, simulations). WAL needs a real file, so there is no purely in-memory pool.
    public static func temporary() throws -> SQLiteStore {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("sentinel-store-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw StoreError.database(code: 14, message: "cannot create \(dir.path): \(error)")
        }
        return try SQLiteStore(path: dir.appendingPathComponent("sentinel.sqlite").path, temporaryDirectory: dir)
    }

    // MARK: - Access

    /// Runs `body` in an immediate write transaction, committed (and synced) before this
    /// returns; rolled back entirely when `body` throws.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StoreError.corrupt("transaction produced no result") }
                return result
            }
        } catch {
            throw StoreError(error)
        }
    }

    /// Runs `body` on a reader connection, in a snapshot that concurrent writes do not change.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError(error)
        }
    }

    // MARK: - Operations

    /// Copies the WAL into the database file and truncates it (at shutdown, and for backups).
    public func checkpoint() throws {
        do {
            _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        } catch {
            throw StoreError(error)
        }
    }

    /// Runs `PRAGMA integrity_check`; throws ``StoreError/corrupt(_:)`` with SQLite's findings
    /// unless it reports `ok`.
    public func integrityCheck() throws {
        let lines: [String] = try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        guard lines == ["ok"] else { throw StoreError.corrupt(lines.prefix(20).joined(separator: "; ")) }
    }

    /// True when a reader can run a query now (for `/readyz`).
    public func isReachable() -> Bool {
        (try? read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// The names of the migrations applied to this file, in order.
    public func appliedMigrations() throws -> [String] {
        try read { db in try SQLiteSchema.migrator.appliedMigrations(db) }
    }

    /// Applies any migration not yet applied; a no-op on an up-to-date file.
    public func migrate() throws {
        do { try SQLiteSchema.migrator.migrate(pool) } catch { throw StoreError(error) }
    }

    /// Closes every connection; later calls throw ``StoreError/database(code:message:)``
    /// with `SQLITE_MISUSE` (21).
    public func close() throws {
        do { try pool.close() } catch { throw StoreError(error) }
    }

    /// The value of a pragma on the writer connection (for diagnostics and tests).
    public func writerPragma(_ name: String) throws -> String? {
        guard name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || $0 == 95 }) else {
            throw StoreError.conflict("not a pragma name: \(name)")
        }
        do {
            return try pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
        } catch {
            throw StoreError(error)
        }
    }

    /// `EXPLAIN QUERY PLAN` details for a statement, so tests can prove list queries are
    /// index range scans.
    func queryPlan(_ sql: String, arguments: StatementArguments) throws -> [String] {
        try read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String? ?? "" }
        }
    }
}
