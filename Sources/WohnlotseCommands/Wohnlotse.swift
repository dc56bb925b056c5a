import ArgumentParser

/// The root of the `wohnlotse` command tree.
@available(macOS 10.15, *)
public struct Wohnlotse: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wohnlotse",
        abstract: "Case management and flat matching for the mobile housing coaching of Kreis Plön.",
        subcommands: [
            InitCommand.self, HouseholdCommand.self, MemberCommand.self, AnchorCommand.self, VisitCommand.self,
            AgendaCommand.self, LandlordCommand.self, ListingCommand.self, CourseCommand.self, UserCommand.self,
            AuditCommand.self, PrivacyCommand.self, BackupCommand.self, RestoreCommand.self, DemoCommand.self, ImportCommand.self,
            MatchCommand.self, RulesCommand.self, ServeCommand.self, AboutCommand.self,
        ]
    )

    public init() {}
}
