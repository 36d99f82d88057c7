import Foundation
import SentinelTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 in the middle of a training run, then restart on the same store.
@Suite struct CrashTests {
    @Test func aKillMidTrainingLeavesTheRunInterruptedAndTheScheduleContinues() throws {
        let db = SentinelProcess.temporaryDirectory() + "/crash-training.db"
        let server = try SentinelProcess(arguments: ["--speed", "300", "--assets", "bitcoin", "--trigger-limit", "1000"],
                                         database: db)
        // Training needs feature rows: wait for the first feature run to succeed.
        #expect(server.waitForLog(timeout: 60) { $0.contains("msg=\"run finished\"") && $0.contains("pipeline=feature") && $0.contains("status=succeeded") })
        let trigger = try server.request("POST", "/v1/pipelines/training/runs", body: Array(#"{"asset":"bitcoin"}"#.utf8))
        #expect(trigger.status == 202)
        var trainingRunID: String?
        let started = server.waitForLog(timeout: 60) { line in
            guard line.contains("msg=\"run started\""), line.contains("pipeline=training") else { return false }
            return true
        }
        #expect(started)
        trainingRunID = server.logLines.last { $0.contains("msg=\"run started\"") && $0.contains("pipeline=training") }
            .flatMap { SentinelProcess.value(of: "run_id", in: $0) }
        // Predictions the API has already shown are acknowledged (if inference is wired in).
        let predictions = try server.request("GET", "/v1/assets/bitcoin/predictions?limit=1000")
        let acknowledged = predictions.status == 200 ? predictions.items.compactMap { $0["id"] as? String } : []
        server.signal(SIGKILL)
        #expect(server.waitForExit() != nil)
        let runID = try #require(trainingRunID)
        let finishedBeforeKill = server.logLines.contains { $0.contains("msg=\"run finished\"") && $0.contains("run_id=\(runID)") }

        let restarted = try SentinelProcess(arguments: ["--speed", "300", "--assets", "bitcoin"], database: db)
        #expect(restarted.logLines.contains { $0.contains("marked failed") } || finishedBeforeKill)
        let run = try restarted.request("GET", "/v1/runs/\(runID)").json
        if !finishedBeforeKill {
            #expect(run["status"] as? String == "failed")
            #expect((run["error"] as? [String: Any])?["title"] as? String == "interrupted")
        }
        #expect(try restarted.request("GET", "/v1/runs?status=running&pipeline=training").items.allSatisfy { $0["id"] as? String != runID })

        // The schedule continues: a new feature run succeeds after the restart.
        #expect(restarted.waitForLog(timeout: 60) { $0.contains("msg=\"run finished\"") && $0.contains("pipeline=feature") && $0.contains("status=succeeded") })
        for id in acknowledged {
            #expect(try restarted.request("GET", "/v1/predictions/\(id)").status == 200, "acknowledged prediction \(id) lost")
        }
        restarted.signal(SIGTERM)
        #expect(restarted.waitForExit() == 0)
    }
}
