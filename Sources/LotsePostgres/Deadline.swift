import Synchronization

/// A time limit for work that may never finish and does not stop when cancelled (a network handshake with a server
/// that went silent): the caller gets `Expired` after the limit and goes on; the work runs on in the background, and
/// what it returns late is handed to `discard` (a connection nobody waits for any more is closed there).
enum Deadline {
    struct Expired: Error {}

    static func run<T: Sendable>(after limit: Duration, discard: @escaping @Sendable (T) -> Void,
                                 _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let waiting = Waiting<T>()
        return try await withCheckedThrowingContinuation { continuation in
            waiting.set(continuation)
            let task = Task {
                do {
                    let value = try await work()
                    if !waiting.resume(with: .success(value)) { discard(value) }
                } catch {
                    waiting.resume(with: .failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                if waiting.resume(with: .failure(Expired())) { task.cancel() }
            }
        }
    }

    /// The one continuation, resumed by whichever comes first.
    private final class Waiting<T: Sendable>: Sendable {
        private let slot = Mutex<CheckedContinuation<T, any Error>?>(nil)

        func set(_ c: CheckedContinuation<T, any Error>) { slot.withLock { $0 = c } }

        /// Resumes the caller; false when it was resumed before.
        @discardableResult
        func resume(with result: Result<T, any Error>) -> Bool {
            guard let c = slot.withLock({ s -> CheckedContinuation<T, any Error>? in defer { s = nil }; return s }) else { return false }
            c.resume(with: result)
            return true
        }
    }
}
