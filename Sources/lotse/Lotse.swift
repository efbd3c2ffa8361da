import ArgumentParser
import Foundation

@main
struct Lotse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lotse",
        abstract: "Lotse – Kapazitätsregister und Zuweisung für die Notfallversorgung in MV.",
        subcommands: [
            Seed.self, Dispatch.self, Hospitals.self, Report.self, Close.self, Reopen.self, Beds.self,
            Events.self, Replay.self, Serve.self, Token.self, Keys.self, Revoke.self, Backup.self, Verify.self, Retention.self, Audit.self, ConfigCommand.self, TNAReportCommand.self, StatsCommand.self,
        ])

    /// Like ArgumentParser's `main`, but a usage error is one line (`Fehler: …`), as every other error of lotse;
    /// `--help` still prints the full help.
    static func main() async {
        let arguments: [String]
        do {
            arguments = try Settings.loadFromArguments(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("Fehler: \(error)\n".utf8))
            Foundation.exit(1)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            // Commands print their own one-line error before throwing an exit code.
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            var first = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            // A typed option's own German reason, without ArgumentParser's English frame around it.
            if first.hasPrefix("The value '"), let r = first.range(of: "' is invalid for '"), let colon = first.range(of: "': ", range: r.upperBound..<first.endIndex) {
                let option = first[r.upperBound..<colon.lowerBound].split(separator: " ").first ?? ""
                first = "\(option): \(first[colon.upperBound...])"
            }
            FileHandle.standardError.write(Data("Fehler: \(first) (Hilfe: lotse --help)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
