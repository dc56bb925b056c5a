import Foundation
import HousingDomain
import RuleBook

/// How a member gets to an anchor.
public enum TravelMode: String, Hashable, Codable, Sendable, CaseIterable {
    case walk, bike, bus

    /// After a time, in English: `on foot`, `by bike`, `by bus`.
    public var phrase: String { self == .walk ? "on foot" : "by \(rawValue)" }
}

/// One travel-time figure with how it was obtained.
public struct TravelEstimate: Hashable, Codable, Sendable {
    public var minutes: Double
    public var mode: TravelMode
    /// Road distance used (km).
    public var distanceKilometres: Double
    /// True when the figure is derived from straight-line distance, not a timetable or a route.
    public var estimated: Bool
    /// How the figure was made, for explanations.
    public var method: String
}

/// Anything that can say how long a trip takes. The scorer only sees this interface, so a
/// timetable-based source (e.g. the NAH.SH GTFS feed) can replace the straight-line estimate later
/// without touching the scorer.
public protocol TravelTimeEstimator: Sendable {
    func estimate(from: Coordinate, to: Coordinate) -> TravelEstimate
    /// Just the minutes, for the scoring loop; by default taken from `estimate`.
    func minutes(from: Coordinate, to: Coordinate) -> Double
}

extension TravelTimeEstimator {
    public func minutes(from: Coordinate, to: Coordinate) -> Double { estimate(from: from, to: to).minutes }
}

/// Straight-line distance × a detour factor, at a configured speed per mode; the fastest mode
/// allowed for the distance wins. Every figure is labelled *estimated*.
///
/// The straight-line distance is the great-circle distance on a sphere of the mean Earth radius
/// (6371.0088 km), computed from the chord between the points as unit vectors: the same as the
/// haversine formula of `Coordinate.distanceKilometres` up to rounding, but a point can be prepared
/// once (`prepare`) and then costs a square root and an arc sine per distance, which the scoring
/// kernel does for every anchor location × listing.
public struct StraightLineEstimator: TravelTimeEstimator {
    public var model: MatchingRules.Travel

    /// A point as a unit vector.
    public struct Prepared: Sendable {
        var x, y, z: Double
    }

    static let earthRadiusKilometres = 6371.0088

    public init(model: MatchingRules.Travel) { self.model = model }

    public func prepare(_ c: Coordinate) -> Prepared {
        let rad = Double.pi / 180
        let φ = c.latitude * rad
        let λ = c.longitude * rad
        return Prepared(x: cos(φ) * cos(λ), y: cos(φ) * sin(λ), z: sin(φ))
    }

    /// Great-circle distance in kilometres.
    @inline(__always)
    public func straightKilometres(_ a: Prepared, _ b: Prepared) -> Double {
        let dx = a.x - b.x
        let dy = a.y - b.y
        let dz = a.z - b.z
        let chord = (dx * dx + dy * dy + dz * dz).squareRoot()
        return 2 * Self.earthRadiusKilometres * asin(min(1, chord / 2))
    }

    public func estimate(from: Coordinate, to: Coordinate) -> TravelEstimate {
        let road = straightKilometres(prepare(from), prepare(to)) * model.detourFactor
        let (minutes, mode) = fastest(roadKilometres: road)
        let method = "estimated: \(NumberText.fixed(road / model.detourFactor, 1)) km straight line × \(NumberText.fixed(model.detourFactor, 2)) detour, by \(mode.rawValue)"
        return TravelEstimate(minutes: minutes, mode: mode, distanceKilometres: road, estimated: true, method: method)
    }

    public func minutes(from: Coordinate, to: Coordinate) -> Double { minutes(from: prepare(from), to: prepare(to)) }

    @inline(__always)
    public func minutes(from: Prepared, to: Prepared) -> Double {
        fastest(roadKilometres: straightKilometres(from, to) * model.detourFactor).minutes
    }

    /// The fastest mode allowed for a road distance; the bus when none is. Walk, bike, bus in this
    /// order; a later mode wins only when strictly faster.
    @inline(__always)
    func fastest(roadKilometres road: Double) -> (minutes: Double, mode: TravelMode) {
        var best = (minutes: Double.infinity, mode: TravelMode.bus)
        func consider(_ mode: TravelMode, _ spec: MatchingRules.Travel.Mode) {
            if let maxKm = spec.maxKm, road > maxKm { return }
            let minutes = road / spec.speedKmh * 60 + spec.overheadMinutes
            if minutes < best.minutes { best = (minutes, mode) }
        }
        consider(.walk, model.walk)
        consider(.bike, model.bike)
        consider(.bus, model.bus)
        if !best.minutes.isFinite { best = (road / model.bus.speedKmh * 60 + model.bus.overheadMinutes, .bus) }
        return best
    }
}
