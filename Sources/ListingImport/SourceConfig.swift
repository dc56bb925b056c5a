import Foundation
import HousingDomain
import Yams

/// The feed formats the importer reads.
public enum FeedFormat: String, CaseIterable, Hashable, Sendable {
    case openimmo, csv, json
}

/// How to authenticate against a source. The file only names environment variables; the secrets
/// live in the cron environment, never in `sources.yaml`.
public enum SourceCredentials: Hashable, Sendable {
    /// HTTP Basic auth from two environment variables.
    case basic(usernameEnv: String, passwordEnv: String)
    /// `Authorization: Bearer …` from one environment variable.
    case bearer(tokenEnv: String)

    /// The variables this credential needs.
    public var environmentVariables: [String] {
        switch self {
        case .basic(let user, let password): return [user, password]
        case .bearer(let token): return [token]
        }
    }
}

/// Which flats of a source to keep. A listing passes when it matches a postal code entry
/// (exact `24306` or prefix `243*`) or a place (case-insensitive); empty lists do not restrict.
public struct RegionFilter: Hashable, Sendable {
    public var postalCodes: [String]
    public var places: [String]

    public init(postalCodes: [String] = [], places: [String] = []) {
        self.postalCodes = postalCodes
        self.places = places
    }

    public func admits(_ draft: ListingDraft) -> Bool {
        if postalCodes.isEmpty && places.isEmpty { return true }
        if let code = draft.address.postalCode?.rawValue {
            for entry in postalCodes {
                if entry.hasSuffix("*") ? code.hasPrefix(String(entry.dropLast())) : code == entry { return true }
            }
        }
        if let place = draft.address.place?.lowercased(), places.contains(where: { $0.lowercased() == place }) {
            return true
        }
        return false
    }
}

/// The CSV delimiter; nil in `CSVOptions` means "detect from the header line".
public enum CSVDelimiter: String, Hashable, Sendable, CaseIterable {
    case semicolon = ";"
    case comma = ","
    case tab = "\t"

    var byte: UInt8 { rawValue.utf8.first ?? 59 }
}

/// How to read a CSV source.
public struct CSVOptions: Hashable, Sendable {
    /// Nil: detected from the header (the most frequent of `;`, `,` and tab outside quotes).
    public var delimiter: CSVDelimiter?
    /// Our field → the feed's header. Fields not mapped are looked up under their own name
    /// (`net_cold_rent`, `postal_code`, … see `FeedField`).
    public var columns: [FeedField: String]

    public init(delimiter: CSVDelimiter? = nil, columns: [FeedField: String] = [:]) {
        self.delimiter = delimiter
        self.columns = columns
    }
}

/// Where a source's feed comes from.
public enum SourceLocation: Hashable, Sendable {
    case http(URL)
    /// A local file; relative paths were resolved against the directory of `sources.yaml`.
    case file(URL)

    public var url: URL {
        switch self {
        case .http(let url), .file(let url): return url
        }
    }
}

/// One configured listing source, validated.
public struct SourceConfig: Hashable, Sendable {
    /// Unique; stored with every listing as its source.
    public var name: String
    public var location: SourceLocation
    public var format: FeedFormat
    public var enabled: Bool
    public var credentials: SourceCredentials?
    /// CSV/JSON only (OpenImmo says it in `uebertragung@umfang`); default `.full`.
    public var scope: TransferScope
    /// CSV only.
    public var csv: CSVOptions?
    public var region: RegionFilter?
    /// Line of the entry in `sources.yaml`, for messages.
    public var line: Int

    public init(
        name: String, location: SourceLocation, format: FeedFormat, enabled: Bool = true,
        credentials: SourceCredentials? = nil, scope: TransferScope = .full, csv: CSVOptions? = nil,
        region: RegionFilter? = nil, line: Int = 0
    ) {
        self.name = name
        self.location = location
        self.format = format
        self.enabled = enabled
        self.credentials = credentials
        self.scope = scope
        self.csv = csv
        self.region = region
        self.line = line
    }

    /// Parses a feed file for this source with the right parser, dropping flats outside the
    /// region filter (they are not emitted, so a full transfer treats them as gone).
    public func parse(fileAt url: URL, emit: (FeedRecord) throws -> Void) throws -> FeedSummary {
        let parser = makeFeedParser(for: self)
        guard let region else { return try parser.parse(fileAt: url, source: name, emit: emit) }
        var outside = 0
        var summary = try parser.parse(fileAt: url, source: name) { record in
            if case .upsert(let draft) = record, !region.admits(draft) {
                outside += 1
                return
            }
            try emit(record)
        }
        summary.upserts -= outside
        summary.outsideRegion = outside
        return summary
    }
}

/// A problem in `sources.yaml`; nothing is imported until it is fixed.
public enum SourceConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// Not valid YAML.
    case invalidYAML(file: String, line: Int, reason: String)
    /// A key we do not know (typo?).
    case unknownKey(file: String, line: Int, key: String, allowed: [String])
    /// A required key is missing.
    case missingKey(file: String, line: Int, key: String, in: String)
    /// A value of the wrong shape or outside the allowed set.
    case invalidValue(file: String, line: Int, key: String, value: String, hint: String)
    /// Two sources share a name.
    case duplicateName(file: String, line: Int, name: String, firstLine: Int)
    /// A credentials entry holds a secret instead of naming an environment variable.
    case secretInFile(file: String, line: Int, key: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read the source list: \(reason)"
        case .invalidYAML(let file, let line, let reason):
            return "\(file):\(line): not valid YAML: \(reason)"
        case .unknownKey(let file, let line, let key, let allowed):
            return "\(file):\(line): unknown key '\(key)'; allowed here: \(allowed.joined(separator: ", "))"
        case .missingKey(let file, let line, let key, let context):
            return "\(file):\(line): \(context) needs '\(key)'"
        case .invalidValue(let file, let line, let key, let value, let hint):
            return "\(file):\(line): '\(value)' is not a valid \(key): \(hint)"
        case .duplicateName(let file, let line, let name, let firstLine):
            return "\(file):\(line): source name '\(name)' is already used on line \(firstLine); names must be unique"
        case .secretInFile(let file, let line, let key):
            return "\(file):\(line): '\(key)' would put a secret into sources.yaml; name an environment variable instead "
                + "(username_env/password_env or bearer_token_env, e.g. password_env: WANKENDORFER_PASSWORD)"
        }
    }
}

/// Reads `Imports/sources.yaml`.
///
/// ```yaml
/// sources:
///   - name: wankendorfer            # unique: [A-Za-z0-9._-]
///     url: https://feeds.example.org/openimmo.xml   # https://, http://, file://, or a path
///     format: openimmo              # openimmo | csv | json
///     enabled: true                 # default true
///     credentials:                  # optional; names env variables, never secrets
///       username_env: WANKENDORFER_USER
///       password_env: WANKENDORFER_PASSWORD   # or: bearer_token_env: PORTAL_TOKEN
///     scope: full                   # csv/json only: full (default) | partial
///     csv: { delimiter: ";", columns: { id: Objekt-Nr, net_cold_rent: Kaltmiete } }  # csv only
///     region: { postal_codes: ["24306", "242*"], places: [Plön] }
/// ```
/// `file://` and plain paths that are relative resolve against the directory of the file.
public enum ImportSources {
    public static func load(from url: URL) throws -> [SourceConfig] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw SourceConfigError.unreadable(file: url.path, reason: "\(error.localizedDescription)")
        }
        return try parse(yaml: text, file: url.lastPathComponent, baseDirectory: url.deletingLastPathComponent())
    }

    /// Validates YAML text; `file` is used in messages, `baseDirectory` to resolve relative paths.
    public static func parse(yaml text: String, file: String, baseDirectory: URL) throws -> [SourceConfig] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SourceConfigError.invalidYAML(file: file, line: yamlErrorLine(error), reason: yamlErrorProblem(error))
        } catch {
            throw SourceConfigError.invalidYAML(file: file, line: 1, reason: "\(error)")
        }
        let reader = ConfigReader(file: file, baseDirectory: baseDirectory)
        return try reader.read(root)
    }

    private static func yamlErrorLine(_ error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return 1
        }
    }

    private static func yamlErrorProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        case .reader(let problem, _, _, _): return problem
        default: return "\(error)"
        }
    }
}

private struct ConfigReader {
    let file: String
    let baseDirectory: URL

    static let topKeys = ["sources"]
    static let sourceKeys = ["name", "url", "format", "enabled", "credentials", "scope", "csv", "region"]
    static let credentialKeys = ["username_env", "password_env", "bearer_token_env"]
    static let csvKeys = ["delimiter", "columns"]
    static let regionKeys = ["postal_codes", "places"]
    /// Keys that people write when they paste a secret.
    static let secretKeys = ["password", "passwort", "token", "bearer_token", "secret", "api_key", "apikey", "username", "user"]

    func line(_ node: Node?) -> Int { node?.mark?.line ?? 1 }

    func mapping(_ node: Node, _ key: String) throws -> Node.Mapping {
        guard let mapping = node.mapping else {
            throw SourceConfigError.invalidValue(
                file: file, line: line(node), key: key, value: node.string ?? "(list)", hint: "expected a mapping (key: value)")
        }
        return mapping
    }

    /// The mapping's entries as (key, key node, value), rejecting keys not in `allowed`.
    func entries(_ mapping: Node.Mapping, allowed: [String]) throws -> [String: (key: Node, value: Node)] {
        var result: [String: (key: Node, value: Node)] = [:]
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            guard allowed.contains(key) else {
                throw SourceConfigError.unknownKey(file: file, line: line(keyNode), key: key, allowed: allowed)
            }
            result[key] = (keyNode, value)
        }
        return result
    }

    func scalar(_ entry: (key: Node, value: Node), _ name: String) throws -> String {
        guard let text = entry.value.scalar?.string else {
            throw SourceConfigError.invalidValue(
                file: file, line: line(entry.key), key: name, value: "(\(entry.value.mapping != nil ? "mapping" : "list"))",
                hint: "expected a single value")
        }
        return text
    }

    func read(_ root: Node?) throws -> [SourceConfig] {
        guard let root else { return [] }
        let top = try entries(try mapping(root, "document"), allowed: Self.topKeys)
        guard let sourcesEntry = top["sources"] else {
            throw SourceConfigError.missingKey(file: file, line: 1, key: "sources", in: "the file")
        }
        if sourcesEntry.value.scalar?.string.isEmpty == true || sourcesEntry.value.tag.rawValue.hasSuffix("null") {
            return []
        }
        guard let list = sourcesEntry.value.sequence else {
            throw SourceConfigError.invalidValue(
                file: file, line: line(sourcesEntry.key), key: "sources", value: sourcesEntry.value.string ?? "(mapping)",
                hint: "expected a list of sources, each starting with '- name:'")
        }
        var configs: [SourceConfig] = []
        var firstLine: [String: Int] = [:]
        for item in list {
            let config = try readSource(item)
            if let first = firstLine[config.name] {
                throw SourceConfigError.duplicateName(file: file, line: config.line, name: config.name, firstLine: first)
            }
            firstLine[config.name] = config.line
            configs.append(config)
        }
        return configs
    }

    func readSource(_ node: Node) throws -> SourceConfig {
        let sourceLine = line(node)
        let fields = try entries(try mapping(node, "source"), allowed: Self.sourceKeys)
        func required(_ key: String) throws -> (key: Node, value: Node) {
            guard let entry = fields[key] else {
                throw SourceConfigError.missingKey(file: file, line: sourceLine, key: key, in: "a source")
            }
            return entry
        }

        let nameEntry = try required("name")
        let name = try scalar(nameEntry, "name")
        let nameOK = !name.isEmpty && name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
        guard nameOK else {
            throw SourceConfigError.invalidValue(
                file: file, line: line(nameEntry.value), key: "name", value: name,
                hint: "use letters, digits, '.', '_' and '-' only, e.g. wankendorfer-openimmo")
        }

        let formatEntry = try required("format")
        let formatText = try scalar(formatEntry, "format")
        guard let format = FeedFormat(rawValue: formatText.lowercased()) else {
            throw SourceConfigError.invalidValue(
                file: file, line: line(formatEntry.value), key: "format", value: formatText,
                hint: "use one of \(FeedFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }

        let urlEntry = try required("url")
        let location = try readLocation(try scalar(urlEntry, "url"), line: line(urlEntry.value))

        var enabled = true
        if let entry = fields["enabled"] {
            guard let flag = entry.value.bool else {
                throw SourceConfigError.invalidValue(
                    file: file, line: line(entry.value), key: "enabled", value: entry.value.string ?? "", hint: "use true or false")
            }
            enabled = flag
        }

        var scope = TransferScope.full
        if let entry = fields["scope"] {
            let text = try scalar(entry, "scope")
            guard format != .openimmo else {
                throw SourceConfigError.invalidValue(
                    file: file, line: line(entry.value), key: "scope", value: text,
                    hint: "an OpenImmo feed states its scope itself (uebertragung umfang VOLL/TEIL); remove 'scope'")
            }
            guard let value = TransferScope(rawValue: text) else {
                throw SourceConfigError.invalidValue(
                    file: file, line: line(entry.value), key: "scope", value: text,
                    hint: "use full (the feed is the whole stock) or partial (only changes)")
            }
            scope = value
        }

        var csv: CSVOptions?
        if let entry = fields["csv"] {
            guard format == .csv else {
                throw SourceConfigError.invalidValue(
                    file: file, line: line(entry.key), key: "csv", value: "csv options",
                    hint: "only a source with format: csv takes csv options")
            }
            csv = try readCSV(entry.value)
        }

        return SourceConfig(
            name: name, location: location, format: format, enabled: enabled,
            credentials: try fields["credentials"].map { try readCredentials($0.value, keyLine: line($0.key)) }, scope: scope, csv: csv,
            region: try fields["region"].map { try readRegion($0.value) }, line: sourceLine)
    }

    func readLocation(_ text: String, line: Int) throws -> SourceLocation {
        let lower = text.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            guard let url = URL(string: text), let host = url.host, !host.isEmpty else {
                throw SourceConfigError.invalidValue(
                    file: file, line: line, key: "url", value: text, hint: "give a full address like https://example.org/feed.xml")
            }
            return .http(url)
        }
        var path = text
        if lower.hasPrefix("file://") {
            path = String(text.dropFirst("file://".count))
        } else if text.contains("://") {
            throw SourceConfigError.invalidValue(
                file: file, line: line, key: "url", value: text, hint: "use an https://, http:// or file:// address")
        }
        guard !path.isEmpty else {
            throw SourceConfigError.invalidValue(file: file, line: line, key: "url", value: text, hint: "give a file path")
        }
        let url = path.hasPrefix("/")
            ? URL(fileURLWithPath: path)
            : baseDirectory.appendingPathComponent(path).standardizedFileURL
        return .file(url)
    }

    func readCredentials(_ node: Node, keyLine: Int) throws -> SourceCredentials {
        let map = try mapping(node, "credentials")
        for (keyNode, _) in map {
            let key = keyNode.string ?? ""
            if Self.secretKeys.contains(key.lowercased()) {
                throw SourceConfigError.secretInFile(file: file, line: line(keyNode), key: key)
            }
        }
        let fields = try entries(map, allowed: Self.credentialKeys)
        func envName(_ key: String) throws -> String? {
            guard let entry = fields[key] else { return nil }
            let value = try scalar(entry, key)
            // An environment variable name: capitals, digits and underscores, not starting with a digit.
            let isName = !value.isEmpty && value.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
                && !(value.first?.isNumber ?? true)
            guard isName else { throw SourceConfigError.secretInFile(file: file, line: line(entry.value), key: key) }
            return value
        }
        let user = try envName("username_env")
        let password = try envName("password_env")
        let token = try envName("bearer_token_env")
        switch (user, password, token) {
        case (let u?, let p?, nil): return .basic(usernameEnv: u, passwordEnv: p)
        case (nil, nil, let t?): return .bearer(tokenEnv: t)
        default:
            throw SourceConfigError.invalidValue(
                file: file, line: keyLine, key: "credentials", value: fields.keys.sorted().joined(separator: ", "),
                hint: "give both username_env and password_env, or only bearer_token_env")
        }
    }

    func readCSV(_ node: Node) throws -> CSVOptions {
        let fields = try entries(try mapping(node, "csv"), allowed: Self.csvKeys)
        var options = CSVOptions()
        if let entry = fields["delimiter"] {
            let text = try scalar(entry, "delimiter")
            switch text {
            case ";": options.delimiter = .semicolon
            case ",": options.delimiter = .comma
            case "\t", "tab": options.delimiter = .tab
            case "auto": options.delimiter = nil
            default:
                throw SourceConfigError.invalidValue(
                    file: file, line: line(entry.value), key: "delimiter", value: text, hint: "use \";\", \",\", tab or auto")
            }
        }
        if let entry = fields["columns"] {
            let map = try mapping(entry.value, "columns")
            for (keyNode, valueNode) in map {
                let key = keyNode.string ?? ""
                guard let field = FeedField(rawValue: key) else {
                    throw SourceConfigError.unknownKey(
                        file: file, line: line(keyNode), key: key, allowed: FeedField.allCases.map(\.rawValue))
                }
                guard let header = valueNode.scalar?.string, !header.isEmpty else {
                    throw SourceConfigError.invalidValue(
                        file: file, line: line(valueNode), key: "column for \(key)", value: "", hint: "give the feed's header text")
                }
                options.columns[field] = header
            }
        }
        return options
    }

    func readRegion(_ node: Node) throws -> RegionFilter {
        let fields = try entries(try mapping(node, "region"), allowed: Self.regionKeys)
        func list(_ key: String) throws -> [String] {
            guard let entry = fields[key] else { return [] }
            guard let items = entry.value.sequence else {
                throw SourceConfigError.invalidValue(
                    file: file, line: line(entry.value), key: key, value: entry.value.string ?? "", hint: "expected a list like [\"24306\", \"242*\"]")
            }
            return try items.map { item in
                guard let text = item.scalar?.string, !text.isEmpty else {
                    throw SourceConfigError.invalidValue(file: file, line: line(item), key: key, value: "", hint: "expected text")
                }
                return text
            }
        }
        let codes = try list("postal_codes")
        for code in codes {
            let digits = code.hasSuffix("*") ? String(code.dropLast()) : code
            let ok = digits.allSatisfy { $0.isASCII && $0.isNumber } && (code.hasSuffix("*") ? digits.count < 5 : digits.count == 5)
            guard ok else {
                throw SourceConfigError.invalidValue(
                    file: file, line: line(fields["postal_codes"]?.value), key: "postal code", value: code,
                    hint: "give five digits (24306) or a prefix with * (243*)")
            }
        }
        return RegionFilter(postalCodes: codes, places: try list("places"))
    }
}
