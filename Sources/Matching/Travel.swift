import Foundation
import HousingDomain
import RuleBook

/// How a member gets to an anchor.
public enum TravelMode: String, Hashable, Codable, Sendable, CaseIterable {
    case walk, bike, bus
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
public struct StraightLineEstimator: TravelTimeEstimator {
    public var model: MatchingRules.Travel

    public init(model: MatchingRules.Travel) { self.model = model }

    public func estimate(from: Coordinate, to: Coordinate) -> TravelEstimate {
        let road = from.distanceKilometres(to: to) * model.detourFactor
        let (minutes, mode) = fastest(roadKilometres: road)
        var best = TravelEstimate(minutes: minutes, mode: mode, distanceKilometres: road, estimated: true, method: "")
        best.method = String(format: "estimated: %.1f km straight line × %.2f detour, by %@", road / model.detourFactor, model.detourFactor, best.mode.rawValue)
        return best
    }

    public func minutes(from: Coordinate, to: Coordinate) -> Double {
        fastest(roadKilometres: from.distanceKilometres(to: to) * model.detourFactor).minutes
    }

    /// The fastest mode allowed for a road distance; the bus when none is.
    func fastest(roadKilometres road: Double) -> (minutes: Double, mode: TravelMode) {
        var best = (minutes: Double.infinity, mode: TravelMode.bus)
        for (mode, spec) in [(TravelMode.walk, model.walk), (.bike, model.bike), (.bus, model.bus)] {
            if let maxKm = spec.maxKm, road > maxKm { continue }
            let minutes = road / spec.speedKmh * 60 + spec.overheadMinutes
            if minutes < best.minutes { best = (minutes, mode) }
        }
        if !best.minutes.isFinite { best = (road / model.bus.speedKmh * 60 + model.bus.overheadMinutes, .bus) }
        return best
    }
}
