@main struct WohnlotseBench { static func main() { print("no benchmarks yet") } }
