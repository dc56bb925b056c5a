# Two commands for a fresh machine: `make demo` and `make test` (see README).
.PHONY: demo test build release bench

demo:
	@bash scripts/setup
	swift build --product wohnlotse
	.build/debug/wohnlotse demo

test:
	@bash scripts/setup --test
	swift build --build-tests
	swift test --skip-build

build:
	swift build

release:
	swift build -c release --product wohnlotse

bench:
	swift run -c release WohnlotseBench assignment
	swift run -c release WohnlotseBench import-parse
	swift run -c release WohnlotseBench import-e2e
	swift run -c release WohnlotseBench match
