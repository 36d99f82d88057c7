public import Domain
public import Jobs

/// Announces every run's start and end on the event bus (`run.started`, `run.finished`).
public struct RunEventPublisher: RunObserver {
    let events: any EventPublisher

    public init(events: any EventPublisher) { self.events = events }

    public func runStarted(_ run: Run) { events.publish(.runStarted(run)) }
    public func runFinished(_ run: Run) { events.publish(.runFinished(run)) }
}
