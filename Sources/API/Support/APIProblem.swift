public import HTTPServer
public import Domain

/// The API's own client errors, each rendered as an RFC 9457 problem naming what was wrong.
public enum APIProblem: ProblemError, Sendable, Equatable {
    case unknownAsset(AssetID)
    case notFound(resource: String, id: String)
    case invalidCursor(reason: String)
    case invalidBody(field: String, reason: String)
    case unauthorized
    case forbidden
    case rateLimited(retryAfterSeconds: Int)
    case conflict(String)
    case idempotencyKeyReused
    case unavailable(String)

    public var status: Int {
        switch self {
        case .unknownAsset, .notFound: 404
        case .invalidCursor, .invalidBody: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .rateLimited: 429
        case .conflict: 409
        case .idempotencyKeyReused: 422
        case .unavailable: 503
        }
    }

    public var problemType: String {
        switch self {
        case .unknownAsset: "unknown-asset"
        case .notFound: "not-found"
        case .invalidCursor: "invalid-parameter"
        case .invalidBody: "invalid-body"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .rateLimited: "rate-limited"
        case .conflict: "conflict"
        case .idempotencyKeyReused: "idempotency-key-reused"
        case .unavailable: "unavailable"
        }
    }

    public var title: String {
        switch self {
        case .unknownAsset: "Unknown asset"
        case .notFound: "Not found"
        case .invalidCursor: "Invalid query parameter"
        case .invalidBody: "Invalid request body"
        case .unauthorized: "Authentication required"
        case .forbidden: "Insufficient scope"
        case .rateLimited: "Too many requests"
        case .conflict: "Conflict"
        case .idempotencyKeyReused: "Idempotency key reused"
        case .unavailable: "Service unavailable"
        }
    }

    public var detail: String {
        switch self {
        case .unknownAsset(let a): "Asset '\(a)' is not configured on this server."
        case .notFound(let r, let id): "No \(r) with id '\(id)'."
        case .invalidCursor(let reason): "cursor \(reason)"
        case .invalidBody(let f, let reason): "Field '\(f)' \(reason)."
        case .unauthorized: "Send 'Authorization: Bearer <key>' with a valid API key."
        case .forbidden: "This API key may read but not write."
        case .rateLimited(let s): "Too many triggers from this client; retry in \(s) s."
        case .conflict(let m): m
        case .idempotencyKeyReused: "This Idempotency-Key was already used with a different request body."
        case .unavailable(let m): m
        }
    }

    public var invalidParameters: [InvalidParameter] {
        switch self {
        case .unknownAsset: [InvalidParameter(name: "asset", location: "path", reason: "is not a configured asset")]
        case .notFound: [InvalidParameter(name: "id", location: "path", reason: "does not exist")]
        case .invalidCursor(let r): [InvalidParameter(name: "cursor", location: "query", reason: r)]
        case .invalidBody(let f, let r): [InvalidParameter(name: f, location: "body", reason: r)]
        default: []
        }
    }
}
