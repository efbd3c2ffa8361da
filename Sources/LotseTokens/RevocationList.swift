import Synchronization

/// The ids (`jti`) of revoked tokens, as this node has applied them from the log (`TokenRevoked` events, fed in the
/// same step as the capacity projection). The verifier consults it on every request, cached tokens included.
public final class RevocationList: Sendable {
    private let ids = Mutex<Set<String>>([])

    public init() {}

    public func insert(_ jti: String) { _ = ids.withLock { $0.insert(jti) } }
    public func contains(_ jti: String) -> Bool { ids.withLock { $0.contains(jti) } }
    public var count: Int { ids.withLock { $0.count } }
}
