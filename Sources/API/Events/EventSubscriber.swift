import HTTPServer
import Domain
import Synchronization

/// One `/v1/events` client: its stream, its type filter, and, while the events it missed
/// are being replayed from the store, the live events that arrive meanwhile.
///
/// Invariant: frames reach the stream in id order with no duplicates. While replaying,
/// live frames are held back; ``finishReplay(after:)`` writes those newer than the last
/// replayed id and switches to direct delivery under the same lock, so a live frame can
/// neither overtake the replay nor be written twice.
public final class EventSubscriber: Sendable {
    let stream: ResponseStream
    /// nil: every type.
    let types: Set<String>?
    private let state: Mutex<State>
    private let heldBackLimit: Int

    private struct State {
        var replaying: Bool
        var heldBack: [(id: ULID, frame: [UInt8])] = []
        var overflowed = false
    }

    init(stream: ResponseStream, types: Set<String>?, replaying: Bool, heldBackLimit: Int) {
        self.stream = stream; self.types = types; self.heldBackLimit = heldBackLimit
        state = Mutex(State(replaying: replaying))
    }

    /// The client is gone (or was dropped).
    public var isClosed: Bool { stream.isClosed }

    func accepts(_ type: String) -> Bool { types?.contains(type) ?? true }

    /// Delivers a live frame; false when the subscriber must be dropped.
    func deliver(id: ULID, frame: [UInt8]) -> Bool {
        state.withLock { s in
            if s.replaying {
                guard s.heldBack.count < heldBackLimit else { s.overflowed = true; return false }
                s.heldBack.append((id, frame))
                return true
            }
            return stream.write(frame)
        }
    }

    /// Writes a replayed frame; false when the client was dropped.
    func replay(_ frame: [UInt8]) -> Bool { stream.write(frame) }

    /// Ends the replay: writes held-back frames newer than `lastReplayed` and goes live.
    /// False when the subscriber must be dropped.
    func finishReplay(after lastReplayed: ULID?) -> Bool {
        state.withLock { s in
            s.replaying = false
            if s.overflowed { return false }
            let pending = s.heldBack
            s.heldBack = []
            for (id, frame) in pending where lastReplayed.map({ id > $0 }) ?? true {
                if !stream.write(frame) { return false }
            }
            return true
        }
    }

    /// Writes a comment line (heartbeat); false when the client is gone.
    func comment(_ bytes: [UInt8]) -> Bool { stream.write(bytes) }
}
