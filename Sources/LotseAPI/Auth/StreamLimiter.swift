import Synchronization

/// At most `limit` open event streams per principal (`role:subject`, as the rate limit): a token cannot tie up the
/// server with streams. A slot is taken before the stream answers and given back when its response body is gone
/// (ended, or never sent because the client left first).
final class StreamLimiter: Sendable {
    let limit: Int
    private let open = Mutex<[String: Int]>([:])

    init(perPrincipal limit: Int) { self.limit = limit }

    /// A slot for `key`, or nil when its streams are at the limit.
    func acquire(_ key: String) -> Slot? {
        let granted = open.withLock { o -> Bool in
            guard o[key, default: 0] < limit else { return false }
            o[key, default: 0] += 1
            return true
        }
        return granted ? Slot(limiter: self, key: key) : nil
    }

    fileprivate func release(_ key: String) {
        open.withLock { o in
            let n = o[key, default: 1] - 1
            o[key] = n > 0 ? n : nil
        }
    }

    func count(_ key: String) -> Int { open.withLock { $0[key, default: 0] } }

    /// Held by the stream's body; returns the slot when released.
    final class Slot: Sendable {
        let limiter: StreamLimiter
        let key: String

        fileprivate init(limiter: StreamLimiter, key: String) {
            self.limiter = limiter
            self.key = key
        }

        deinit { limiter.release(key) }
    }
}
