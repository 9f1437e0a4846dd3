# userimp: one static library, one small binary per command.
# make          build everything into $(BUILD)/
# make check    install what is missing (as root), build, run every test
# make demo     install what is missing, build, import examples/ into ./userimp.db
# make fuzz     build the libFuzzer targets with clang, run each FUZZ_SECONDS

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/userimp
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
PKG_CONFIG ?= pkg-config
BUILD ?= build
# One name for each object whoever runs make (the tests give an absolute
# BUILD), so that the dependency files name the targets they are for.
override BUILD := $(abspath $(BUILD))
DEPS = expat minizip sqlite3 libargon2 libsodium xlsxwriter

CFLAGS ?= -g -O2
override CFLAGS += -std=c99 -Wall -Wextra -Wstrict-prototypes -pthread -MMD -MP \
	$(shell $(PKG_CONFIG) --cflags $(DEPS) 2>/dev/null)
override CPPFLAGS += -D_DEFAULT_SOURCE -DLIBEXECDIR='"$(LIBEXECDIR)"' -Ilib
LDLIBS += $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null) -lm -pthread

# Debian packages: to build, then to run the tests (files from LibreOffice
# and openpyxl, hashes checked by python3-argon2, pages linted by mandoc).
BUILD_PKGS = gcc make pkg-config libexpat1 libexpat1-dev libminizip-dev \
	libsqlite3-dev libargon2-dev libsodium-dev libxlsxwriter-dev
TEST_PKGS = perl sqlite3 mandoc python3 python3-openpyxl python3-argon2 \
	libreoffice-calc-nogui zip unzip
# and to fuzz (clang's libFuzzer and sanitizer runtimes)
FUZZ_PKGS = clang libclang-rt-14-dev

ifeq ($(V),1)
Q =
else
Q = @
endif

CMDS = import check config template export jobs user groups labels fields
LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB = $(BUILD)/libuserimp.a
CMD_COMMON = $(BUILD)/cmd/cmd.o $(BUILD)/cmd/run.o $(BUILD)/cmd/progress.o \
	$(BUILD)/cmd/dircmd.o
BINS = $(BUILD)/userimp $(CMDS:%=$(BUILD)/userimp-%)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNITS = $(UNIT_SRC:%.c=$(BUILD)/%)
TOOLS = $(BUILD)/tests/mkxlsx $(BUILD)/tests/argon2_reuse
FUZZ_TARGETS = xlsx csv rules phc
REPLAYS = $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/replay-%)
FUZZ_LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/fuzz/%.o)
FUZZERS = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz-%)
OBJ = $(LIB_OBJ) $(CMD_COMMON) $(BINS:%=%.o) $(UNITS:%=%.o) $(TOOLS:%=%.o) \
	$(REPLAYS:%=%.o) $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/%.o) \
	$(FUZZ_LIB_OBJ) $(FUZZ_TARGETS:%=$(BUILD)/fuzz/tests/fuzz/%.o)
MAN = $(wildcard man/*.[157])

all: $(BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/userimp.o: cmd/userimp.c
	@mkdir -p $(@D)
	@echo CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/userimp-%.o: cmd/%.c
	@mkdir -p $(@D)
	@echo CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@echo AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $(LIB_OBJ)

$(BUILD)/userimp-%: $(BUILD)/userimp-%.o $(CMD_COMMON) $(LIB)
	@echo LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(CMD_COMMON) $(LIB) $(LDLIBS)

$(BUILD)/userimp: $(BUILD)/userimp.o $(CMD_COMMON) $(LIB)
	@echo LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(CMD_COMMON) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	@echo LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# A fuzz target replayed on its corpus: replay.c with the target's name.
$(REPLAYS:%=%.o): $(BUILD)/tests/fuzz/replay-%.o: tests/fuzz/replay.c
	@mkdir -p $(@D)
	@echo CC $@
	$(Q)$(CC) $(CPPFLAGS) -DFUZZ_TARGET='"$*"' $(CFLAGS) -c -o $@ $<

$(REPLAYS): $(BUILD)/tests/fuzz/replay-%: $(BUILD)/tests/fuzz/replay-%.o \
    $(BUILD)/tests/fuzz/%.o $(LIB)
	@echo LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Install the Debian packages that are missing (and upgrade the libraries
# to the current point release) once per build folder.  Not root: name what
# is missing and stop.
$(BUILD)/.deps-build:
	$(Q)sh tests/deps.sh $(BUILD_PKGS)
	@mkdir -p $(@D) && touch $@

$(BUILD)/.deps-test: $(BUILD)/.deps-build
	$(Q)sh tests/deps.sh $(TEST_PKGS)
	$(Q)sh tests/deps.sh --npm $(BUILD)/npm xlsx@0.18.5
	@touch $@

deps: $(BUILD)/.deps-build

# The build itself runs in a second make, after the packages are there, so
# that pkg-config's answers are read with the libraries installed.
build: $(BUILD)/.deps-build
	$(Q)$(MAKE) --no-print-directory all

check: $(BUILD)/.deps-test
	$(Q)$(MAKE) --no-print-directory all units
	$(Q)USERIMP_BUILD=$(abspath $(BUILD)) USERIMP_LDFLAGS="$(LDFLAGS)" \
		prove -j2 tests/t/*.t $(UNITS) $(REPLAYS)

units: $(UNITS) $(TOOLS) $(REPLAYS)

# The demo's store; make demo imports the example twice (xlsx, then the
# same users as CSV: all unchanged).
DEMO_DB ?= ./userimp.db

demo: $(BUILD)/.deps-build
	$(Q)$(MAKE) --no-print-directory all
	$(Q)USERIMP_EXEC_PATH=$(BUILD) $(BUILD)/userimp import --db $(DEMO_DB) \
		examples/users.xlsx
	$(Q)USERIMP_EXEC_PATH=$(BUILD) $(BUILD)/userimp import --db $(DEMO_DB) \
		examples/users.csv

# Speed and memory beside the floors and the peers, on the shared kit's
# files, in one table with the goals (BENCH_N, BENCH_DIR, BENCH_PEER,
# BENCH_HASHES: see tests/bench.sh).  Not part of check.
bench: $(BUILD)/.deps-bench
	$(Q)$(MAKE) --no-print-directory all $(TOOLS)
	$(Q)USERIMP_BUILD=$(abspath $(BUILD)) sh tests/bench.sh

# The node peers' modules in their own folder; without them (npm cannot
# fetch) the bench skips those peers, and the next make bench tries again.
$(BUILD)/.deps-bench: $(BUILD)/.deps-test
	$(Q)sh tests/deps.sh time xlsx2csv unzip
	$(Q)if sh tests/deps.sh --npm $(BUILD)/npm-bench xlsx@0.18.5 exceljs \
		better-sqlite3@12; then touch $@; else \
		echo "bench: npm failed: the node peers will be skipped" >&2; fi

# Fuzzing: the library again with clang and libFuzzer's coverage, in its
# own objects under $(BUILD)/fuzz/; each target runs FUZZ_SECONDS on a
# scratch copy of its corpus, and a crash lands in tests/fuzz/crashes/.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all

fuzz: $(BUILD)/.deps-fuzz
	$(Q)$(MAKE) --no-print-directory $(FUZZERS)
	$(Q)st=0; for t in $(FUZZ_TARGETS); do \
		sh tests/fuzz/run.sh $$t $(BUILD)/fuzz $(FUZZ_SECONDS) || st=1; \
	done; exit $$st

$(BUILD)/.deps-fuzz: $(BUILD)/.deps-build
	$(Q)sh tests/deps.sh $(FUZZ_PKGS)
	@touch $@

$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(@D)
	@echo CC $< '(fuzz)'
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZERS): $(BUILD)/fuzz/fuzz-%: $(BUILD)/fuzz/tests/fuzz/%.o $(FUZZ_LIB_OBJ)
	@echo LD $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

lint-man:
	mandoc -Tlint -Wwarning $(MAN)

sanitize:
	$(MAKE) BUILD=build/asan CFLAGS='-g -O1 -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer' \
		LDFLAGS=-fsanitize=address,undefined check

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(BUILD)/userimp $(DESTDIR)$(BINDIR)/
	install -m 0755 $(CMDS:%=$(BUILD)/userimp-%) $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 $(filter %.1,$(MAN)) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(filter %.5,$(MAN)) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(filter %.7,$(MAN)) $(DESTDIR)$(MANDIR)/man7/
	sed 's|@LIBEXECDIR@|$(LIBEXECDIR)|' cmd/userimp.bash > $(BUILD)/userimp.bash
	install -m 0644 $(BUILD)/userimp.bash $(DESTDIR)$(BASHCOMPDIR)/userimp

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/userimp
	rm -rf $(DESTDIR)$(LIBEXECDIR)
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man1/%,$(filter %.1,$(MAN)))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man5/%,$(filter %.5,$(MAN)))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man7/%,$(filter %.7,$(MAN)))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/userimp

clean:
	rm -rf build tests/t/trash.*

.PHONY: all build deps check units demo bench fuzz lint-man sanitize \
	install uninstall clean
.SECONDARY: $(OBJ)

-include $(OBJ:.o=.d)
