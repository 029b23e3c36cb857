# The two commands of the README:
#   make demo            install what is missing, build in release mode, train on the built-in
#                        MovieLens-100K-shaped data and print progress, metrics, recommendations
#   make demo DATA=FILE  the same on a ratings file (u.data, ratings.csv, ratings.dat, TSV, …)
#   make test            install what is missing and run the whole test suite
DATA ?=
ARGS ?=

.PHONY: setup build demo test
setup:
	@bash scripts/setup.sh

build: setup
	swift build -c release --product als

demo: build
	"$$(swift build -c release --show-bin-path)/als" demo $(DATA) $(ARGS)

test: setup
	swift build --build-tests
	swift test --skip-build
