/// Which hospitals a MANV incident asks: those with an emergency department within the reach. The default reach is
/// the drive time that covers the nearest hospitals able to take SK I (Notfallstufe ≥ 2 or a Traumazentrum) —
/// enough of them for four SK I patients each, at least two — and never less than 20 minutes.
public enum MANVReach {
    public struct Candidate: Sendable, Equatable {
        public let minutes: Double
        public let takesRed: Bool

        public init(minutes: Double, takesRed: Bool) {
            self.minutes = minutes
            self.takesRed = takesRed
        }
    }

    /// The default reach in whole minutes for `red` SK I patients over the candidates (any order).
    public static func defaultMinutes(_ candidates: [Candidate], red: Int) -> Double {
        let able = candidates.filter(\.takesRed).map(\.minutes).sorted()
        let k = max(2, (red + 3) / 4)
        let kth = able.isEmpty ? (candidates.map(\.minutes).max() ?? 20) : able[min(k, able.count) - 1]
        return max(20, kth.rounded(.up))
    }
}
