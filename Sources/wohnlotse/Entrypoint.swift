import WohnlotseCommands

await Wohnlotse.main()
