import Foundation
import GRDB
import HousingDomain

/// A database value as JSON: what `privacy export` writes for each column.
public enum ExportValue: Codable, Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// A blob, base64-encoded.
    case blob(String)

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let i): self = .integer(i)
        case .double(let d): self = .real(d)
        case .string(let s): self = .text(s)
        case .blob(let data): self = .blob(data.base64EncodedString())
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let i = try? container.decode(Int64.self) {
            self = .integer(i)
        } else if let d = try? container.decode(Double.self) {
            self = .real(d)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let i): try container.encode(i)
        case .real(let d): try container.encode(d)
        case .text(let s), .blob(let s): try container.encode(s)
        }
    }
}

/// One row as column name → value.
public typealias ExportRow = [String: ExportValue]

/// Everything Wohnlotse stores about one household, as one document (GDPR art. 15 and 20).
public struct PrivacyExport: Codable, Sendable {
    /// `wohnlotse-privacy-export/1`
    public var format: String
    /// ISO 8601 instant, UTC.
    public var exportedAt: String
    public var exportedBy: String
    /// The household's own row, as stored.
    public var household: ExportRow
    /// The coach in charge and the coaches the case is shared with (login names).
    public var coaches: CaseTeam
    /// Per table, the rows about the household (see `PrivacyExport.tables`); tables that do not exist
    /// in this database are left out.
    public var tables: [String: [ExportRow]]
    /// Renting-course certificates derived from the attendance, per member and course.
    public var certificates: [Certificate]

    public struct Certificate: Codable, Sendable {
        public var memberID: Member.ID
        public var courseID: Course.ID
        public var course: String
        public var state: CertificateState
    }

    /// A table exported for a household: a query with one `?` for the household's id.
    public struct Table: Sendable {
        public var name: String
        public var sql: String
        public init(_ name: String, _ sql: String) {
            self.name = name
            self.sql = sql
        }
    }

    /// The tables that hold data about a household. Adding a table is one line here; a table that
    /// does not exist in the database (e.g. an older schema) is skipped.
    ///
    /// Landlords and their contact log are not about the household and are not exported.
    public static let tables: [Table] = [
        Table("member", "SELECT * FROM member WHERE householdId = ? ORDER BY id"),
        Table("anchor", "SELECT * FROM anchor WHERE householdId = ? ORDER BY id"),
        Table("stageChange", "SELECT * FROM stageChange WHERE householdId = ? ORDER BY id"),
        Table("visit", "SELECT * FROM visit WHERE householdId = ? ORDER BY date, id"),
        Table(
            "attendance",
            """
            SELECT a.memberId, a.courseSessionId, a.status, s.courseId, c.title AS courseTitle, s.date AS sessionDate,
                   s.startTime, s.place, s.language, s.modules
            FROM attendance a JOIN member m ON m.id = a.memberId
            JOIN courseSession s ON s.id = a.courseSessionId JOIN course c ON c.id = s.courseId
            WHERE m.householdId = ? ORDER BY s.date, s.startTime, a.memberId
            """),
        Table("householdCoach", "SELECT * FROM householdCoach WHERE householdId = ? ORDER BY coachId"),
        Table("suggestion", "SELECT * FROM suggestion WHERE householdId = ? ORDER BY id"),
        Table(
            "suggestionEvent",
            "SELECT e.* FROM suggestionEvent e JOIN suggestion s ON s.id = e.suggestionId WHERE s.householdId = ? ORDER BY e.id"),
        Table("auditLog", "SELECT * FROM auditLog WHERE householdId = ? ORDER BY id"),
    ]
}

extension AppDatabase {
    /// Everything stored about one household (admins, or the household's coaches). The export is
    /// audited like any read of the household.
    ///
    /// A suggestion keeps its explanation as figures that its run's shared terms turn into text;
    /// `explain` (stored figures, the run's terms) writes the whole explanation for the export, so the
    /// document is readable on its own and carries nothing of other households' suggestions.
    public func privacyExport(_ key: String, explain: ((_ stored: String, _ terms: String?) throws -> String)? = nil, by actor: Actor) throws -> PrivacyExport {
        try write { db in
            let household = try household(key, db)
            guard let id = household.id else { throw StoreError.refused("household without id") }
            try require(actor, .exportHousehold(id), action: "export this household's data", for: household, db)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM household WHERE id = ?", arguments: [id]) else {
                throw StoreError.refused("household \(id) vanished")
            }
            var tables: [String: [ExportRow]] = [:]
            for table in PrivacyExport.tables where try db.tableExists(table.name) {
                tables[table.name] = try Row.fetchAll(db, sql: table.sql, arguments: [id]).map(Self.exportRow)
            }
            if let explain, let suggestions = tables["suggestion"] {
                var terms = RunTerms()
                tables["suggestion"] = try suggestions.map { row in
                    guard case .integer(let run) = row["matchRunId"], case .text(let stored) = row["explanation"] else { return row }
                    var row = row
                    row["explanation"] = .text(try explain(stored, try terms.of(run, db)))
                    return row
                }
            }
            let export = PrivacyExport(
                format: "wohnlotse-privacy-export/1", exportedAt: Date().formatted(.iso8601), exportedBy: actor.name,
                household: Self.exportRow(row), coaches: try team(of: household, db), tables: tables,
                certificates: try certificates(of: id, db))
            try Audit.record(db, actor: actor, action: "export", entity: "household", entityID: id.rawValue, householdID: id,
                detail: "tables: \(tables.keys.sorted().joined(separator: ", "))")
            return export
        }
    }

    static func exportRow(_ row: Row) -> ExportRow {
        var result: ExportRow = [:]
        for (column, value) in row { result[column] = ExportValue(value) }
        return result
    }

    /// Each member's certificate state in each course they attended.
    private func certificates(of household: Household.ID, _ db: Database) throws -> [PrivacyExport.Certificate] {
        let members = try Member.filter(Column("householdId") == household).order(Column("id")).fetchAll(db).compactMap(\.id)
        guard !members.isEmpty else { return [] }
        let attendance = try Attendance.filter(members.map(\.rawValue).contains(Column("memberId"))).fetchAll(db)
        let sessions = try CourseSession.filter(Set(attendance.map(\.sessionID.rawValue)).contains(Column("id"))).fetchAll(db)
        let courseOfSession = Dictionary(uniqueKeysWithValues: sessions.compactMap { s in s.id.map { ($0, s.courseID) } })
        var result: [PrivacyExport.Certificate] = []
        for courseID in Set(sessions.map(\.courseID)).sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let course = try Course.fetchOne(db, key: courseID.rawValue) else { continue }
            let courseSessions = try CourseSession.filter(Column("courseId") == courseID).fetchAll(db)
            for member in members {
                let entries = attendance.filter { $0.memberID == member && courseOfSession[$0.sessionID] == courseID }
                guard !entries.isEmpty else { continue }
                result.append(.init(
                    memberID: member, courseID: courseID, course: course.title,
                    state: CertificateState.derive(course: course, sessions: courseSessions, attendance: entries)))
            }
        }
        return result
    }
}
