// Release-mode benchmarks: `swift run -c release WohnlotseBench <benchmark> [options]`.
// Each benchmark lives in its own file; add one `case` line per benchmark.
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "assignment": AssignmentBenchmark.run(Array(arguments.dropFirst()))
case "import-parse": ImportBenchmark.run(arguments: Array(arguments.dropFirst()))
case "import-e2e": await ImportEndToEndBenchmark.run(arguments: Array(arguments.dropFirst()))
case "match":
    do { try MatchBenchmark.run(Array(arguments.dropFirst())) } catch { print("match benchmark failed: \(error)") }
default:
    print("""
        usage: WohnlotseBench <benchmark> [options]
        benchmarks:
          assignment     [--households 2000 --listings 20000 --density 0.10 --seed 1] [--no-large] [--clamped] [--runs N] [--scipy-runs N]
          import-parse   [--listings 100000] [--engine fast|xmlparser|both] [--keep]
          import-e2e     [--listings 100000] [--keep]
          match          [--households 2000 --listings 20000 --seed 1] [--cache DIR] [--repeat N]   (state scale: --households 50000 --listings 500000)
        """)
}
