// Release-mode benchmarks: `swift run -c release WohnlotseBench <benchmark> [options]`.
// Each benchmark lives in its own file; add one `case` line per benchmark.
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "assignment": AssignmentBenchmark.run(Array(arguments.dropFirst()))
default: print("usage: WohnlotseBench <benchmark> [options]\nbenchmarks: assignment")
}
