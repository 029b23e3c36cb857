# The two commands of the README:
#   make demo            install what is missing, build in release mode, train on the built-in
#                        MovieLens-100K-shaped data and print progress, metrics, recommendations
#   make demo DATA=FILE  the same on a ratings file (u.data, ratings.csv, ratings.dat, TSV, …)
#   make test            install what is missing and run the whole test suite, then the
#                        implicit interop check (skipped with a message unless $(PYTHON) has
#                        implicit: make test PYTHON=~/.cache/swiftals-peers/bin/python)
#                        The suite includes the distributed tests (mpirun jobs of als-mpi):
#                        Open MPI is installed and the package built with ALS_MPI=1;
#                        make test MPI=0 leaves them (and Open MPI) out.
DATA ?=
ARGS ?=
PYTHON ?= python3
MPI ?= 1
MPI_ENV = $(if $(filter 1,$(MPI)),ALS_MPI=1,)

.PHONY: setup build demo test
setup:
	@bash scripts/setup.sh

build: setup
	swift build -c release --product als

demo: build
	"$$(swift build -c release --show-bin-path)/als" demo $(DATA) $(ARGS)

test: setup
	@if [ "$(MPI)" = 1 ]; then bash scripts/setup.sh mpi; fi
	$(MPI_ENV) swift build --build-tests
	$(MPI_ENV) ALS_INTEROP_DIR=.build/interop swift test --skip-build
	$(PYTHON) scripts/implicit_interop.py .build/interop
