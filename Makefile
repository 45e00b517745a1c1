# Thin wrapper over CMake presets. Each target first makes sure the Debian packages
# are there (scripts/setup), so that on a fresh Debian 12 machine `make test` and
# `make labs` do all their own set-up.
PRESET ?= default
BUILD_DIR = $(if $(filter default,$(PRESET)),build,build-$(PRESET))
JOBS ?= $(shell nproc)
CTEST_ARGS ?=
FUZZ_SECONDS ?= 60

# The stages are the directories labs/ holds (labs/stageN); nothing here lists them.
STAGES := $(sort $(patsubst labs/stage%,%,$(wildcard labs/stage[0-9]*)))
LAB_STAGES := $(addprefix lab-stage,$(STAGES))
CHECK_STAGES := $(addprefix check-stage,$(STAGES))
# The exercises are the folders labs/exercises/eN-name: check-eN builds and checks one.
# (a folder with a CMakeLists.txt: e8-timed-round is a README for `slowfast exercise round`)
EXERCISES := $(sort $(patsubst labs/exercises/e%,%,$(foreach d,$(patsubst %/CMakeLists.txt,%,$(wildcard labs/exercises/e[0-9]*/CMakeLists.txt)),$(firstword $(subst -, ,$(d))))))
CHECK_EXERCISES := $(addprefix check-e,$(EXERCISES))

.PHONY: origin-lab container-check all setup build test labs $(LAB_STAGES) $(CHECK_STAGES) exercises $(CHECK_EXERCISES) \
        install-modules uninstall-modules bench scale fuzz clean help
all: build

help:
	@echo "make labs    set up, build, run every stage, write results/"
	@echo "make test    set up, build, run the CTest suite"
	@echo "make lab-stageN   run one stage ($(firstword $(STAGES))-$(lastword $(STAGES))) on its own"
	@echo "make check-stageN   build, run the tests of stages $(firstword $(STAGES))..N (CTest labels stage0..stageN)"
	@echo "make check-eN   build your code for exercise N (labs/exercises/eN-*/) and validate it; make exercises: all of them"
	@echo "make install-modules [HOST_STAGE=N | REQUIREMENTS=FILE] / uninstall-modules   what every command (and stage 0, the host) finds: stage N's modules (default $(HOST_STAGE)), or FILE's (labs/stage0/laptop.txt: the story's laptop)"
	@echo "make build   set up and build (binaries in build/bin/)"
	@echo "make origin-lab   the story's Python client (gevent + requests) beside slowfast's, stage by stage, one server"
	@echo "make container-check   build the Dockerfile with podman from a clean clone, run make test and a short lab inside"
	@echo "make bench   set up, build, run the Google Benchmark suites (the stages: 9 repetitions); JSON in results/bench/"
	@echo "make scale   up to 10,000 concurrent HTTPS delays: slowfast-server and nginx, then slowfast fetch, hey and h2load, side by side"
	@echo "make fuzz    build the libFuzzer targets (build-fuzz/), run each FUZZ_SECONDS (60) s"
	@echo "make clean   remove build directories"
	@echo "PRESET=asan|tsan|debug|clang selects another CMake preset"

setup:
	@scripts/setup --check >/dev/null 2>&1 || scripts/setup

$(BUILD_DIR)/CMakeCache.txt: | setup
	cmake --preset $(PRESET)

build: setup $(BUILD_DIR)/CMakeCache.txt
	cmake --build --preset $(PRESET) -j $(JOBS)

test: build
	ctest --preset $(PRESET) -j $(JOBS) --timeout 300 $(CTEST_ARGS)

RESULTS ?= results
# Each cell of results/ is the median of LAB_REPEAT runs, shown with its min-max, so a
# table kept as evidence shows its spread (a cell spread over 10 % is flagged unstable).
# 3: the fewest runs with a median that was measured; about 3 minutes in all. The
# stages' `make lab-stageN` stay at one run each: a workshop step, not a record.
LAB_REPEAT ?= 3
labs: build
	$(BUILD_DIR)/bin/slowfast lab --repeat $(LAB_REPEAT) --out $(RESULTS)

# A static pattern rule: GNU make skips plain pattern rules for .PHONY targets, so
# `lab-stage%:` alone made `make lab-stage2` a silent no-op.
$(LAB_STAGES): lab-stage%: build
	$(BUILD_DIR)/bin/slowfast lab --stage $*

# Cumulative, like a course's check0..N: check-stage2 runs the tests of stages 0, 1 and 2,
# selected by their CTest labels stage0..stageN (tests/CMakeLists.txt gives each stage's
# tests its label). Stage numbers are single digits, so [0-N] is exactly 0..N.
$(CHECK_STAGES): check-stage%: build
	ctest --preset $(PRESET) -j $(JOBS) --timeout 300 -L '^stage[0-$*]$$' $(CTEST_ARGS)

# An exercise: `slowfast exercise check N` builds the attendee's code (CMake target
# exercise_eN, never part of `build`) and validates it against the lab's own server.
$(CHECK_EXERCISES): check-e%: build
	$(BUILD_DIR)/bin/slowfast exercise check $*

# Every exercise, one after another; the exit code says whether all passed.
exercises: build
	@failed=""; for n in $(EXERCISES); do $(BUILD_DIR)/bin/slowfast exercise check $$n || failed="$$failed e$$n"; done; \
	if [ -n "$$failed" ]; then echo "make exercises: not yet passing:$$failed"; exit 1; fi; \
	echo "make exercises: all $(words $(EXERCISES)) pass"

# Stage 0 is the host: every command reads each runtime's site ($$SLOWFAST_SITE/py27 and
# .../py37, SLOWFAST_SITE defaulting to /usr/local/lib/slowfast) unless SLOWFAST_PATH is
# set. `slowfast install -r FILE` fills the sites, reading FILE as the lab does. The
# default host has stage 2's environment (pyOpenSSL's analogue, for both runtimes);
# HOST_STAGE=3 a stage-3 host; REQUIREMENTS=labs/stage0/laptop.txt the story's laptop
# (pyOpenSSL for py27 only: py27 slow, py37 fast).
HOST_STAGE ?= 2
REQUIREMENTS ?= labs/stage$(HOST_STAGE)/requirements.txt
install-modules: build
	$(BUILD_DIR)/bin/slowfast install -r $(REQUIREMENTS)

uninstall-modules: build
	$(BUILD_DIR)/bin/slowfast uninstall

# The origin lab (labs/origin): the story's Python client, with Debian's gevent, requests
# and pyOpenSSL, beside slowfast's C++ client, cell by cell against one server.
origin-lab: build
	@scripts/setup --check --origin >/dev/null 2>&1 || scripts/setup --origin
	labs/origin/origin_lab.py

# The Dockerfile, proven as a new user would use it, from a clean clone of HEAD: a
# Debian 12 base made locally (no registry), the image built with podman, then
# `make test` and a short lab as build steps of a second image. Not in CI (about 16
# minutes); tests/container/container_check.sh says how.
container-check:
	@scripts/setup --check --container >/dev/null 2>&1 || scripts/setup --container
	tests/container/container_check.sh

# Each suite's JSON for compare.py (bench/compare.sh) in $(RESULTS)/bench/. The stage
# suite runs every lab cell BENCH_REPETITIONS times (about 2 minutes at 9).
BENCH_REPETITIONS ?= 9
bench: build
	mkdir -p $(RESULTS)/bench
	$(BUILD_DIR)/bin/slowfast-bench-stages --benchmark_repetitions=$(BENCH_REPETITIONS) \
	  --benchmark_out=$(RESULTS)/bench/stages.json --benchmark_out_format=json
	$(BUILD_DIR)/bin/slowfast-bench-server --benchmark_out=$(RESULTS)/bench/server.json --benchmark_out_format=json
	$(BUILD_DIR)/bin/slowfast-bench-client --benchmark_out=$(RESULTS)/bench/client.json --benchmark_out_format=json
	$(BUILD_DIR)/bin/slowfast-bench-observe --benchmark_out=$(RESULTS)/bench/observe.json --benchmark_out_format=json

# The server side (h2load against slowfast-server and nginx), then the client side
# (slowfast fetch, hey and h2load side by side, median of 3): about 15 minutes.
scale: build
	scripts/setup --bench
	bench/scale.sh --out results/server-scale.md
	bench/client_scale.sh --out results/client-scale.md

# libFuzzer (clang, ASan + UBSan): the fuzz preset builds only the fuzzers' sources into
# build-fuzz/; fuzz/run.sh runs each target over a copy of its seed corpus and fails on
# any finding, printing the reproducer (replay: build-fuzz/bin/TARGET REPRODUCER).
fuzz:
	@scripts/setup --check --fuzz >/dev/null 2>&1 || scripts/setup --fuzz
	@test -f build-fuzz/CMakeCache.txt || cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build build-*
