import Foundation
import Synchronization
import Testing
import Domain
import GRDB
@testable import Storage

@Suite("SQLite store: opening, migrations, transactions, errors")
struct SQLiteStoreTests {
    @Test("migrating an up-to-date file again changes nothing")
    func migrationsTwice() throws {
        let store = try SQLiteStore.temporary()
        let before = try store.appliedMigrations()
        _ = try store.upsert(TestData.bars(count: 3), asset: TestData.btc)
        try store.migrate()
        #expect(try store.appliedMigrations() == before)
        #expect(before.count == 7)
        #expect(try store.barCount(asset: TestData.btc) == 3)
        // Reopening the same file runs the migrator again: still a no-op.
        let reopened = try SQLiteStore.open(path: store.path)
        #expect(try reopened.appliedMigrations() == before)
        #expect(try reopened.barCount(asset: TestData.btc) == 3)
    }

    @Test("the writer runs WAL with synchronous=FULL and foreign keys on")
    func pragmas() throws {
        let store = try SQLiteStore.temporary()
        #expect(try store.writerPragma("journal_mode") == "wal")
        #expect(try store.writerPragma("synchronous") == "2")
        #expect(try store.writerPragma("foreign_keys") == "1")
        #expect(try store.writerPragma("busy_timeout") == "5000")
    }

    @Test("a batch that fails half-way leaves nothing behind")
    func rollback() throws {
        let store = try SQLiteStore.temporary()
        var bars = TestData.bars(count: 10)
        bars[7].close = .nan // SQLite stores NaN as NULL: the NOT NULL constraint fails on the 8th bar
        #expect(throws: StoreError.self) { try store.upsert(bars, asset: TestData.btc) }
        #expect(try store.barCount(asset: TestData.btc) == 0)
    }

    @Test("a transaction whose body throws is rolled back entirely")
    func rollbackOnThrow() throws {
        struct Boom: Error {}
        let store = try SQLiteStore.temporary()
        #expect(throws: StoreError.self) {
            try store.write { db in
                try db.execute(sql: "INSERT INTO prices VALUES ('bitcoin', 0, 1, 1, 1, 1, 1)")
                throw Boom()
            }
        }
        #expect(try store.barCount(asset: TestData.btc) == 0)
    }

    @Test("a reader completes while a write transaction is open, and sees the last commit")
    func readersNotBlocked() throws {
        let store = try SQLiteStore.temporary()
        _ = try store.upsert(TestData.bars(count: 5), asset: TestData.btc)
        let seen = Mutex<Int?>(nil)
        let readerDone = DispatchSemaphore(value: 0)
        try store.write { db in
            try db.execute(sql: "INSERT INTO prices VALUES ('bitcoin', 999999999999, 1, 1, 1, 1, 1)")
            Thread.detachNewThread {
                let n = try? store.barCount(asset: TestData.btc)
                seen.withLock { $0 = n }
                readerDone.signal()
            }
            // The writer holds its transaction open until the reader is done (or 5 s pass).
            _ = readerDone.wait(timeout: .now() + 5)
        }
        #expect(seen.withLock { $0 } == 5)
        #expect(try store.barCount(asset: TestData.btc) == 6)
    }

    @Test("a file that is not a database gives SQLite's NOTADB code")
    func badFile() throws {
        let path = NSTemporaryDirectory() + "sentinel-bad-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStore.open(path: path)
            Issue.record("opening garbage succeeded")
        } catch let error as StoreError {
            #expect(error.code == 26, "\(error)")
        }
    }

    @Test("a closed store answers with SQLite's MISUSE code and is not reachable")
    func closedStore() throws {
        let store = try SQLiteStore.temporary()
        #expect(store.isReachable())
        try store.close()
        #expect(!store.isReachable())
        do {
            _ = try store.latestBar(asset: TestData.btc)
            Issue.record("read from a closed store succeeded")
        } catch let error as StoreError {
            #expect(error.code == 21, "\(error)")
        }
    }

    @Test("integrity check passes and checkpoint truncates the WAL")
    func integrityAndCheckpoint() throws {
        let store = try SQLiteStore.temporary()
        _ = try store.upsert(TestData.bars(count: 100), asset: TestData.btc)
        try store.integrityCheck()
        try store.checkpoint()
        let walSize = try FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int
        #expect(walSize == 0)
    }

    @Test("the queued-run, challenger and validated-prediction queries read only their own index range")
    func historyQueryPlans() throws {
        let store = try SQLiteStore.temporary()
        let expected: [(String, StatementArguments, String)] = [
            (SQLiteStore.queuedRunSQL, ["feature", "bitcoin"], "SEARCH runs USING INDEX runs_queued (pipeline=? AND asset=?)"),
            (SQLiteStore.challengersSQL, ["bitcoin"], "SEARCH model_versions USING INDEX model_versions_by_stage (asset=? AND stage=?)"),
            (SQLiteStore.validatedOfModelSQL, ["bitcoin", "01JRQ7Z4X8M0B6AAAAAAAAAAAA", 0],
             "SEARCH predictions USING INDEX predictions_validated (asset=? AND model_id=? AND target_time>?)"),
            (SQLiteStore.validatedSQL, ["bitcoin", 0],
             "SEARCH predictions USING INDEX predictions_validated_by_asset (asset=? AND target_time>?)"),
            (SQLiteStore.validatedReturnsSQL, ["bitcoin", "01JRQ7Z4X8M0B6AAAAAAAAAAAA", 0],
             "SEARCH predictions USING INDEX predictions_validated (asset=? AND model_id=? AND target_time>?)"),
            (SQLiteStore.validatedCountSQL, ["bitcoin", "01JRQ7Z4X8M0B6AAAAAAAAAAAA", 0, 1],
             "SEARCH predictions USING COVERING INDEX predictions_validated (asset=? AND model_id=? AND target_time>? AND target_time<?)"),
        ]
        for (sql, arguments, scan) in expected {
            let plan = try store.queryPlan(sql, arguments: arguments)
            #expect(plan == [scan], "\(plan)")
        }
    }

    @Test("feature rows are read along the primary key and counted from an index alone")
    func featureRowQueryPlans() throws {
        let store = try SQLiteStore.temporary()
        let arguments: StatementArguments = ["bitcoin", "v1", 0, 1]
        for selection in [FeatureRowSelection.all, .complete, .completeWithTargets] {
            let rows = try store.queryPlan(SQLiteStore.rowsSQL(selection), arguments: arguments)
            #expect(rows == ["SEARCH feature_rows USING PRIMARY KEY (asset=? AND feature_set=? AND time>? AND time<?)"], "\(rows)")
            let count = try store.queryPlan(SQLiteStore.rowCountSQL(selection), arguments: arguments)
            #expect(count == ["SEARCH feature_rows USING COVERING INDEX feature_rows_completeness (asset=? AND feature_set=? AND time>? AND time<?)"],
                    "\(count)")
        }
    }

    @Test("retention looks only at unpinned artifacts and counts only newer versions")
    func retentionQueryPlan() throws {
        let store = try SQLiteStore.temporary()
        let plan = try store.queryPlan(SQLiteStore.unpinnedBeyondKeepSQL, arguments: [50, 50])
        #expect(plan.contains("SCAN a USING INDEX model_artifacts_unpinned"), "\(plan)")
        #expect(plan.contains("SEARCH newer USING COVERING INDEX model_versions_by_asset (asset=? AND created_at>?)"), "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN v") || $0.hasPrefix("SCAN newer") }, "\(plan)")
    }

    @Test("the bar page and prediction page queries are index range scans")
    func queryPlans() throws {
        let store = try SQLiteStore.temporary()
        let cursor = PageCursor(time: TestData.t0, id: "01JRQ7Z4X8M0B6AAAAAAAAAAAA")
        let query = PageQuery(limit: 500, from: TestData.t0 - .days(1), to: TestData.t0, cursor: cursor)
        let (barSQL, barArgs) = SQLiteStore.barPageSQL(asset: TestData.btc, query: query)
        let barPlan = try store.queryPlan(barSQL, arguments: barArgs)
        #expect(barPlan.count == 1)
        #expect(barPlan.allSatisfy { $0.hasPrefix("SEARCH prices USING PRIMARY KEY (asset=? AND time") }, "\(barPlan)")

        for filter in [PredictionFilter(), PredictionFilter(outcome: .pending), PredictionFilter(outcome: .correct, shadow: false)] {
            let (sql, args) = SQLiteStore.pageSQL(asset: TestData.btc, filter: filter, query: query)
            let plan = try store.queryPlan(sql, arguments: args)
            #expect(plan.count == 1, "\(plan)")
            #expect(plan.allSatisfy { $0.hasPrefix("SEARCH predictions USING INDEX predictions_by_bar (asset=?") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }
}
