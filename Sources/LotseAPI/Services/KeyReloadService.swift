import Logging
import LotseTokens
import ServiceLifecycle
import UnixSignals

/// Re-reads the JWKS file when it changes (checked every second) or on SIGHUP: keys are added and retired without a
/// restart. A file that does not parse leaves the keys in use and is logged as an error.
struct KeyReloadService: Service {
    let tokens: TokenVerifier
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        guard tokens.configuration.jwksPath != nil else {
            // Nothing to watch; a service that returned would end the whole application.
            try? await gracefulShutdown()
            return
        }
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in signals { await reload(trigger: "SIGHUP") }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        await reload(trigger: "file")
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func reload(trigger: String) async {
        do {
            if try await tokens.reload() {
                logger.notice("verification keys reloaded", metadata: ["lotse.trigger": "\(trigger)", "lotse.kids": "\(tokens.keyIDs.joined(separator: ","))"])
            }
        } catch {
            logger.error("verification keys not reloaded, the old ones stay in use", metadata: ["lotse.error": "\(error)"])
        }
    }
}
