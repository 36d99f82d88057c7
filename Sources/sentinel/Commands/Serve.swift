import API
import ArgumentParser
import Domain
import Foundation
import HTTPServer
import Jobs
import Logging
import Pipelines
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// `sentinel serve`: the HTTP API, the worker pool and the scheduler in one process.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the service: API, scheduler and workers.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var monitoring: MonitoringOptions

    func run() throws {
        let logFormat = try global.bootstrapLogging()
        var logger = Logger(label: "sentinel")
        logger[metadataKey: "instance"] = "\(getpid())"
        let host = server.resolvedHost
        let writeKeys = server.resolvedAPIKeys, readKeys = server.resolvedReadKeys
        if !ServerOptions.isLoopback(host), writeKeys.isEmpty, !server.resolvedAllowUnauthenticated {
            throw ValidationError("refusing to listen on \(host) without API keys: set --api-key (or SENTINEL_API_KEYS), or pass --allow-unauthenticated")
        }
        // Signals are taken by sigwait on this thread, so block them before any thread starts.
        var signals = sigset_t()
        sigemptyset(&signals); sigaddset(&signals, SIGTERM); sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let app = try ServiceAssembly.make(global: global, sourceOptions: sourceOptions, clockMode: .running, logger: logger,
                                           monitoring: try monitoring.settings(),
                                           pageCacheSeconds: try server.resolvedPageCacheSeconds())
        let interrupted = try app.store.markInterrupted(at: app.clock.now())
        if interrupted > 0 { logger.warning("runs left running by a previous process marked failed", metadata: ["count": "\(interrupted)"]) }

        let workers = WorkerPool(queue: app.queue, pipelines: app.pipelines, assets: app.assets.ids, clock: app.clock,
                                 configuration: WorkerPoolConfiguration(workers: try server.resolvedWorkers()), logger: logger)
        let available = Set(app.pipelines.map(\.kind))
        let scheduler = Scheduler(queue: app.queue, schedules: PipelineSchedule.defaults().filter { available.contains($0.pipeline) },
                                  clock: app.clock, logger: logger)
        let runMetrics = RunMetrics()
        workers.addObserver(scheduler)
        workers.addObserver(runMetrics)
        workers.addObserver(RunEventPublisher(events: app.events))

        let requestMetrics = RequestMetrics()
        let startedAt = app.clock.now()
        let draining = DrainFlag()
        let routes = APIRoutes(app: app, workers: workers, scheduler: scheduler, startedAt: startedAt,
                               keyring: APIKeyring(writeKeys: writeKeys, readKeys: readKeys),
                               metrics: [{ requestMetrics.render() },
                                         { runMetrics.render(queueDepth: try? app.store.queueDepth()) }],
                               draining: draining, triggerLimit: try server.resolvedTriggerLimit(),
                               pageCacheSeconds: try server.resolvedPageCacheSeconds())
        var configuration = ServerConfiguration(host: host, port: try server.resolvedPort())
        configuration.eventLoops = try server.resolvedEventLoops()
        configuration.shutdownGrace = try server.resolvedShutdownGrace()
        configuration.cors = CORSPolicy(allowedOrigins: server.resolvedCORSOrigins)
        // Request lines are batched per event loop (same format, shared stderr lock): a
        // swift-log event and a write per request cost a quarter of a loop's CPU.
        configuration.accessLog = AccessLog(format: logFormat)
        let http = HTTPServer(configuration: configuration, router: routes.router(), logger: logger, observer: requestMetrics)
        do {
            try http.start()
        } catch {
            throw ValidationError("cannot listen on \(host):\(configuration.port): \(error)")
        }
        workers.start()
        app.events.start()
        if !server.noScheduler { scheduler.start() }
        // Start-up touched far more code and heap than serving uses; hand it back so the
        // idle resident size is the serving working set.
        let released = MemoryRelease.releaseStartupPages()
        logger.info("sentinel started", metadata: [
            "port": "\(http.port)", "mode": "\(app.modeName)", "store": "\(global.databasePath)",
            "assets": "\(app.assets.ids.map(\.rawValue).joined(separator: ","))",
            "scheduler": "\(!server.noScheduler)", "auth": "\(writeKeys.isEmpty ? "open" : "keys")",
            "startup_pages_released_kib": "\(released?.residentKiB ?? 0)"])

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("shutting down", metadata: ["signal": "\(received == SIGTERM ? "SIGTERM" : "SIGINT")"])
        draining.set()
        // A second signal ends the process at once.
        let waitSet = signals
        Thread.detachNewThread {
            var set = waitSet
            var again: Int32 = 0
            sigwait(&set, &again)
            _exit(1)
        }
        scheduler.stop()
        app.events.stop()
        http.shutdown()
        workers.stop(grace: configuration.shutdownGrace)
        do { try app.store.checkpoint() } catch {
            logger.warning("WAL checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
        logger.info("stopped")
    }
}

/// Set once shutdown starts; `/readyz` answers 503 from then on.
final class DrainFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}

import Synchronization
