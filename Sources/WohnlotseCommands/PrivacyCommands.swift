import ArgumentParser
import Foundation
import HousingDomain
import HousingStore
import Matching
import RuleBook

// MARK: - Case sharing

extension HouseholdCommand {
    struct Share: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Share a case with a further coach, who then reads and writes it like their own (admins only).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference code or id.") var household: String
        @Option(help: "Login name of the coach to share the case with.") var coach: String

        func run() throws {
            let (db, actor) = try global.session("household share")
            let team = try db.shareHousehold(household, withCoach: coach, today: global.today, by: actor)
            try global.emit(team) { print("Shared \(household) with \(coach); its coaches: \(CaseTeamText.render(team)).") }
        }
    }

    struct Unshare: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a shared case back from a coach (admins only).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference code or id.") var household: String
        @Option(help: "Login name of the coach who no longer works on the case.") var coach: String

        func run() throws {
            let (db, actor) = try global.session("household unshare")
            let team = try db.unshareHousehold(household, fromCoach: coach, by: actor)
            try global.emit(team) { print("\(coach) no longer works on \(household); its coaches: \(CaseTeamText.render(team)).") }
        }
    }
}

enum CaseTeamText {
    static func render(_ team: CaseTeam) -> String {
        let lead = team.coach.map { "\($0) (in charge)" } ?? "no coach in charge"
        return ([lead] + team.sharedWith).joined(separator: ", ")
    }
}

// MARK: - Data-subject rights and retention

struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Data-subject rights and retention: export or erase a household's data, apply the retention policy.",
        discussion: "See README, 'Privacy and operations', for answering an access or erasure request step by step.",
        subcommands: [Export.self, Erase.self, Sweep.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write everything stored about a household as one JSON document (GDPR art. 15 and 20).",
            discussion: """
                Members, anchors, stage history, visits with notes, course attendance and certificates, the \
                coaches and every audit entry about the household; nothing about other households or landlords. \
                The household's coach or an admin may export it; the export is audited.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference code or id.") var household: String
        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (mode 600) instead of standard output.", valueName: "path"))
        var output: String?

        func run() throws {
            if let output, FileManager.default.fileExists(atPath: output) {
                throw CommandFailure(description: "\(output) exists already: choose a new file name, or remove the old export first")
            }
            let (db, actor) = try global.session("privacy export")
            let export = try db.privacyExport(household, explain: { stored, terms in
                try Output.json(MatchExplanation(stored: stored, terms: terms))
            }, by: actor)
            let json = try Output.json(export)
            guard let output else {
                print(json)
                return
            }
            guard FileManager.default.createFile(atPath: output, contents: Data((json + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CommandFailure(description: "cannot write \(output): check that its folder exists and that you may write there")
            }
            let rows = export.tables.values.map(\.count).reduce(0, +)
            FileHandle.standardError.write(Data("Wrote the data of \(household) to \(output) (\(rows) rows in \(export.tables.count) tables; readable by you only). Hand it over securely, e.g. encrypted.\n".utf8))
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a household's personal data and keep only anonymous counts for reporting (GDPR art. 17; admins only).",
            discussion: """
                Deletes members, anchors, visits, course attendance and stage notes, empties the household down to \
                ERASED-<id> with its size, benefit type, stage, coach and dates, closes an open case, and rebuilds \
                the database file so no deleted text remains in it. Audit entries stay; they hold no names or notes. \
                Example: wohnlotse privacy erase PLÖ-2026-014 --confirm PLÖ-2026-014
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference code or id.") var household: String
        @Option(help: ArgumentHelp("Repeat the household's reference code to confirm the erasure.", valueName: "reference"))
        var confirm: String

        func run() throws {
            let (db, actor) = try global.session("privacy erase")
            let (report, scrub) = try db.eraseHousehold(household, confirmation: confirm, today: global.today, by: actor)
            struct ErasureOutput: Encodable {
                var erasure: ErasureReport
                var file: FileScrub
            }
            try global.emit(ErasureOutput(erasure: report, file: scrub)) {
                print("Erased the personal data of \(household); the case is now \(report.kept.reference).")
                print(ErasureText.removed(report.removed))
                print(ErasureText.kept(report))
                print(ErasureText.scrub(scrub))
                print("Backups made before today still hold the data until your backup rotation deletes them (README, 'Privacy and operations').")
            }
        }
    }

    struct Sweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the retention policy in Rules/retention.yaml; a dry run unless --apply (admins only; for cron).",
            discussion: """
                Anonymises closed cases, clears old visit notes and prunes old import diagnostics as the policy says. \
                Without --apply it only lists what is due and changes nothing. \
                Cron: 30 2 * * * wohnlotse privacy sweep --apply --as retention
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Do it; without this flag the sweep only reports what is due.") var apply = false

        func run() throws {
            let rulesDirectory = RulesDirectory.resolve(option: global.rules)
            let policy: RetentionPolicy
            do {
                policy = try RetentionPolicy.load(directory: rulesDirectory)
            } catch {
                throw CommandFailure(description: error.description)
            }
            let today = global.today
            let c = policy.cutoffs(today: today)
            let cutoffs = RetentionCutoffs(casesClosedOnOrBefore: c.closedCases, visitNotesOnOrBefore: c.visitNotes, importRunsOnOrBefore: c.importRuns)
            let (db, actor) = try global.session("privacy sweep")
            let report = try db.retentionSweep(cutoffs, today: today, apply: apply, by: actor)
            try global.emit(report) { print(SweepText.render(report, policy: policy, today: today)) }
        }
    }
}

enum ErasureText {
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    static func removed(_ r: ErasureReport.Removed) -> String {
        var parts = [
            count(r.members, "member"), count(r.anchors, "anchor"), count(r.visits, "visit") + " (\(count(r.visitNotes, "note")))",
            count(r.attendanceEntries, "attendance entry", "attendance entries"), count(r.stageNotes, "stage-change note"),
        ]
        if r.sharedWithCoaches > 0 { parts.append(count(r.sharedWithCoaches, "sharing with a coach", "sharings with coaches")) }
        parts += r.otherRows.sorted { $0.key < $1.key }.map { count($0.value, "row") + " of \($0.key)" }
        let fields = r.householdFields.isEmpty ? "" : "; household fields emptied: \(r.householdFields.joined(separator: ", "))"
        return "Removed: \(parts.joined(separator: ", "))\(fields)."
    }

    static func kept(_ report: ErasureReport) -> String {
        let k = report.kept
        let stage = report.closedFrom.map { "closed (closed by the erasure; it was \($0.rawValue))" } ?? k.stage.rawValue
        return """
            Kept for reporting: \(k.reference), \(count(k.size, "person")), benefit \(k.benefitType.rawValue), stage \(stage), \
            opened \(k.openedOn.iso), closed \(k.closedOn?.iso ?? "-"), coach \(k.coach ?? "-"), \
            \(count(k.stageChanges, "stage change")) (dates and actors, no notes), \
            \(count(k.auditRows, "audit row")) (actor, time, command and ids; no names or notes).
            """
    }

    static func scrub(_ s: FileScrub) -> String {
        if s.walTruncated {
            return "The database file was rebuilt (secure_delete, VACUUM) and its write-ahead log emptied: no deleted text remains in it."
        }
        return "The database file was rebuilt (secure_delete, VACUUM), but another program holds it open, so its write-ahead log "
            + "still holds old pages: run 'wohnlotse privacy sweep --apply' again once the others have finished (or stop them first)."
    }
}

enum SweepText {
    static func render(_ r: SweepReport, policy: RetentionPolicy, today: CalendarDate) -> String {
        let c = r.cutoffs
        var out = "Retention sweep on \(today.iso)\(r.applied ? "" : " (dry run)"): closed cases after \(policy.closedCaseMonths) months, "
            + "visit notes after \(policy.visitNoteMonths) months, import diagnostics after \(policy.importDiagnosticsDays) days.\n"
        let verb = r.applied ? "Anonymised" : "Would anonymise"
        out += "\(verb) \(ErasureText.count(r.cases.count, "closed case")) (closed on or before \(c.casesClosedOnOrBefore.iso))"
        if r.cases.isEmpty {
            out += ".\n"
        } else {
            out += ":\n" + Output.table(["id", "closed on", r.applied ? "now" : ""], r.cases.map { due in
                [due.householdID.description, due.closedOn.iso, r.applied ? "ERASED-\(due.householdID)" : ""]
            }) + "\n"
        }
        out += "\(r.applied ? "Cleared" : "Would clear") \(ErasureText.count(r.visitNotes, "visit note")) (visits on or before \(c.visitNotesOnOrBefore.iso))"
        out += r.visitNotesByHousehold.isEmpty ? ".\n" : " in cases \(r.visitNotesByHousehold.map { "\($0.householdID) (\($0.notes))" }.joined(separator: ", ")).\n"
        out += "\(r.applied ? "Pruned" : "Would prune") the diagnostics of \(ErasureText.count(r.importRunDiagnostics, "import run")) (finished on or before \(c.importRunsOnOrBefore.iso)).\n"
        if !r.applied {
            out += r.isEmpty ? "Nothing is due." : "Nothing was changed: run with --apply to do it."
        } else if let scrub = r.scrub {
            out += ErasureText.scrub(scrub)
        } else {
            out += "Nothing was due."
        }
        return out
    }
}

// MARK: - Backup and restore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to PATH while others keep using it (admins only).",
        discussion: """
            Uses SQLite's online backup API: the copy is one consistent snapshot even while the importer or coaches \
            write, is checked with integrity_check, gets mode 600 and never overwrites a file. \
            Cron: 15 2 * * * wohnlotse backup /srv/backup/wohnlotse-$(date +\\%F).sqlite --as backup
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Where to write the copy; must not exist.") var path: String

    func run() throws {
        let (db, actor) = try global.session("backup")
        let report = try db.backup(to: path, by: actor)
        try global.emit(report) {
            print("Backed up \(db.path) to \(report.path) (\(report.bytes / 1024) KiB, schema \(report.migrations.last ?? "-"), integrity ok).")
            print("Audit log: \(report.auditRows) rows, last row \(report.auditHeadID.map(String.init) ?? "-") with hash \(report.auditHeadHash)"
                + (report.auditIntact ? "; the chain verifies." : "; WARNING: the chain does not verify: run 'wohnlotse audit verify'."))
        }
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Check a backup and, with --confirm, put it in place of the database (an admin of the backup).",
        discussion: """
            Checks first: SQLite can read the file, integrity_check passes, it is a Wohnlotse database, its schema \
            is not newer than this wohnlotse, and its audit chain verifies. Only then is the database replaced, \
            atomically; the old file is kept as <db>.before-restore. --as names an admin among the BACKUP's users, \
            so a restore works when the current database is damaged. Stop cron jobs and users first.
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup file made by 'wohnlotse backup'.") var path: String
    @Flag(help: "Replace the database; without it the backup is only checked.") var confirm = false

    func run() throws {
        let livePath = global.databasePath
        guard confirm else {
            let check = try AppDatabase.checkBackup(at: path)
            try global.emit(check) {
                print(RestoreText.check(check))
                print("Nothing was changed. To replace \(livePath) with it, run again with --confirm.")
            }
            return
        }
        let report = try AppDatabase.restore(
            from: path, to: livePath, actorName: global.actingUser ?? global.environment["WOHNLOTSE_USER"])
        try global.emit(report) {
            print(RestoreText.check(report.check))
            print("Restored \(livePath) from \(path)" + (report.keptPreviousAt.map { "; the previous file is kept as \($0)" } ?? "") + ".")
            if !report.migrated.isEmpty { print("Brought the schema up to date: \(report.migrated.joined(separator: ", ")).") }
        }
        if let warning = DatabaseFile.exposureWarning(path: livePath) {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
        }
    }
}

enum RestoreText {
    static func check(_ c: BackupCheck) -> String {
        "Backup \(c.path) is sound: integrity ok, schema \(c.migrations.last ?? "-"), \(ErasureText.count(c.users, "user")), "
            + "\(ErasureText.count(c.households, "case")), \(ErasureText.count(c.auditRows, "audit row"))"
            + (c.auditChainChecked ? " (chain verified)." : " (written before the audit chain existed).")
    }
}
