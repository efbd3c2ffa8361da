import Logging
import LotseTokens
import ServiceLifecycle
import UnixSignals

/// Re-reads the JWKS file when it changes (checked every second by default) or on SIGHUP: keys are added and retired without a
/// restart. A file that does not parse leaves the keys in use and is logged as an error. SIGHUP never stops the
/// server (without a JWKS file there is nothing to reload, and it says so).
struct KeyReloadService: Service {
    let tokens: TokenVerifier
    let logger: Logger
    /// How often the file is checked; nil: only on SIGHUP.
    let interval: Duration?

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        let watching = tokens.configuration.jwksPath != nil
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in signals {
                        if watching { await reload(trigger: "SIGHUP") } else { logger.notice("SIGHUP: no JWKS file configured, nothing to reload") }
                    }
                }
                if watching, let interval {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: interval)
                            await reload(trigger: "file")
                        }
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
