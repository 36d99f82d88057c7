/// Maps method + path to handlers. Patterns are `/`-separated segments where `{name}`
/// captures one percent-decoded segment. At each level a literal segment wins over a
/// parameter (`/v1/models/history` beats `/v1/models/{id}`), with backtracking so a
/// literal dead end still falls back to the parameter. `HEAD` is served by `GET` routes.
public struct Router: Sendable {
    private final class Node: @unchecked Sendable {
        // Mutated only while routes are registered (before the router is shared); read-only after.
        var literals: [String: Node] = [:]
        var parameter: (name: String, node: Node)?
        var routes: [HTTPMethod: Route] = [:]
    }

    private var root = Node()
    private var registered: [Route] = []

    public init() {}

    /// Every route as (method, pattern), in registration order.
    public var routes: [(method: String, pattern: String)] {
        registered.map { ($0.method.rawValue, $0.pattern) }
    }

    /// Registers `handler`; a later registration of the same method and pattern replaces it.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, options: RouteOptions = RouteOptions(),
                             _ handler: @escaping HTTPHandler) {
        if !isKnownUniquelyReferenced(&root) { root = Self.copy(root) }
        var node = root
        for segment in Self.segments(pattern) {
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                let name = String(segment.dropFirst().dropLast())
                if let existing = node.parameter {
                    precondition(existing.name == name, "conflicting parameter names at \(pattern)")
                    node = existing.node
                } else {
                    let child = Node()
                    node.parameter = (name, child)
                    node = child
                }
            } else {
                let key = String(segment)
                if let child = node.literals[key] { node = child } else {
                    let child = Node()
                    node.literals[key] = child
                    node = child
                }
            }
        }
        let route = Route(method: method, pattern: pattern, options: options, handler: handler)
        node.routes[method] = route
        registered.removeAll { $0.method == method && $0.pattern == pattern }
        registered.append(route)
    }

    public mutating func get(_ pattern: String, options: RouteOptions = RouteOptions(),
                             _ handler: @escaping HTTPHandler) {
        add(.get, pattern, options: options, handler)
    }

    public mutating func post(_ pattern: String, options: RouteOptions = RouteOptions(),
                              _ handler: @escaping HTTPHandler) {
        add(.post, pattern, options: options, handler)
    }

    public mutating func put(_ pattern: String, options: RouteOptions = RouteOptions(),
                             _ handler: @escaping HTTPHandler) {
        add(.put, pattern, options: options, handler)
    }

    public mutating func delete(_ pattern: String, options: RouteOptions = RouteOptions(),
                                _ handler: @escaping HTTPHandler) {
        add(.delete, pattern, options: options, handler)
    }

    /// The outcome of routing one request.
    enum Match {
        case found(Route, parameters: [String: String])
        case notFound
        /// The path exists with other methods; `allow` is the `Allow` header value.
        case methodNotAllowed(allow: String)
        /// OPTIONS on an existing path.
        case options(allow: String)
    }

    func match(_ method: HTTPMethod, path: Substring) -> Match {
        var parameters: [String: String] = [:]
        let segments = Self.segments(path)
        guard let node = Self.find(root, segments[...], &parameters) else { return .notFound }
        if let route = node.routes[method] { return .found(route, parameters: parameters) }
        if method == .head, let route = node.routes[.get] { return .found(route, parameters: parameters) }
        let allow = Self.allowHeader(node)
        return method == .options ? .options(allow: allow) : .methodNotAllowed(allow: allow)
    }

    private static func allowHeader(_ node: Node) -> String {
        var methods = Set(node.routes.keys.map(\.rawValue))
        if methods.contains("GET") { methods.insert("HEAD") }
        methods.insert("OPTIONS")
        return methods.sorted().joined(separator: ", ")
    }

    private static func find(_ node: Node, _ rest: ArraySlice<Substring>,
                             _ parameters: inout [String: String]) -> Node? {
        guard let segment = rest.first else { return node.routes.isEmpty ? nil : node }
        let tail = rest.dropFirst()
        let decoded = PercentDecoding.decode(segment.utf8, plusIsSpace: false)
        if let child = node.literals[decoded], let found = find(child, tail, &parameters) { return found }
        if let (name, child) = node.parameter, !decoded.isEmpty {
            let saved = parameters
            parameters[name] = decoded
            if let found = find(child, tail, &parameters) { return found }
            parameters = saved
        }
        return nil
    }

    /// The non-empty `/`-separated segments, split on bytes: `/` is ASCII, so every cut is
    /// a character boundary, and this avoids Character-level splitting per request.
    private static func segments<S: StringProtocol>(_ path: S) -> [Substring] {
        let utf8 = Substring(path).utf8
        var result: [Substring] = []
        result.reserveCapacity(8)
        var start = utf8.startIndex
        var i = start
        while i != utf8.endIndex {
            if utf8[i] == UInt8(ascii: "/") {
                if start != i { result.append(Substring(utf8[start..<i])) }
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        if start != utf8.endIndex { result.append(Substring(utf8[start...])) }
        return result
    }

    private static func copy(_ node: Node) -> Node {
        let new = Node()
        new.literals = node.literals.mapValues { copy($0) }
        new.parameter = node.parameter.map { ($0.name, copy($0.node)) }
        new.routes = node.routes
        return new
    }
}
