import GRDB

/// The schema as named, append-only migrations. A migration, once shipped, is never edited:
/// a change is a new migration appended to the list. GRDB records applied names in
/// `grdb_migrations`, so migrating an up-to-date file does nothing.
///
/// Every list the API pages is an index range scan: each table has an index whose leading
/// columns are the list's equality filters followed by its sort key.
enum SQLiteSchema {
    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1-market-and-features") { db in try db.execute(sql: marketAndFeatures) }
        m.registerMigration("v1-models") { db in try db.execute(sql: models) }
        m.registerMigration("v1-predictions") { db in try db.execute(sql: predictions) }
        m.registerMigration("v1-runs") { db in try db.execute(sql: runs) }
        m.registerMigration("v1-monitoring") { db in try db.execute(sql: monitoring) }
        m.registerMigration("v2-history-indexes") { db in try db.execute(sql: historyIndexes) }
        m.registerMigration("v3-pins-and-counts") { db in try db.execute(sql: pinsAndCounts) }
        return m
    }()

    /// Indexes for queries the pipelines run every few minutes whose v1 plans walked an
    /// asset's whole history (found by a 100-day simulation slowing down as it went): the
    /// queued-run check of every trigger, the challengers of every inference and training,
    /// and the validated predictions the live scorecard reads.
    /// Artifacts of versions that made a prediction are kept for good (replay), so retention
    /// marks them once instead of re-checking every kept artifact against the ledger at each
    /// training: a 100-day simulation's retention otherwise grew to a scan of every version
    /// and every kept artifact, tens of milliseconds per training by the end.
    /// `predictions_validated` also carries `outcome`, the column its condition reads, so the
    /// live review's count of a model's validated predictions reads the index alone (SQLite
    /// does not count a partial index's condition as covered by it). `feature_rows_completeness`
    /// lets the drift check count its reference window's complete rows (every five minutes)
    /// from an index instead of reading each row's feature vector.
    static let pinsAndCounts = """
        ALTER TABLE model_artifacts ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX model_artifacts_unpinned ON model_artifacts (model_id) WHERE pinned = 0;
        DROP INDEX predictions_validated;
        CREATE INDEX predictions_validated ON predictions (asset, model_id, target_time, id, outcome) WHERE outcome IS NOT NULL;
        CREATE INDEX feature_rows_completeness ON feature_rows (asset, feature_set, time, complete, future_price);
        """

    static let historyIndexes = """
        CREATE INDEX runs_queued ON runs (pipeline, asset, requested_at, id) WHERE status = 'queued';
        DROP INDEX model_versions_by_stage;
        CREATE INDEX model_versions_by_stage ON model_versions (asset, stage, created_at, id);
        DROP INDEX predictions_validated;
        CREATE INDEX predictions_validated ON predictions (asset, model_id, target_time, id) WHERE outcome IS NOT NULL;
        CREATE INDEX predictions_validated_by_asset ON predictions (asset, target_time, id) WHERE outcome IS NOT NULL;
        """

    static let marketAndFeatures = """
        CREATE TABLE prices (
            asset  TEXT    NOT NULL,
            time   INTEGER NOT NULL,
            open   REAL    NOT NULL,
            high   REAL    NOT NULL,
            low    REAL    NOT NULL,
            close  REAL    NOT NULL,
            volume REAL    NOT NULL,
            PRIMARY KEY (asset, time)
        ) WITHOUT ROWID;

        -- vals: the feature vector as little-endian IEEE 754 doubles, in the feature set's
        -- column order; complete: 1 when every value is finite.
        CREATE TABLE feature_rows (
            asset             TEXT    NOT NULL,
            feature_set       TEXT    NOT NULL,
            time              INTEGER NOT NULL,
            close             REAL    NOT NULL,
            vals              BLOB    NOT NULL,
            complete          INTEGER NOT NULL,
            future_price      REAL,
            target_return     REAL,
            target_log_return REAL,
            target_direction  INTEGER,
            PRIMARY KEY (asset, feature_set, time)
        ) WITHOUT ROWID;

        CREATE TABLE pipeline_state (
            asset TEXT NOT NULL,
            key   TEXT NOT NULL,
            bytes BLOB NOT NULL,
            PRIMARY KEY (asset, key)
        ) WITHOUT ROWID;
        """

    static let models = """
        CREATE TABLE model_versions (
            id                   TEXT    NOT NULL PRIMARY KEY,
            asset                TEXT    NOT NULL,
            family               TEXT    NOT NULL,
            feature_set          TEXT    NOT NULL,
            stage                TEXT    NOT NULL
                CHECK (stage IN ('candidate', 'challenger', 'production', 'archived')),
            created_at           INTEGER NOT NULL,
            window_from          INTEGER NOT NULL,
            window_to            INTEGER NOT NULL,
            train_rows           INTEGER NOT NULL,
            holdout_rows         INTEGER NOT NULL,
            hyperparameters      TEXT    NOT NULL,
            rmse                 REAL,
            mae                  REAL,
            r2                   REAL,
            directional_accuracy REAL,
            skill                REAL,
            persistence_rmse     REAL,
            sha256               TEXT    NOT NULL,
            artifact_format      TEXT    NOT NULL,
            feature_importance   TEXT    NOT NULL,
            run_id               TEXT
        );
        CREATE UNIQUE INDEX model_versions_one_production
            ON model_versions (asset, feature_set) WHERE stage = 'production';
        CREATE INDEX model_versions_by_asset ON model_versions (asset, created_at, id);
        CREATE INDEX model_versions_by_time ON model_versions (created_at, id);
        CREATE INDEX model_versions_by_stage ON model_versions (asset, stage, created_at);

        -- Separate so retention can drop bytes while the metadata stays forever.
        CREATE TABLE model_artifacts (
            model_id TEXT NOT NULL PRIMARY KEY REFERENCES model_versions (id),
            bytes    BLOB NOT NULL
        );

        CREATE TABLE production_changes (
            id      TEXT    NOT NULL PRIMARY KEY,
            asset   TEXT    NOT NULL,
            from_id TEXT    REFERENCES model_versions (id),
            to_id   TEXT    NOT NULL REFERENCES model_versions (id),
            at      INTEGER NOT NULL,
            reason  TEXT    NOT NULL,
            detail  TEXT    NOT NULL
        );
        CREATE INDEX production_changes_by_asset ON production_changes (asset, at, id);
        CREATE INDEX production_changes_by_time ON production_changes (at, id);
        """

    // No foreign key to model_versions: the ledger must accept baseline predictions and
    // must never be blocked (or cascaded) by registry maintenance.
    static let predictions = """
        CREATE TABLE predictions (
            id               TEXT    NOT NULL PRIMARY KEY,
            asset            TEXT    NOT NULL,
            model_id         TEXT    NOT NULL,
            model_family     TEXT    NOT NULL,
            shadow           INTEGER NOT NULL,
            feature_set      TEXT    NOT NULL,
            features_sha256  TEXT    NOT NULL,
            made_at          INTEGER NOT NULL,
            bar_time         INTEGER NOT NULL,
            target_time      INTEGER NOT NULL,
            price            REAL    NOT NULL,
            predicted_return REAL    NOT NULL,
            predicted_price  REAL    NOT NULL,
            direction        TEXT    NOT NULL,
            confidence       REAL,
            regime           TEXT,
            model_skill      REAL,
            outcome          TEXT,
            actual_price     REAL,
            actual_time      INTEGER,
            error            REAL,
            validated_at     INTEGER,
            note             TEXT
        );
        CREATE UNIQUE INDEX predictions_one_per_bar ON predictions (asset, model_id, bar_time);
        CREATE INDEX predictions_by_bar ON predictions (asset, bar_time, id);
        CREATE INDEX predictions_by_made ON predictions (asset, made_at);
        CREATE INDEX predictions_pending ON predictions (target_time) WHERE outcome IS NULL;
        CREATE INDEX predictions_validated
            ON predictions (asset, model_id, target_time) WHERE outcome IS NOT NULL;
        """

    static let runs = """
        CREATE TABLE runs (
            id              TEXT    NOT NULL PRIMARY KEY,
            pipeline        TEXT    NOT NULL,
            asset           TEXT,
            trigger         TEXT    NOT NULL,
            status          TEXT    NOT NULL
                CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
            requested_at    INTEGER NOT NULL,
            started_at      INTEGER,
            finished_at     INTEGER,
            attempt         INTEGER NOT NULL,
            progress        REAL,
            result          TEXT,
            error_code      TEXT,
            error_message   TEXT,
            reason          TEXT,
            idempotency_key TEXT,
            request_hash    TEXT
        );
        CREATE UNIQUE INDEX runs_idempotency ON runs (idempotency_key) WHERE idempotency_key IS NOT NULL;
        -- The database itself refuses a second running run of one (pipeline, asset).
        CREATE UNIQUE INDEX runs_one_running ON runs (pipeline, ifnull(asset, '')) WHERE status = 'running';
        CREATE INDEX runs_by_status ON runs (status, requested_at, id);
        CREATE INDEX runs_by_time ON runs (requested_at, id);
        CREATE INDEX runs_by_pipeline ON runs (pipeline, asset, requested_at, id);
        """

    static let monitoring = """
        CREATE TABLE drift_reports (
            id               TEXT    NOT NULL PRIMARY KEY,
            asset            TEXT    NOT NULL,
            feature_set      TEXT    NOT NULL,
            created_at       INTEGER NOT NULL,
            reference_from   INTEGER NOT NULL,
            reference_to     INTEGER NOT NULL,
            current_from     INTEGER NOT NULL,
            current_to       INTEGER NOT NULL,
            score            REAL,
            share_drifted    REAL,
            detected         INTEGER NOT NULL,
            consecutive      INTEGER NOT NULL,
            features         TEXT    NOT NULL,
            triggered_run_id TEXT
        );
        CREATE INDEX drift_reports_by_asset ON drift_reports (asset, created_at, id);

        CREATE TABLE alerts (
            id          TEXT    NOT NULL PRIMARY KEY,
            asset       TEXT,
            kind        TEXT    NOT NULL,
            severity    TEXT    NOT NULL,
            message     TEXT    NOT NULL,
            value       REAL,
            threshold   REAL,
            raised_at   INTEGER NOT NULL,
            resolved_at INTEGER
        );
        -- One open episode per (asset, kind): a condition that keeps holding is stored once.
        CREATE UNIQUE INDEX alerts_one_open ON alerts (ifnull(asset, ''), kind) WHERE resolved_at IS NULL;
        CREATE INDEX alerts_by_asset ON alerts (asset, raised_at, id);
        CREATE INDEX alerts_by_time ON alerts (raised_at, id);

        CREATE TABLE webhook_deliveries (
            id       TEXT    NOT NULL PRIMARY KEY,
            alert_id TEXT    NOT NULL REFERENCES alerts (id),
            url      TEXT    NOT NULL,
            attempt  INTEGER NOT NULL,
            status   INTEGER,
            error    TEXT,
            at       INTEGER NOT NULL
        );
        CREATE INDEX webhook_deliveries_by_alert ON webhook_deliveries (alert_id, at, id);

        CREATE TABLE events (
            id      TEXT    NOT NULL PRIMARY KEY,
            type    TEXT    NOT NULL,
            payload BLOB    NOT NULL,
            at      INTEGER NOT NULL
        );
        CREATE INDEX events_by_time ON events (at);
        """
}
