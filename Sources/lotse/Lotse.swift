import ArgumentParser

@main
struct Lotse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lotse",
        abstract: "Lotse – Kapazitätsregister und Zuweisung für die Notfallversorgung in MV.",
        subcommands: [
            Seed.self, Dispatch.self, Hospitals.self, Report.self, Close.self, Reopen.self, Beds.self,
            Events.self, Replay.self, AppendLoad.self,
        ])
}
