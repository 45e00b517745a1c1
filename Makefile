# Thin wrapper over CMake presets. Each target first makes sure the Debian packages
# are there (scripts/setup), so that on a fresh Debian 12 machine `make test` and
# `make labs` do all their own set-up.
PRESET ?= default
BUILD_DIR = $(if $(filter default,$(PRESET)),build,build-$(PRESET))
JOBS ?= $(shell nproc)
CTEST_ARGS ?=
FUZZ_SECONDS ?= 60

.PHONY: all setup build test labs lab-stage0 lab-stage1 lab-stage2 lab-stage3 lab-stage4 \
        install-modules uninstall-modules bench scale fuzz clean help
all: build

help:
	@echo "make labs    set up, build, run every stage, write results/"
	@echo "make test    set up, build, run the CTest suite"
	@echo "make lab-stageN   run one stage (0-4) on its own"
	@echo "make install-modules / uninstall-modules   what stage 0 (the host) finds in $(MODULE_DIR)"
	@echo "make build   set up and build (binaries in build/bin/)"
	@echo "make bench   set up, build, run the Google Benchmark suites"
	@echo "make scale   10,000 concurrent HTTPS delays: slowfast-server and nginx side by side"
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

labs: build
	$(BUILD_DIR)/bin/slowfast lab --out results

# A static pattern rule: GNU make skips plain pattern rules for .PHONY targets, so
# `lab-stage%:` alone made `make lab-stage2` a silent no-op.
lab-stage0 lab-stage1 lab-stage2 lab-stage3 lab-stage4: lab-stage%: build
	$(BUILD_DIR)/bin/slowfast lab --stage $*

# Stage 0 is the host: it sees the modules installed here (unless SLOWFAST_PATH is set).
# Like the laptop in the story, the default installs pyOpenSSL's analogue only;
# e.g. MODULES="blocking_tls-1.0 coop_shim-1.2" installs a stage-3 host.
MODULE_DIR = /usr/local/lib/slowfast/modules
MODULES ?= blocking_tls-1.0
install-modules: build
	install -d $(MODULE_DIR)
	rm -f $(MODULE_DIR)/*.so
	for m in $(MODULES); do install -m 0644 $(BUILD_DIR)/modules/$$m.so $(MODULE_DIR)/ || exit 1; done
	@echo "installed into $(MODULE_DIR): $(MODULES)"

uninstall-modules:
	rm -rf $(MODULE_DIR)

bench: build
	$(BUILD_DIR)/bin/slowfast-bench-server
	$(BUILD_DIR)/bin/slowfast-bench-observe

scale: build
	scripts/setup --bench
	bench/scale.sh --out results/server-scale.md

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
