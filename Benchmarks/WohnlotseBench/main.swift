// Benchmark dispatcher: `swift run -c release WohnlotseBench <name> [options]`.
switch CommandLine.arguments.dropFirst().first {
case "import-parse": ImportBenchmark.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
case "import-e2e": await ImportEndToEndBenchmark.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
default: print("usage: WohnlotseBench import-parse [--listings N] [--engine fast|xmlparser|both] [--keep]\n       WohnlotseBench import-e2e [--listings N] [--keep]")
}
