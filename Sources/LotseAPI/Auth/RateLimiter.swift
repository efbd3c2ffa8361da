import Synchronization

/// A token bucket per principal (`role:subject`, so all tokens of one person share it): `rate` requests per second
/// on average, bursts of up to one second's worth, counted per node. Buckets that have refilled are dropped when
/// more than 10 000 principals are tracked (the map does not grow without bound).
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var last: ContinuousClock.Instant
    }

    private let rate: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perSecond rate: Double) { self.rate = rate }

    func allow(_ key: String) -> Bool {
        let now = ContinuousClock.now
        return buckets.withLock { b in
            if b.count > 10_000, b[key] == nil {
                b = b.filter { $0.value.tokens + ($0.value.last.duration(to: now) / .seconds(1)) * rate < max(1, rate) }
            }
            var bucket = b[key] ?? Bucket(tokens: max(1, rate), last: now)
            let elapsed = bucket.last.duration(to: now)
            let seconds = elapsed / .seconds(1)
            bucket.tokens = min(max(1, rate), bucket.tokens + seconds * rate)
            bucket.last = now
            guard bucket.tokens >= 1 else {
                b[key] = bucket
                return false
            }
            bucket.tokens -= 1
            b[key] = bucket
            return true
        }
    }
}
