import Histogram

/// Percentiles of one request type's latency, as the simulator and the HTTP load report them.
public struct LatencySummary: Codable, Sendable, Hashable {
    public var count: Int
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var unit: String

    public init(_ h: Histogram<UInt64>, unit: String = "µs") {
        count = Int(h.totalCount)
        p50 = Double(h.valueAtPercentile(50))
        p90 = Double(h.valueAtPercentile(90))
        p99 = Double(h.valueAtPercentile(99))
        p999 = Double(h.valueAtPercentile(99.9))
        max = Double(h.max)
        self.unit = unit
    }
}

/// Latency histograms per request type (microseconds, 3 significant digits), for in-process commands and HTTP
/// requests alike.
public struct LatencyRecorder: Sendable {
    public private(set) var histograms: [String: Histogram<UInt64>] = [:]
    public let clock = ContinuousClock()

    public init() {}

    public mutating func record(_ type: String, since start: ContinuousClock.Instant) {
        let us = UInt64(Swift.max(1, (clock.now - start) / .microseconds(1)))
        histograms[type, default: Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)].record(us)
    }

    /// Adds another recorder's samples (the workers of an HTTP load).
    public mutating func merge(_ other: LatencyRecorder) {
        for (k, h) in other.histograms {
            if histograms[k] == nil { histograms[k] = h } else { histograms[k]!.add(h) }
        }
    }

    public var requests: Int { histograms.values.reduce(0) { $0 + Int($1.totalCount) } }
    public var summaries: [String: LatencySummary] { histograms.mapValues { LatencySummary($0) } }
}
