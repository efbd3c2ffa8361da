import LotseDomain

/// The capacity projection: every hospital's state at a log position, laid out for fast dispatch queries.
public struct CapacityIndex: Sendable {
    /// The position of the last event applied.
    public private(set) var position: Int64 = 0
    /// Hospitals in registration order.
    public private(set) var hospitals: [HospitalState] = []
    /// Each hospital's position as a unit vector (same order), so distances cost no trigonometry per site.
    public private(set) var vectors: [UnitVector] = []
    private var slots: [HospitalID: Int] = [:]
    /// Events applied since the index was empty (including those folded into a snapshot).
    public private(set) var eventCount: Int64 = 0

    public init() {}

    public subscript(id: HospitalID) -> HospitalState? { slots[id].map { hospitals[$0] } }

    /// Applies an event at its log position. Positions at or before `position` are ignored, so a replay that
    /// overlaps a snapshot is harmless.
    public mutating func apply(_ event: HospitalEvent?, at position: Int64) {
        guard position > self.position else { return }
        self.position = position
        guard let event else { return }
        eventCount += 1
        let id = event.hospitalId
        if let slot = slots[id] {
            if let next = Hospital.evolve(hospitals[slot], event) {
                hospitals[slot] = next
                vectors[slot] = UnitVector(next.position)
            }
        } else if let new = Hospital.evolve(nil, event) {
            slots[id] = hospitals.count
            hospitals.append(new)
            vectors.append(UnitVector(new.position))
        }
    }

    /// Moves the position forward over events that are not hospital events.
    public mutating func skip(to position: Int64) {
        if position > self.position { self.position = position }
    }
}

extension CapacityIndex: Equatable {
    public static func == (a: CapacityIndex, b: CapacityIndex) -> Bool {
        a.position == b.position && a.hospitals == b.hospitals && a.eventCount == b.eventCount
    }
}

extension CapacityIndex: Codable {
    enum CodingKeys: String, CodingKey { case position, hospitals, eventCount }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        position = try c.decode(Int64.self, forKey: .position)
        hospitals = try c.decode([HospitalState].self, forKey: .hospitals)
        eventCount = try c.decode(Int64.self, forKey: .eventCount)
        vectors = hospitals.map { UnitVector($0.position) }
        slots = Dictionary(uniqueKeysWithValues: hospitals.enumerated().map { ($1.id, $0) })
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(position, forKey: .position)
        try c.encode(hospitals, forKey: .hospitals)
        try c.encode(eventCount, forKey: .eventCount)
    }
}
