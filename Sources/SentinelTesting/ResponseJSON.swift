import Foundation

extension RawHTTPClient.Response {
    /// The body as a JSON object (empty when it is not one).
    public var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
    public var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    /// The `name`s in a problem's `errors`.
    public var problemFields: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
}

/// Polls `body` until it returns a value or the timeout passes.
public func eventually<T>(timeout: Double = 30, _ body: () throws -> T?) rethrows -> T? {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if let v = try body() { return v }
        Thread.sleep(forTimeInterval: 0.1)
    }
    return nil
}
