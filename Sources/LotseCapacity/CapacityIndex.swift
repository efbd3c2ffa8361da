import LotseDomain

/// The capacity projection: every hospital's state at a log position, laid out for fast dispatch queries.
///
/// `hospitals` holds the full states (what `HospitalAggregate.evolve` produced); beside it the index keeps what the
/// dispatch hot loop reads as flat, string-free arrays in the same slot order, refreshed on every apply.
public struct CapacityIndex: Sendable {
    /// The position of the last event applied.
    public private(set) var position: Int64 = 0
    /// Hospitals in registration order.
    public private(set) var hospitals: [HospitalState] = []
    /// Per slot: profile, Notfallstufe, position as unit vector, district code.
    public private(set) var hot: [Hot] = []
    /// The packed conditions by resource key, then slot (`key.index × packedStride + slot`): the dispatch loop reads a
    /// required key's conditions of consecutive slots from consecutive memory (slot by slot, 28 keys apart, each site's
    /// conditions were a cache miss of their own — issue 16). Rows of `packedStride` slots, half as long again when full.
    public private(set) var packed: [PackedCondition] = []
    /// Slots per key in `packed` (at least `hospitals.count`).
    public private(set) var packedStride = 0
    /// Per slot: free beds per category of the last report.
    public private(set) var freeBeds: [[BedCategory: Int]] = []
    /// Per slot × 6 bed categories (`BedCategory.index`): free beds, 0 where none were reported.
    public private(set) var freeFlat: [Int] = []
    /// Per slot × 6 bed categories: announced patients en route (announced or acknowledged).
    public private(set) var enRoute: [Int] = []
    /// Every announcement, by id.
    public private(set) var announcements: [AnnouncementID: AnnouncementState] = [:]
    public static let categoryCount = BedCategory.all.count
    private var slots: [HospitalID: Int] = [:]
    private var districtCodes: [DistrictID: Int32] = [:]
    /// Events applied since the index was empty (including those folded into a snapshot).
    public private(set) var eventCount: Int64 = 0
    /// The latest time any applied event occurred (time travel: a fold whose events all occurred by a moment stands for
    /// that moment's index). Bookkeeping like `eventCount`, not part of `==`.
    public private(set) var latestOccurredAt: Timestamp?
    /// The position of the last hospital or announcement event applied (`position` also moves for other events).
    public private(set) var lastEventPosition: Int64 = 0
    /// Announcements whose patient is still on the way (announced or acknowledged): what the timers look at.
    public private(set) var openAnnouncements: Set<AnnouncementID> = []
    /// The hour (of event time) of the last sweep of closed announcements.
    private var announcementsSweptHour: Int64 = 0

    /// What the hot loop needs of a hospital.
    public struct Hot: Sendable, Hashable {
        public let profile: ResourceSet
        public let notfallstufe: Int
        public let vector: UnitVector
        public let district: Int32
    }

    public static let keyCount = ResourceKey.all.count

    public init() {}

    public subscript(id: HospitalID) -> HospitalState? { slots[id].map { hospitals[$0] } }

    /// The slot (array position) of a hospital in `hospitals`, `hot`, … .
    public func slot(of id: HospitalID) -> Int? { slots[id] }

    /// The code of a district in `hot`, or nil when no hospital is in it.
    public func districtCode(_ d: DistrictID) -> Int32? { districtCodes[d] }

    /// Applies any event of the log at its position (hospital or announcement; nil only moves the position).
    public mutating func apply(_ event: LotseEvent?, at position: Int64) {
        switch event {
        case let .hospital(e)?: apply(e, at: position)
        case let .announcement(e)?: apply(announcement: e, at: position)
        case nil: apply(nil as HospitalEvent?, at: position)
        }
    }

    /// Applies an announcement event: keeps the announcement and the count of patients en route per hospital.
    public mutating func apply(announcement event: AnnouncementEvent, at position: Int64) {
        guard position > self.position else { return }
        self.position = position
        counted(event.occurredAt, at: position)
        let id = event.header.announcementId
        let before = announcements[id]
        guard let after = AnnouncementAggregate.evolve(before, event) else { return }
        announcements[id] = after
        if after.status.isEnRoute { openAnnouncements.insert(id) } else { openAnnouncements.remove(id) }
        pruneClosedAnnouncements(now: event.occurredAt)
        if let slot = slots[after.hospitalId] {
            let cell = slot * Self.categoryCount + after.bedCategory.index
            if before?.status.isEnRoute == true { enRoute[cell] -= 1 }
            if after.status.isEnRoute { enRoute[cell] += 1 }
        }
    }

    /// How long at least an arrived or cancelled announcement stays in the index (the arrivals board shows the last day);
    /// the log keeps it forever and `AnnouncementService.load` still reads it.
    public static let closedAnnouncementRetentionMillis: Int64 = 24 * 3_600_000

    /// Drops announcements closed more than a day before `now` (the time of the event being applied). Sweeps at
    /// most once per 6 hours of event time (so a closed announcement stays 24–30 h), and a year of announcements
    /// (≈ 200 000 in MV) never piles up. Depends on the events only, so a rebuild and a live index prune alike.
    private mutating func pruneClosedAnnouncements(now: Timestamp) {
        let hour = now.millis.floorDivided(by: 3_600_000).0
        guard hour.floorDivided(by: 6).0 > announcementsSweptHour.floorDivided(by: 6).0 else { return }
        announcementsSweptHour = hour
        let cutoff = now.millis - Self.closedAnnouncementRetentionMillis
        announcements = announcements.filter { _, a in
            guard let closed = a.arrivedAt ?? a.cancelledAt, !a.status.isEnRoute else { return true }
            return closed.millis >= cutoff
        }
    }

    /// Patients en route to the hospital at `slot`, all categories.
    public func patientsEnRoute(slot: Int) -> Int { Self.patientsEnRoute(enRoute, slot: slot) }

    /// The patients en route to a slot in an `enRoute` array (all bed categories).
    public static func patientsEnRoute(_ enRoute: [Int], slot: Int) -> Int {
        let base = slot * categoryCount
        return enRoute[base..<(base + categoryCount)].reduce(0, +)
    }

    /// Applies an event at its log position. Positions at or before `position` are ignored, so a replay that
    /// overlaps a snapshot is harmless. `nil` (an event of another aggregate) only moves the position.
    public mutating func apply(_ event: HospitalEvent?, at position: Int64) {
        guard position > self.position else { return }
        self.position = position
        guard let event else { return }
        counted(event.occurredAt, at: position)
        if let slot = slots[event.hospitalId] {
            if case .registered = event { return }
            HospitalAggregate.apply(event, to: &hospitals[slot])
            // Refresh only what the event can change (a rebuild applies millions of these).
            switch event {
            case let .statusReported(e): refresh(e.resource, at: slot)
            case let .closed(e): refresh(e.resource, at: slot)
            case let .reopened(e): refresh(e.resource, at: slot)
            case let .closureExpired(e): refresh(e.resource, at: slot)
            case .bedsReported: refreshBeds(at: slot)
            case .registered, .profileChanged: store(hospitals[slot], at: slot)
            }
        } else if let new = HospitalAggregate.evolve(nil, event) {
            appendSlot(new)
        }
    }

    private mutating func counted(_ occurredAt: Timestamp, at position: Int64) {
        eventCount += 1
        lastEventPosition = position
        if latestOccurredAt.map({ occurredAt > $0 }) ?? true { latestOccurredAt = occurredAt }
    }

    /// The index of a moment as a filtered fold has it: positioned at its last hospital or announcement event (events
    /// of other aggregates after it are not part of the past moment).
    mutating func positionAtLastEvent() {
        position = lastEventPosition
    }

    /// The time-travel marks of a snapshot (kept in its envelope beside the index's stored form, which predates them).
    mutating func restore(latestOccurredAt: Timestamp?, lastEventPosition: Int64) {
        self.latestOccurredAt = latestOccurredAt
        self.lastEventPosition = lastEventPosition
    }

    /// Gives a new hospital the next slot in every array.
    private mutating func appendSlot(_ s: HospitalState) {
        slots[s.id] = hospitals.count
        hospitals.append(s)
        hot.append(Hot(profile: s.profile, notfallstufe: 0, vector: UnitVector(s.position), district: 0))
        growPackedRows(toHold: hospitals.count)
        freeBeds.append([:])
        freeFlat.append(contentsOf: repeatElement(0, count: Self.categoryCount))
        enRoute.append(contentsOf: repeatElement(0, count: Self.categoryCount))
        store(s, at: hospitals.count - 1)
        // Announcements made before the hospital was known count from now on.
        for a in announcements.values where a.hospitalId == s.id && a.status.isEnRoute {
            enRoute[(hospitals.count - 1) * Self.categoryCount + a.bedCategory.index] += 1
        }
    }

    /// Room for `slots` slots in every key's row of `packed` (new places not reported).
    private mutating func growPackedRows(toHold slots: Int) {
        guard slots > packedStride else { return }
        let stride = max(8, packedStride + packedStride / 2, slots)
        var rows = [PackedCondition](repeating: .notReported, count: Self.keyCount * stride)
        for k in 0..<Self.keyCount {
            for slot in 0..<packedStride { rows[k * stride + slot] = packed[k * packedStride + slot] }
        }
        (packed, packedStride) = (rows, stride)
    }

    private mutating func refresh(_ key: ResourceKey, at slot: Int) {
        packed[key.index * packedStride + slot] = PackedCondition(hospitals[slot].conditions[key.index])
    }

    private mutating func store(_ s: HospitalState, at slot: Int) {
        hospitals[slot] = s
        let code: Int32
        if let c = districtCodes[s.district] { code = c } else {
            code = Int32(districtCodes.count)
            districtCodes[s.district] = code
        }
        hot[slot] = Hot(profile: s.profile, notfallstufe: s.notfallstufe, vector: UnitVector(s.position), district: code)
        for i in 0..<Self.keyCount { packed[i * packedStride + slot] = PackedCondition(s.conditions[i]) }
        refreshBeds(at: slot)
    }

    private mutating func refreshBeds(at slot: Int) {
        let counts = hospitals[slot].beds?.counts ?? [:]
        freeBeds[slot] = counts.mapValues(\.free)
        for c in BedCategory.all { freeFlat[slot * Self.categoryCount + c.index] = counts[c]?.free ?? 0 }
    }
}

extension CapacityIndex: Equatable {
    public static func == (a: CapacityIndex, b: CapacityIndex) -> Bool {
        a.position == b.position && a.hospitals == b.hospitals && a.eventCount == b.eventCount && a.announcements == b.announcements
            && a.announcementsSweptHour == b.announcementsSweptHour
    }
}

extension CapacityIndex: Codable {
    enum CodingKeys: String, CodingKey { case position, hospitals, eventCount, announcements, announcementsSweptHour }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        for a in try c.decodeIfPresent([AnnouncementState].self, forKey: .announcements) ?? [] {
            announcements[a.id] = a
            if a.status.isEnRoute { openAnnouncements.insert(a.id) }
        }
        let states = try c.decode([HospitalState].self, forKey: .hospitals)
        for s in states { appendSlot(s) }
        position = try c.decode(Int64.self, forKey: .position)
        eventCount = try c.decode(Int64.self, forKey: .eventCount)
        announcementsSweptHour = try c.decodeIfPresent(Int64.self, forKey: .announcementsSweptHour) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(position, forKey: .position)
        try c.encode(hospitals, forKey: .hospitals)
        try c.encode(eventCount, forKey: .eventCount)
        try c.encode(announcements.values.sorted { $0.id < $1.id }, forKey: .announcements)
        try c.encode(announcementsSweptHour, forKey: .announcementsSweptHour)
    }
}
