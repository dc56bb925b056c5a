import HousingDomain
import Testing

@Suite struct MoneyTests {
    @Test(arguments: [
        ("540", 54000), ("540.5", 54050), ("540,50", 54050), ("540.50 €", 54050), ("1.234,56", 123456),
        ("1,234.56", 123456), ("0,01", 1), ("-12.30", -1230), ("  75 EUR", 7500), ("1.234", 123400), ("3.000.000", 300000000),
    ] as [(String, Int64)])
    func parsesEuroAmounts(text: String, cents: Int64) {
        #expect(Money(parsing: text)?.cents == cents)
    }

    @Test(arguments: ["", "abc", "5.123,4.5", "12a", "€", "1..2", "--5", "1,2,3"])
    func rejectsWhatIsNotAnAmount(text: String) {
        #expect(Money(parsing: text) == nil)
    }

    @Test func printsTwoDecimals() {
        #expect(Money(cents: 54005).description == "540.05 €")
        #expect(Money(cents: -5).decimalString == "-0.05")
        #expect(Money(euros: 430).decimalString == "430.00")
    }

    @Test func scalesWithHalfAwayFromZeroRounding() {
        // 860 € × 105/95 = 950.526… → 950.53 €
        #expect(Money(euros: 860).scaled(by: 105, over: 95).cents == 95053)
        #expect(Money(cents: 5).scaled(by: 1, over: 2).cents == 3)
        #expect(Money(cents: -5).scaled(by: 1, over: 2).cents == -3)
    }
}

@Suite struct CalendarDateTests {
    @Test(arguments: ["2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29", "26-01-01", "2026-1-01", "2026/01/01", "", "2026-01-01T00:00"])
    func rejectsDaysThatDoNotExist(text: String) {
        #expect(CalendarDate(iso: text) == nil)
    }

    @Test(arguments: ["2024-02-29", "2026-12-31", "2000-02-29", "1970-01-01"])
    func roundTripsRealDays(text: String) throws {
        let date = try #require(CalendarDate(iso: text))
        #expect(date.iso == text)
        #expect(CalendarDate(dayNumber: date.dayNumber) == date)
    }

    @Test func acceptsGermanForm() {
        #expect(CalendarDate(flexible: "1.3.2026") == CalendarDate(iso: "2026-03-01"))
        #expect(CalendarDate(flexible: "31.02.2026") == nil)
    }

    @Test func countsDaysAndMonths() throws {
        let a = try #require(CalendarDate(iso: "2026-01-31"))
        #expect(a.adding(days: 29).iso == "2026-03-01")
        #expect(a.adding(months: 1).iso == "2026-02-28")
        #expect(a.days(until: try #require(CalendarDate(iso: "2027-01-31"))) == 365)
        #expect(CalendarDate(iso: "1970-01-01")?.dayNumber == 0)
    }

    @Test(arguments: [
        ("1988-04-02", "2026-03-01", 37), ("1988-04-02", "2026-04-02", 38), ("2008-02-29", "2026-02-28", 17),
        ("2008-02-29", "2026-03-01", 18),
    ] as [(String, String, Int)])
    func computesCompletedYears(born: String, on: String, age: Int) throws {
        let b = try #require(CalendarDate(iso: born))
        let d = try #require(CalendarDate(iso: on))
        #expect(b.age(on: d) == age)
    }
}

@Suite struct StageTests {
    static let allowed: Set<String> = [
        "intake>coaching", "intake>closed", "coaching>searching", "coaching>closed", "searching>viewing", "searching>coaching",
        "searching>closed", "viewing>contract", "viewing>searching", "viewing>closed", "contract>moved-in", "contract>searching",
        "contract>closed", "moved-in>aftercare", "moved-in>closed", "aftercare>closed", "closed>intake",
    ]

    /// Every pair of stages: exactly the listed moves are allowed, every other one refused.
    @Test(arguments: Stage.allCases)
    func allowsExactlyTheWorkflowMoves(from: Stage) {
        for to in Stage.allCases {
            #expect(from.canMove(to: to) == Self.allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) -> \(to)")
        }
    }

    @Test func refusalNamesTheAllowedStages() {
        let message = DomainError.stageTransition(from: .coaching, to: .contract).description
        #expect(message == "cannot move a case from coaching to contract: from coaching it can go to searching, closed")
    }
}

@Suite struct ValidationTests {
    let today = CalendarDate(iso: "2026-03-01")!

    @Test func memberBornInTheFutureIsRefused() {
        let member = Member(householdID: 1, givenName: "A", familyName: "B", birthDate: CalendarDate(iso: "2026-03-02")!, role: .child)
        #expect(throws: DomainError.self) { try member.validate(today: today) }
        let newborn = Member(householdID: 1, givenName: "A", familyName: "B", birthDate: today, role: .child)
        #expect(throws: Never.self) { try newborn.validate(today: today) }
    }

    @Test func residenceObligationPermitsByLevel() {
        let plön = MunicipalityKey("01057057")!
        let kiel = MunicipalityKey("01002000")!
        #expect(ResidenceObligation.district("01057").permits(plön))
        #expect(!ResidenceObligation.district("01057").permits(kiel))
        #expect(ResidenceObligation.state("01").permits(kiel))
        #expect(!ResidenceObligation.municipality(plön).permits(kiel))
        #expect(ResidenceObligation(code: "district:01057") == .district("01057"))
        #expect(ResidenceObligation(code: "district:1057") == nil)
    }

    @Test(arguments: [(0.5, false), (1, true), (2.5, true), (2.3, false), (21, false)] as [(Double, Bool)])
    func listingRoomsMustBeWholeOrHalf(rooms: Double, valid: Bool) {
        let listing = Listing(source: "manual", externalID: "M-1", address: Address(), rooms: rooms, livingArea: 50,
            netColdRent: Money(euros: 400), operatingCosts: Money(euros: 80), firstSeen: today, lastSeen: today)
        let passes = (try? listing.validate()) != nil
        #expect(passes == valid)
    }

    /// Spaces, tabs and other Unicode spaces around a value are ignored; newlines are not.
    @Test(arguments: [
        ("24306", "24306"), (" 24306", "24306"), ("24306\t", "24306"), ("\u{00A0}24306\u{2009}", "24306"), ("\n24306", nil),
        ("2430", nil), ("24306 ", "24306"), ("2430x", nil), ("", nil),
    ] as [(String, String?)])
    func postalCodeIgnoresSurroundingSpaces(text: String, expected: String?) {
        #expect(PostalCode(text)?.rawValue == expected)
    }

    @Test(arguments: [("s", "1", true), (" ", "1", false), ("s", "\t", false), ("s", "\u{3000}", false), ("s", "\n", true)])
    func listingNeedsASourceAndAnID(source: String, id: String, valid: Bool) {
        let listing = Listing(source: source, externalID: id, address: Address(), rooms: 2, livingArea: 50,
            netColdRent: Money(euros: 400), operatingCosts: Money(euros: 80), firstSeen: today, lastSeen: today)
        #expect(((try? listing.validate()) != nil) == valid)
    }

    @Test func listingGrossColdRentAddsOperatingCosts() {
        let listing = Listing(source: "s", externalID: "1", address: Address(), rooms: 2, livingArea: 50,
            netColdRent: Money(cents: 41050), operatingCosts: Money(cents: 9025), firstSeen: today, lastSeen: today)
        #expect(listing.grossColdRent == Money(cents: 50075))
    }

    @Test func distanceIsGreatCircle() {
        // Plön to Preetz, GeoNames points: 12.36 km by haversine (checked with Python).
        let plön = Coordinate(latitude: 54.1624, longitude: 10.4213)!
        let preetz = Coordinate(latitude: 54.2354, longitude: 10.278)!
        #expect(abs(plön.distanceKilometres(to: preetz) - 12.360) < 0.01)
    }
}

@Suite struct CertificateTests {
    @Test func earnedWhenEveryRequiredModuleWasAttended() {
        let course = Course(id: 1, title: "W", requiredModules: [.lease, .heatingAndAiring, .wasteSeparation])
        let d = { (s: String) in CalendarDate(iso: s)! }
        let sessions = [
            CourseSession(id: 1, courseID: 1, date: d("2026-03-01"), startTime: "10:00", place: "P", trainer: "T", language: "de", capacity: 10, modules: [.lease]),
            CourseSession(id: 2, courseID: 1, date: d("2026-03-08"), startTime: "10:00", place: "P", trainer: "T", language: "de", capacity: 10, modules: [.heatingAndAiring, .wasteSeparation]),
            CourseSession(id: 3, courseID: 1, date: d("2026-03-15"), startTime: "10:00", place: "P", trainer: "T", language: "de", capacity: 10, modules: [.wasteSeparation]),
        ]
        let partial = CertificateState.derive(course: course, sessions: sessions, attendance: [
            Attendance(sessionID: 1, memberID: 7, status: .present), Attendance(sessionID: 2, memberID: 7, status: .excused),
        ])
        #expect(!partial.isEarned)
        #expect(partial.missingModules == [.heatingAndAiring, .wasteSeparation])

        let full = CertificateState.derive(course: course, sessions: sessions, attendance: [
            Attendance(sessionID: 1, memberID: 7, status: .present), Attendance(sessionID: 2, memberID: 7, status: .present),
            Attendance(sessionID: 3, memberID: 7, status: .present),
        ])
        #expect(full.earnedOn == d("2026-03-08"))
    }
}

@Suite struct SuggestionStateTests {
    static let allowed: Set<String> = [
        "suggested>presented", "suggested>declined-by-household", "suggested>withdrawn",
        "presented>submitted", "presented>declined-by-household", "presented>declined-by-landlord",
        "submitted>approved", "submitted>rejected", "submitted>declined-by-household", "submitted>declined-by-landlord",
        "approved>applied", "approved>declined-by-household", "approved>declined-by-landlord",
        "applied>viewing", "applied>declined-by-household", "applied>declined-by-landlord",
        "viewing>contract-signed", "viewing>declined-by-household", "viewing>declined-by-landlord",
        "contract-signed>moved-in",
    ]

    /// Every pair of states: exactly the workflow's moves are allowed; every other one is refused.
    @Test(arguments: SuggestionState.allCases)
    func allowsExactlyTheReviewMoves(from: SuggestionState) {
        for to in SuggestionState.allCases {
            #expect(from.canMove(to: to) == Self.allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) -> \(to)")
        }
    }

    @Test func onlyTheJobCentreDecides() {
        #expect(SuggestionState.approved.requiredRole == .jobcentre)
        #expect(SuggestionState.rejected.requiredRole == .jobcentre)
        #expect(SuggestionState.allCases.filter { $0.requiredRole != nil }.count == 2)
    }
}
