/// The decoded query string of a request (`application/x-www-form-urlencoded` rules:
/// `+` is a space, `%XX` escapes are decoded, invalid escapes are kept literally).
/// Typed accessors throw ``ParameterError`` naming the parameter, which renders as a 400 problem.
public struct QueryParameters: Sendable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)] = []) { self.pairs = pairs }

    /// Parses the part of a request target after `?`.
    public init(query: Substring) {
        pairs = []
        guard !query.isEmpty else { return }
        for piece in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let eq = piece.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append((name: PercentDecoding.decode(piece[..<eq], plusIsSpace: true),
                              value: PercentDecoding.decode(piece[piece.index(after: eq)...], plusIsSpace: true)))
            } else {
                pairs.append((name: PercentDecoding.decode(piece, plusIsSpace: true), value: ""))
            }
        }
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
    public var names: [String] {
        var seen = Set<String>()
        return pairs.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }

    /// An integer parameter; `default` when absent; throws when malformed or outside `range`.
    public func int(_ name: String, default defaultValue: Int? = nil,
                    range: ClosedRange<Int>? = nil) throws(ParameterError) -> Int? {
        guard let raw = self[name] else { return defaultValue }
        guard let value = Int(raw) else { throw ParameterError(name: name, reason: "must be an integer") }
        if let range, !range.contains(value) {
            throw ParameterError(name: name,
                                 reason: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    public func double(_ name: String, default defaultValue: Double? = nil,
                       range: ClosedRange<Double>? = nil) throws(ParameterError) -> Double? {
        guard let raw = self[name] else { return defaultValue }
        guard let value = Double(raw), value.isFinite else {
            throw ParameterError(name: name, reason: "must be a number")
        }
        if let range, !range.contains(value) {
            throw ParameterError(name: name,
                                 reason: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    public func string(_ name: String, default defaultValue: String? = nil,
                       allowed: Set<String>? = nil) throws(ParameterError) -> String? {
        guard let raw = self[name] else { return defaultValue }
        if let allowed, !allowed.contains(raw) {
            throw ParameterError(name: name, reason: "must be one of " + allowed.sorted().joined(separator: ", "))
        }
        return raw
    }

    /// Any other type: `parse` returns nil for malformed input, `expected` describes the format.
    public func parse<T>(_ name: String, _ parse: (String) -> T?, expected: String) throws(ParameterError) -> T? {
        guard let raw = self[name] else { return nil }
        guard let value = parse(raw) else { throw ParameterError(name: name, reason: "must be \(expected)") }
        return value
    }
}

/// A malformed query parameter: a 400 problem naming it.
public struct ParameterError: ProblemError, Sendable, Equatable {
    public var name: String
    public var reason: String
    public var location: String

    public init(name: String, reason: String, location: String = "query") {
        self.name = name
        self.reason = reason
        self.location = location
    }

    public var status: Int { 400 }
    public var problemType: String { "invalid-parameter" }
    public var title: String { "Invalid parameter" }
    public var detail: String { "Parameter '\(name)' \(reason)." }
    public var invalidParameters: [InvalidParameter] { [InvalidParameter(name: name, location: location, reason: reason)] }
}

enum PercentDecoding {
    /// Decodes `%XX` escapes; returns nil on a malformed escape when `strict`.
    static func decode<C: Collection<UInt8>>(_ bytes: C, plusIsSpace: Bool, strict: Bool = false) -> String {
        decodeStrict(bytes, plusIsSpace: plusIsSpace, strict: strict) ?? String(decoding: bytes, as: UTF8.self)
    }

    static func decodeStrict<C: Collection<UInt8>>(_ bytes: C, plusIsSpace: Bool, strict: Bool) -> String? {
        if !bytes.contains(UInt8(ascii: "%")) && !(plusIsSpace && bytes.contains(UInt8(ascii: "+"))) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                let h1 = bytes.index(after: i)
                if h1 != bytes.endIndex {
                    let h2 = bytes.index(after: h1)
                    if h2 != bytes.endIndex, let hi = ASCII.hexValue(bytes[h1]), let lo = ASCII.hexValue(bytes[h2]) {
                        out.append(UInt8(hi << 4 | lo))
                        i = bytes.index(after: h2)
                        continue
                    }
                }
                if strict { return nil }
                out.append(b)
            } else if plusIsSpace && b == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(b)
            }
            i = bytes.index(after: i)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
