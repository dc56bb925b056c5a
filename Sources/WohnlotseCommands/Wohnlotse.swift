import ArgumentParser

/// The root of the `wohnlotse` command tree.
public struct Wohnlotse: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wohnlotse",
        abstract: "Case management and flat matching for the mobile housing coaching of Kreis Plön.",
        subcommands: [RulesCommand.self, AboutCommand.self]
    )

    public init() {}
}
