/// Something that happened which dashboards want to hear about at once (Server-Sent Events
/// at `/v1/events`). Pipelines publish these; the API's event bus stores them in the event
/// log (so a reconnecting client resumes with `Last-Event-ID`) and fans them out.
public enum DomainEvent: Sendable, Hashable {
    case predictionCreated(Prediction)
    case predictionValidated(Prediction)
    case runStarted(Run)
    case runFinished(Run)
    case modelPromoted(ProductionChange)
    case modelRolledBack(ProductionChange)
    case driftDetected(DriftReport)
    case alertRaised(Alert)

    /// The SSE `event:` name.
    public var name: String {
        switch self {
        case .predictionCreated: "prediction.created"
        case .predictionValidated: "prediction.validated"
        case .runStarted: "run.started"
        case .runFinished: "run.finished"
        case .modelPromoted: "model.promoted"
        case .modelRolledBack: "model.rolled_back"
        case .driftDetected: "drift.detected"
        case .alertRaised: "alert.raised"
        }
    }

    public static let allNames = ["prediction.created", "prediction.validated", "run.started", "run.finished",
                                  "model.promoted", "model.rolled_back", "drift.detected", "alert.raised"]
}

/// Where pipelines announce events. Publishing never blocks on slow subscribers and never
/// throws: an event that cannot be delivered live is still in the event log.
public protocol EventPublisher: Sendable {
    func publish(_ event: DomainEvent)
}

/// Drops every event (one-shot commands, tests that do not listen).
public struct NoEventPublisher: EventPublisher {
    public init() {}
    public func publish(_ event: DomainEvent) {}
}
