import LotseDomain

/// What a command is decided with besides the state: the time it is decided at (the core reads no clock) and
/// who issued it.
public struct CommandContext: Sendable, Hashable {
    public let now: Timestamp
    public let principal: Principal

    public init(now: Timestamp, principal: Principal) {
        self.now = now
        self.principal = principal
    }
}
