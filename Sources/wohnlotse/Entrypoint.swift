import WohnlotseCommands

@main extension Wohnlotse {}
