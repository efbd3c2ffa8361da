import Foundation
import Synchronization

/// A task executor of its own threads, for benchmarks of work spread over many tasks (64 writers, a rebuild reading
/// ahead). package-benchmark runs an async benchmark by blocking the thread that calls it on a semaphore, and that
/// thread is one of the Swift pool's — on two cores, half of it (seen with gdb: `Benchmark.runAsync` waiting in
/// `BenchmarkRunner.run`). `lotse serve` has the whole pool, so the benchmarks run their workload under
/// `withTaskExecutorPreference(ThreadPoolExecutor.shared)`: as many threads as cores, as the pool has. Child tasks
/// and `Task {}` inherit the preference; continuations resumed elsewhere (the SQLite writer's) come back to it.
public final class ThreadPoolExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the queue is behind its mutex, the threads only read `self`.
    public static let shared = ThreadPoolExecutor(threads: ProcessInfo.processInfo.activeProcessorCount)

    private let jobs = Mutex<[UnownedJob]>([])
    private let available = DispatchSemaphore(value: 0)

    public init(threads: Int) {
        for i in 0..<max(1, threads) {
            let t = Thread { [self] in
                Thread.current.name = "bench-pool-\(i)"
                while true {
                    available.wait()
                    guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                    job.runSynchronously(on: asUnownedTaskExecutor())
                }
            }
            t.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        jobs.withLock { $0.append(unowned) }
        available.signal()
    }
}
