import Foundation
import HousingDomain

/// A small map without tiles or scripts: the household's places (A1, A2, …) and the suggested flats
/// (W1, W2, …) as points in an SVG, north up, distances to scale. The distance table next to it says
/// the same in numbers, for screen readers and for print.
struct MapSketch {
    let anchors: [Anchor]
    let flats: [Listing]

    static let width = 320.0
    static let height = 200.0
    static let padding = 18.0

    func svgData(strings s: Strings) -> [String: Any] {
        var points: [(mark: String, coordinate: Coordinate, isFlat: Bool)] = []
        for (i, a) in anchors.enumerated() { if let c = a.coordinate { points.append(("A\(i + 1)", c, false)) } }
        for (i, l) in flats.enumerated() { if let c = l.coordinate { points.append(("W\(i + 1)", c, true)) } }
        guard !points.isEmpty else { return ["hasPoints": false] }
        let lats = points.map(\.coordinate.latitude), lons = points.map(\.coordinate.longitude)
        let midLatitude = ((lats.min() ?? 0) + (lats.max() ?? 0)) / 2
        let shrink = cos(midLatitude * .pi / 180)
        let xs = lons.map { $0 * shrink }
        let spanX = max((xs.max() ?? 0) - (xs.min() ?? 0), 1e-6)
        let spanY = max((lats.max() ?? 0) - (lats.min() ?? 0), 1e-6)
        let scale = min((Self.width - 2 * Self.padding) / spanX, (Self.height - 2 * Self.padding) / spanY)
        let offsetX = (Self.width - spanX * scale) / 2, offsetY = (Self.height - spanY * scale) / 2
        let single = points.count == 1
        // Points at the same place (e.g. two flats in one street) are fanned out a little.
        var seen: [String: Int] = [:]
        let rendered = points.map { p -> [String: Any] in
            var x = single ? Self.width / 2 : offsetX + (p.coordinate.longitude * shrink - (xs.min() ?? 0)) * scale
            var y = single ? Self.height / 2 : offsetY + ((lats.max() ?? 0) - p.coordinate.latitude) * scale
            let key = "\(Int(x / 6))-\(Int(y / 6))"
            let n = seen[key, default: 0]
            seen[key] = n + 1
            x += Double(n) * 9
            y += Double(n) * 9
            return [
                "x": String(format: "%.1f", x), "y": String(format: "%.1f", y), "tx": String(format: "%.1f", x + 8),
                "ty": String(format: "%.1f", y - 7), "rx": String(format: "%.1f", x - 6), "ry": String(format: "%.1f", y - 6),
                "mark": p.mark, "isFlat": p.isFlat,
            ]
        }
        // The drawing's width in km (a degree of latitude is 111.32 km; x is already shrunk to match).
        let kmAcross = Self.width / scale * 111.32
        var data: [String: Any] = ["hasPoints": true, "points": rendered]
        if !single { data["scale"] = s.fill("mapScale", Format(language: s.language).decimal(kmAcross, digits: 0)) }
        return data
    }
}
