public import Domain
import GRDB

extension SQLiteStore: RunStore {
    private static let columns = """
        id, pipeline, asset, trigger, status, requested_at, started_at, finished_at, attempt, progress,
        result, error_code, error_message, reason, idempotency_key
        """

    private static func run(_ row: Row) throws -> Run {
        var error: RunError?
        if let code = row[11] as String? { error = RunError(code: code, message: (row[12] as String?) ?? "") }
        return Run(id: try row.ulid(0), pipeline: try row.enumValue(1), asset: (row[2] as String?).map { AssetID($0) },
                   trigger: try row.enumValue(3), status: try row.enumValue(4), requestedAt: row.timestamp(5),
                   startedAt: row.optionalTimestamp(6), finishedAt: row.optionalTimestamp(7), attempt: row[8],
                   progress: row[9], result: try (row[10] as String?).map(JSONValueText.decode),
                   error: error, reason: row[13], idempotencyKey: row[14])
    }

    private static func fetch(_ db: Database, sql: String, _ arguments: StatementArguments) throws -> [Run] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(run)
    }

    private static func fetchRun(_ db: Database, id: String) throws -> Run? {
        try fetch(db, sql: "SELECT \(columns) FROM runs WHERE id = ?", [id]).first
    }

    /// The queued run of a pipeline and asset (arguments: pipeline, asset), through the
    /// `runs_queued` partial index, so a trigger costs the same after a year of runs.
    static let queuedRunSQL = "SELECT \(columns) FROM runs WHERE status = 'queued' AND pipeline = ? AND asset IS ? ORDER BY requested_at, id LIMIT 1"

    public func enqueue(_ run: Run, requestHash: String?) throws -> EnqueueResult {
        let result = run.result.map(JSONValueText.encode)
        return try write { db in
            if let key = run.idempotencyKey,
               let row = try Row.fetchOne(db, sql: "SELECT \(Self.columns), request_hash FROM runs WHERE idempotency_key = ?",
                                          arguments: [key]) {
                let storedHash = row[15] as String?
                return EnqueueResult(run: try Self.run(row), disposition: .sameIdempotencyKey(sameRequest: storedHash == requestHash))
            }
            if run.status == .queued,
               let queued = try Self.fetch(db, sql: Self.queuedRunSQL, [run.pipeline.rawValue, run.asset?.rawValue]).first {
                return EnqueueResult(run: queued, disposition: .alreadyQueued)
            }
            try db.execute(sql: "INSERT INTO runs (\(Self.columns), request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [run.id.string, run.pipeline.rawValue, run.asset?.rawValue, run.trigger.rawValue,
                                       run.status.rawValue, run.requestedAt.milliseconds, run.startedAt?.milliseconds,
                                       run.finishedAt?.milliseconds, run.attempt, run.progress, result, run.error?.code,
                                       run.error?.message, run.reason, run.idempotencyKey, requestHash])
            return EnqueueResult(run: run, disposition: .created)
        }
    }

    public func claimNext(now: Timestamp) throws -> Run? {
        try write { db in
            // The oldest queued run with no overlapping running run: same pipeline and the same
            // asset, or either side covering every asset (asset NULL).
            guard var next = try Self.fetch(db, sql: """
                SELECT \(Self.columns) FROM runs q
                WHERE q.status = 'queued' AND NOT EXISTS (
                    SELECT 1 FROM runs r
                    WHERE r.status = 'running' AND r.pipeline = q.pipeline
                      AND (r.asset IS NULL OR q.asset IS NULL OR r.asset = q.asset))
                ORDER BY q.requested_at, q.id LIMIT 1
                """, []).first else { return nil }
            try db.execute(sql: "UPDATE runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
                           arguments: [now.milliseconds, next.id.string])
            next.status = .running
            next.startedAt = now
            return next
        }
    }

    public func update(_ run: Run) throws {
        let result = run.result.map(JSONValueText.encode)
        try write { db in
            try db.execute(sql: """
                UPDATE runs SET status = ?, started_at = ?, finished_at = ?, attempt = ?, progress = ?, result = ?,
                                error_code = ?, error_message = ?, reason = ?
                WHERE id = ?
                """, arguments: [run.status.rawValue, run.startedAt?.milliseconds, run.finishedAt?.milliseconds, run.attempt,
                                 run.progress, result, run.error?.code, run.error?.message, run.reason, run.id.string])
            guard db.changesCount == 1 else { throw StoreError.notFound("run \(run.id)") }
        }
    }

    @discardableResult
    public func finish(id: ULID, status: RunStatus, result: JSONValue?, error: RunError?, at: Timestamp) throws -> Run {
        guard status.isFinished else { throw StoreError.conflict("\(status.rawValue) is not a finished status") }
        let resultText = result.map(JSONValueText.encode)
        return try write { db in
            guard var run = try Self.fetchRun(db, id: id.string) else { throw StoreError.notFound("run \(id)") }
            guard !run.status.isFinished else { throw StoreError.conflict("run \(id) already \(run.status.rawValue)") }
            // A succeeded run did all its work, whatever progress it last reported.
            let progress = status == .succeeded ? 1 : run.progress
            try db.execute(sql: "UPDATE runs SET status = ?, result = ?, error_code = ?, error_message = ?, finished_at = ?, progress = ? WHERE id = ?",
                           arguments: [status.rawValue, resultText, error?.code, error?.message, at.milliseconds, progress, id.string])
            run.status = status; run.result = result; run.error = error; run.finishedAt = at; run.progress = progress
            return run
        }
    }

    public func run(id: ULID) throws -> Run? {
        try read { db in try Self.fetchRun(db, id: id.string) }
    }

    public func runs(filter: RunFilter, query: PageQuery) throws -> Page<Run> {
        var keyset = KeysetQuery()
        if let pipeline = filter.pipeline { keyset.add("pipeline = ?", pipeline.rawValue) }
        if let asset = filter.asset { keyset.add("asset = ?", asset.rawValue) }
        if let status = filter.status { keyset.add("status = ?", status.rawValue) }
        if let trigger = filter.trigger { keyset.add("trigger = ?", trigger.rawValue) }
        keyset.page(query, timeColumn: "requested_at", idColumn: "id")
        let sql = "SELECT \(Self.columns) FROM runs" + keyset.whereSQL
            + KeysetQuery.orderSQL(timeColumn: "requested_at", idColumn: "id", limit: query.limit)
        let fetched = try read { db in try Self.fetch(db, sql: sql, keyset.statementArguments) }
        return Page(fetched: fetched, limit: query.limit) { PageCursor(time: $0.requestedAt, id: $0.id.string) }
    }

    public func cancel(id: ULID, at: Timestamp) throws -> Run? {
        try write { db in
            try db.execute(sql: "UPDATE runs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'queued'",
                           arguments: [at.milliseconds, id.string])
            return try Self.fetchRun(db, id: id.string)
        }
    }

    public func markInterrupted(at: Timestamp) throws -> Int {
        try write { db in
            try db.execute(sql: "UPDATE runs SET status = 'failed', finished_at = ?, error_code = ?, error_message = ? WHERE status = 'running'",
                           arguments: [at.milliseconds, RunError.interrupted.code, RunError.interrupted.message])
            return db.changesCount
        }
    }

    public func lastRun(pipeline: PipelineKind, asset: AssetID?, status: RunStatus?) throws -> Run? {
        try read { db in
            if let status {
                return try Self.fetch(db, sql: "SELECT \(Self.columns) FROM runs WHERE pipeline = ? AND asset IS ? AND status = ? ORDER BY requested_at DESC, id DESC LIMIT 1",
                                      [pipeline.rawValue, asset?.rawValue, status.rawValue]).first
            }
            return try Self.fetch(db, sql: "SELECT \(Self.columns) FROM runs WHERE pipeline = ? AND asset IS ? ORDER BY requested_at DESC, id DESC LIMIT 1",
                                  [pipeline.rawValue, asset?.rawValue]).first
        }
    }

    public func queueDepth() throws -> Int {
        try read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM runs WHERE status = 'queued'")) ?? 0 }
    }
}
