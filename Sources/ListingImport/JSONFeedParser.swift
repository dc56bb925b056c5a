import Foundation
import HousingDomain

/// Reads a JSON feed: an array of listing objects, or `{"listings": [...]}`.
///
/// Keys are our field names (`FeedField`: `id`, `title`, `url`, `street`, `house_number`,
/// `postal_code`, `place`, `latitude`, `longitude`, `rooms`, `living_area`, `floor`, `lift`,
/// `step_free`, `net_cold_rent`, `operating_costs`, `heating_costs`, `heating_included`,
/// `heating_type`, `deposit`, `available_from`, `wbs_required`, `pets_allowed`,
/// `landlord_company`, `contact_name`, `contact_phone`, `contact_email`). Two nested objects are
/// also read: `address` {`street`, `house_number`, `postal_code`, `place`} and `contact`
/// {`company`, `name`, `phone`, `email`}. Values may be strings or numbers (amounts best as
/// strings like `"480.00"`, so no float is involved); booleans as `true/false`, `1/0` or text.
/// `null` means absent. An unknown key is a warning (once per key), not a failure.
///
/// The file is read whole (`JSONSerialization`): portal feeds are small. Positions are the
/// 0-based index of the object in the array.
public struct JSONFeedParser: FeedParser {
    public var scope: TransferScope

    public init(scope: TransferScope = .full) { self.scope = scope }

    public func parse(fileAt url: URL, source: String, emit: (FeedRecord) throws -> Void) throws -> FeedSummary {
        let bytes = try feedFileSize(url, source: source)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw FeedError.unreadable(source: source, path: url.path, reason: "\(error.localizedDescription)")
        }
        if data.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) { throw FeedError.empty(source: source) }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            let nsError = error as NSError
            let detail = (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? nsError.localizedDescription
            throw FeedError.malformedJSON(source: source, reason: "not valid JSON (\(detail)); a truncated download?")
        }
        let items: [Any]
        if let array = root as? [Any] {
            items = array
        } else if let object = root as? [String: Any], let array = object["listings"] as? [Any] {
            items = array
        } else {
            throw FeedError.malformedJSON(
                source: source, reason: "expected an array of listing objects or {\"listings\": [...]}")
        }

        var summary = FeedSummary(source: source, scope: scope, bytes: bytes)
        let builder = DraftBuilder(source: source)
        var reportedKeys = Set<String>()
        for (index, item) in items.enumerated() {
            guard let object = item as? [String: Any] else {
                summary.skipped += 1
                summary.diagnostics.append(
                    ImportDiagnostic(
                        severity: .error, source: source, position: .index(index), field: "listing",
                        message: "expected an object {…}, found \(Self.kind(of: item)); listing skipped"))
                continue
            }
            var raw = RawListing(position: .index(index))
            func take(_ key: String, _ value: Any, as field: FeedField?) {
                guard let field else {
                    if reportedKeys.insert(key).inserted {
                        summary.diagnostics.append(
                            ImportDiagnostic(
                                severity: .warning, source: source, position: .index(index), field: key,
                                message: "unknown key '\(key)' ignored (in this and any later listing); see the JSON field list"))
                    }
                    return
                }
                if let text = Self.text(value) { raw.set(field, text) }
            }
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                switch key {
                case "address":
                    guard let nested = value as? [String: Any] else { continue }
                    for (inner, innerValue) in nested.sorted(by: { $0.key < $1.key }) {
                        let field = ["street", "house_number", "postal_code", "place"].contains(inner) ? FeedField(rawValue: inner) : nil
                        take("address.\(inner)", innerValue, as: field)
                    }
                case "contact":
                    guard let nested = value as? [String: Any] else { continue }
                    let map: [String: FeedField] = [
                        "company": .landlordCompany, "name": .contactName, "phone": .contactPhone, "email": .contactEmail,
                    ]
                    for (inner, innerValue) in nested.sorted(by: { $0.key < $1.key }) {
                        take("contact.\(inner)", innerValue, as: map[inner])
                    }
                default:
                    take(key, value, as: FeedField(rawValue: key))
                }
            }
            guard let draft = builder.build(raw, diagnostics: &summary.diagnostics) else {
                summary.skipped += 1
                continue
            }
            try emit(.upsert(draft))
            summary.upserts += 1
        }
        return summary
    }

    private static func text(_ value: Any) -> String? {
        if value is NSNull { return nil }
        if let string = value as? String { return string }
        if let bool = value as? Bool, type(of: value) == Bool.self { return bool ? "true" : "false" }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }

    private static func kind(of value: Any) -> String {
        switch value {
        case is String: return "text"
        case is NSNumber: return "a number"
        case is [Any]: return "a list"
        case is NSNull: return "null"
        default: return "\(type(of: value))"
        }
    }
}
