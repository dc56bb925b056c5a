import Foundation
import Testing

/// The quick start's main job and the review workflow, through the built binary.
@Suite struct MatchCLITests {
    /// A demo database with the sample feeds imported and one matching run, as of 2026-03-01.
    func demo() throws -> CLIRunner {
        var cli = try CLIRunner(environment: ["WOHNLOTSE_TODAY": "2026-03-01"])
        try cli.installProjectData(imports: true)
        let out = try cli.ok(["demo"])
        #expect(out.stdout.contains("Matching run 1: 12 households × 44 listings"), "\(out.stdout)")
        #expect(out.stdout.contains("ASSIGNED by the global assignment"))
        #expect(out.stdout.contains("Cost (KdU): APPROPRIATE"))
        cli.environment["WOHNLOTSE_USER"] = "mkoch"
        return cli
    }

    func assignedSuggestion(_ cli: CLIRunner, household: String) throws -> Int {
        let json = try cli.ok(["match", "list", "--household", household, "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let assigned = try #require(list.first { $0["assigned"] as? Bool == true })
        return try #require(assigned["id"] as? Int)
    }

    @Test func reviewWorkflowFromSuggestionToMovedIn() throws {
        var cli = try demo()
        let id = try assignedSuggestion(cli, household: "PLÖ-2026-003")
        let explain = try cli.ok(["match", "explain", String(id)])
        #expect(explain.stdout.contains("Checks:"))
        #expect(explain.stdout.hasPrefix("Suggestion \(id) of run 1: PLÖ-2026-003"), "names the run it came from")
        #expect(explain.stdout.contains("✓ cost"))
        #expect(explain.stdout.contains("commute"))
        #expect(explain.stdout.contains("weights: 2026-11 initial (Rules/matching.yaml)"))

        // A coach cannot decide for the job centre, and steps cannot be skipped.
        let early = try cli.run(["match", "approve", String(id)])
        #expect(early.status == 1)
        #expect(early.stderr.contains("mkoch (coach) may not mark a suggestion approved: this needs a job-centre user"))
        let skip = try cli.run(["match", "move", String(id), "submit"])
        #expect(skip.status == 1)
        #expect(skip.stderr.contains(
            "invalid step 'submit': suggestion \(id) is suggested; its next step: 'wohnlotse match move \(id) present', or 'wohnlotse match move \(id) decline-household'"),
            "\(skip.stderr)")

        try cli.ok(["match", "move", String(id), "present"])
        // Not yet submitted: invisible to the job centre.
        let hidden = try cli.run(["match", "explain", String(id), "--as", "jc-preetz"])
        #expect(hidden.status == 1)
        // In the same words as an id that does not exist: ids do not tell the job centre what exists.
        let none = try cli.run(["match", "explain", "99999", "--as", "jc-preetz"])
        #expect(none.status == 1 && hidden.stderr.replacingOccurrences(of: "'\(id)'", with: "'99999'") == none.stderr, "\(hidden.stderr) / \(none.stderr)")
        try cli.ok(["match", "move", String(id), "submit"])

        let queue = try cli.ok(["match", "review", "--as", "jc-preetz"])
        #expect(queue.stdout.contains("APPROPRIATE"))
        #expect(queue.stdout.contains("PLÖ-2026-003"))
        let jcView = try cli.ok(["match", "explain", String(id), "--as", "jc-preetz"])
        for name in ["Reza", "Maryam", "Sara", "Ahmadi", "Unterlagen"] {
            #expect(!queue.stdout.contains(name) && !jcView.stdout.contains(name), "the job centre must not see \(name)")
        }
        let noRun = try cli.run(["match", "list", "--run", "99"])
        #expect(noRun.status == 1 && noRun.stderr.contains("unknown run '99': 'wohnlotse match runs' lists the runs"), "\(noRun.stderr)")
        let noReason = try cli.run(["match", "reject", String(id), "--as", "jc-preetz", "--text", "x"])
        #expect(noReason.status == 64)
        // A refusal says why; a Zusicherung is dated the day it is granted, not ahead.
        cli.environment["WOHNLOTSE_TODAY"] = "2026-03-10"  // the clerk decides a few days later
        let noText = try cli.run(["match", "reject", String(id), "--as", "jc-preetz", "--reason", "over-limit", "--text", "  "])
        #expect(noText.status == 1 && noText.stderr.contains("say why the Zusicherung is refused"), "\(noText.stderr)")
        let ahead = try cli.run(["match", "approve", String(id), "--as", "jc-preetz", "--date", "2026-03-11"])
        #expect(ahead.status == 1 && ahead.stderr.contains("that is after today (2026-03-10)"), "\(ahead.stderr)")
        try cli.ok(["match", "approve", String(id), "--as", "jc-preetz", "--date", "2026-03-02"])
        let again = try cli.run(["match", "approve", String(id), "--as", "jc-preetz"])
        #expect(again.status == 1)
        // A second flat of the same household in review: the queue says a Zusicherung is in force.
        let json = try cli.ok(["match", "list", "--household", "PLÖ-2026-003", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let second = try #require(list.first { $0["id"] as? Int != id }?["id"] as? Int)
        try cli.ok(["match", "move", String(second), "present"])
        try cli.ok(["match", "move", String(second), "submit"])
        let queueAgain = try cli.ok(["match", "review", "--as", "jc-preetz"])
        #expect(queueAgain.stdout.contains("Note: PLÖ-2026-003 (suggestion \(second)) already holds a Zusicherung: suggestion \(id) ("), "\(queueAgain.stdout)")
        #expect(queueAgain.stdout.contains("granted 2026-03-02, now approved)"))

        for step in ["apply", "viewing", "contract", "moved-in"] {
            try cli.ok(["match", "move", String(id), step, "--date", "2026-03-05"])
        }
        let final = try cli.ok(["match", "explain", String(id)])
        #expect(final.stdout.contains("state moved-in"))
        #expect(final.stdout.contains("2026-03-02  submitted → approved  by jc-preetz"))
        let audit = try cli.ok(["audit", "--as", "demo", "--household", "PLÖ-2026-003"])
        #expect(audit.stdout.contains("review"))
    }

    @Test func aNewRunKeepsSuggestionsInReviewAndWithdrawsTheRest() throws {
        let cli = try demo()
        let id = try assignedSuggestion(cli, household: "PLÖ-2026-001")
        try cli.ok(["match", "move", String(id), "present"])
        let before = try cli.ok(["match", "list", "--household", "PLÖ-2026-001", "--all", "--json"]).stdout
        try cli.ok(["match", "run", "--as", "demo"])
        let after = try cli.ok(["match", "list", "--household", "PLÖ-2026-001", "--all", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [[String: Any]])
        let kept = try #require(list.first { $0["id"] as? Int == id })
        #expect(kept["state"] as? String == "presented")
        #expect(list.filter { $0["run"] as? Int == 1 && $0["state"] as? String == "withdrawn" }.count >= 1, "\(before)")
        // The presented pair is not suggested a second time.
        let listing = try #require(kept["listing"] as? Int)
        #expect(list.filter { $0["listing"] as? Int == listing && $0["state"] as? String != "withdrawn" }.count == 1)
    }

    @Test func whyExplainsARefusedPair() throws {
        let cli = try demo()
        // PLÖ-2026-010 needs step-free access, a WBS for 2 rooms and a flat in reach of dialysis in Preetz.
        let listings = try cli.ok(["listing", "list", "--json"])
        let all = try #require(try JSONSerialization.jsonObject(with: Data(listings.stdout.utf8)) as? [[String: Any]])
        let expensive = try #require(all.first { ($0["netColdRent"] as? String).flatMap(Double.init) ?? 0 > 600 })
        let why = try cli.run(["match", "why", "--household", "PLÖ-2026-010", "--listing", String(try #require(expensive["id"] as? Int)), "--as", "tberg"])
        #expect(why.status == 0)
        #expect(why.stdout.hasPrefix("NOT SUITABLE — "))
        #expect(why.stdout.contains("✗ cost"))
    }
}
