import Foundation

/// A seeded random number generator (xoshiro256**, seeded by SplitMix64): the same seed gives the same numbers
/// on every machine, which `SystemRandomNumberGenerator` cannot. Each concern of the simulation (demand, each
/// mission, each hospital) draws from its own stream, so a change of policy never shifts the demand.
public struct SimRandom: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// An independent stream for `key` under `seed` (e.g. mission 4711 of seed 1).
    public init(seed: UInt64, stream key: UInt64) {
        self.init(seed: seed ^ (key &* 0xD1B5_4A32_D192_ED03) ^ 0x5851_F42D_4C95_7F2D)
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Exponential with the given mean.
    public mutating func exponential(mean: Double) -> Double { -mean * log(1 - uniform()) }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), .leastNonzeroMagnitude)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * uniform())
    }

    /// Lognormal with the given mean and standard deviation of the variable itself (not of its logarithm).
    public mutating func lognormal(mean: Double, sd: Double) -> Double {
        let p = LognormalParameters(mean: mean, sd: sd)
        return exp(p.mu + p.sigma * normal())
    }

    /// Poisson with mean `lambda` (Knuth for small means, normal approximation above 60).
    public mutating func poisson(_ lambda: Double) -> Int {
        guard lambda > 0 else { return 0 }
        if lambda > 60 { return max(0, Int((lambda + lambda.squareRoot() * normal()).rounded())) }
        let limit = exp(-lambda)
        var k = 0
        var p = uniform()
        while p > limit {
            k += 1
            p *= uniform()
        }
        return k
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }
}

/// μ and σ of the logarithm for a lognormal variable with the given mean and SD (mean 24.9, SD 12.5 → μ 3.11, σ 0.47).
public struct LognormalParameters: Sendable, Equatable {
    public let mu: Double
    public let sigma: Double

    public init(mean: Double, sd: Double) {
        let s2 = log(1 + (sd * sd) / (mean * mean))
        sigma = s2.squareRoot()
        mu = log(mean) - s2 / 2
    }

    public var median: Double { exp(mu) }
}

/// Picks an index with probability proportional to its weight (cumulative table, binary search).
public struct WeightedChoice: Sendable {
    private let cumulative: [Double]

    public init(weights: [Double]) {
        precondition(!weights.isEmpty && weights.allSatisfy { $0 >= 0 })
        var total = 0.0
        cumulative = weights.map { total += $0; return total }
        precondition(total > 0)
    }

    public func pick(_ rng: inout SimRandom) -> Int {
        let x = rng.uniform() * cumulative[cumulative.count - 1]
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
