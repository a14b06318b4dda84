# cthag: plain make.  `make`, `make check`, `make check SAN=1`, `make install PREFIX=... DESTDIR=...`
#
# cthag is linked statically with musl (Debian's musl-tools: musl-gcc) when it is installed:
# glibc's static start-up alone costs more than the rest of a cached run (make bench shows both).
# Without musl-gcc, with MUSL=0 or with an explicit CC=..., CC links it statically with glibc.
# HOST_CC is the system's (glibc) compiler, for what musl cannot do: the unit tests (they swap
# stderr), the sanitizer and valgrind builds, and companion programs linked dynamically with
# glibc-only libraries.  Its objects live in build/release, musl's in build/musl.
HOST_CC ?= cc
MUSL_CC ?= musl-gcc
MUSL    ?= 1
HAVE_MUSL := $(shell command -v $(MUSL_CC) 2>/dev/null)
ifeq ($(origin CC),default)
CC      := $(HOST_CC)
ifeq ($(MUSL)$(SAN)$(if $(HAVE_MUSL),yes),1yes)
CC      := $(MUSL_CC)
endif
endif
USING_MUSL := $(findstring musl,$(CC))
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
CFLAGS  ?= -O2 -g
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -D_XOPEN_SOURCE=700 -Isrc
HOST_LDLIBS := $(LDLIBS) -lxxhash
ifneq ($(USING_MUSL),)
# Debian's libxxhash.a is built for glibc: with musl, xxhash is compiled in from its header
# (XXH_INLINE_ALL), found through a directory holding only that header, so that no other glibc
# header can reach the build.
XXHASH_H ?= /usr/include/xxhash.h
CTHAG_CPPFLAGS := -isystem build/musl-include -DXXH_INLINE_ALL
XXHASH_LINK := build/musl-include/xxhash.h
else
LDLIBS  += -lxxhash
endif

ifeq ($(SAN),1)
BUILD   := build/san
CFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BIN     := $(BUILD)/cthag
RAPID_BIN ?= $(BUILD)/cthag-rapid
else
BUILD   := build/$(if $(USING_MUSL),musl,release)
BIN     := cthag
# Static: no dynamic loader on the cached-run path (make bench shows what is left).  STATIC=
# builds a dynamically linked cthag.
STATIC  ?= -static
LDFLAGS += $(STATIC)
RAPID_BIN ?= cthag-rapid
endif
# The glibc build of the same sources, for the unit tests: $(BUILD) itself unless that is musl's.
HOST_BUILD := $(if $(USING_MUSL),build/release,$(BUILD))
UNIT_CC    := $(if $(USING_MUSL),$(HOST_CC),$(CC))

ALL_CFLAGS = -std=c11 $(WARNINGS) $(CFLAGS)

SOURCES := $(wildcard src/*.c src/cli/*.c src/script/*.c src/toml/*.c src/cargo/*.c src/cache/*.c \
                      src/util/*.c src/fetch/*.c)
OBJECTS := $(SOURCES:%.c=$(BUILD)/%.o)
HOST_OBJECTS := $(SOURCES:%.c=$(HOST_BUILD)/%.o)
LIB_OBJECTS := $(filter-out $(HOST_BUILD)/src/cli/main.o,$(HOST_OBJECTS))
UNIT_SOURCES := $(filter-out tests/unit/test_rapid_%,$(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(UNIT_SOURCES:tests/unit/%.c=$(HOST_BUILD)/tests/%)

# cthag-rapid, the interactive session behind `cthag -r` (src/rapid/): it needs a line-editing
# library, Debian's libedit (libedit-dev), which the static (musl) cthag cannot link, so it is a
# companion program linked dynamically with glibc by the unit tests' compiler, which cthag execs.
RAPID_CC      := $(UNIT_CC)
RAPID_LDFLAGS := $(filter-out -static,$(LDFLAGS))
RAPID_LDLIBS  := -ledit $(HOST_LDLIBS)
# cthag's own modules (the lexer, the script reader, TOML, ...) reach it as an archive of the
# glibc objects the unit tests use: the linker takes only what the companion uses.
RAPID_ARCHIVE := $(HOST_BUILD)/rapid/libcthag.a
RAPID_SOURCES := $(wildcard src/rapid/*.c)
RAPID_OBJECTS := $(RAPID_SOURCES:%.c=$(HOST_BUILD)/%.o)
RAPID_LIB_OBJECTS := $(filter-out $(HOST_BUILD)/src/rapid/main.o,$(RAPID_OBJECTS)) $(RAPID_ARCHIVE)
RAPID_UNIT_SOURCES := $(wildcard tests/unit/test_rapid_*.c)
RAPID_UNIT_TESTS := $(RAPID_UNIT_SOURCES:tests/unit/%.c=$(HOST_BUILD)/tests/%)

.PHONY: FORCE all demo check check-slow check-online unit-check cli-check install uninstall clean bench \
        bench-rapid fuzz valgrind

all: $(BIN) $(RAPID_BIN)

# The compile and link lines, each kept in a file rewritten only when it changes: a switch of
# toolchain (MUSL=0, CC=clang) recompiles and relinks although the files are older.
define remember
	@mkdir -p $(dir $@)
	@echo '$(strip $(1))' | cmp -s - $@ || echo '$(strip $(1))' > $@
endef
$(BUILD)/compile.id: FORCE
	$(call remember,$(CC) $(CPPFLAGS) $(CTHAG_CPPFLAGS) $(ALL_CFLAGS))
build/$(subst /,_,$(BIN)).link.id: FORCE
	$(call remember,$(CC) $(LDFLAGS) $(BUILD) $(LDLIBS))
FORCE:

$(BIN): $(OBJECTS) build/$(subst /,_,$(BIN)).link.id
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(OBJECTS) $(LDLIBS)
ifeq ($(USING_MUSL)$(SAN),)
	@echo "note: $@ is linked statically with glibc ($(if $(HAVE_MUSL),CC or MUSL=0 given,no $(MUSL_CC): apt-get install musl-tools)): cached runs start slower than with musl"
endif

$(BUILD)/%.o: %.c $(BUILD)/compile.id $(XXHASH_LINK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CTHAG_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build/musl-include/xxhash.h: $(XXHASH_H)
	@mkdir -p $(dir $@)
	ln -sf $(XXHASH_H) $@

ifneq ($(HOST_BUILD),$(BUILD))
# Reached only through the unit tests' pattern rule: kept, not removed as intermediate files.
.SECONDARY: $(HOST_OBJECTS)
$(HOST_BUILD)/compile.id: FORCE
	$(call remember,$(HOST_CC) $(CPPFLAGS) $(ALL_CFLAGS))

$(HOST_BUILD)/%.o: %.c $(HOST_BUILD)/compile.id
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
endif

$(HOST_BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB_OBJECTS)
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJECTS) $(HOST_LDLIBS)

$(RAPID_BIN): $(RAPID_OBJECTS) $(RAPID_ARCHIVE)
	@mkdir -p $(dir $@)
	$(RAPID_CC) $(RAPID_LDFLAGS) -o $@ $(RAPID_OBJECTS) $(RAPID_ARCHIVE) $(RAPID_LDLIBS)

$(RAPID_ARCHIVE): $(LIB_OBJECTS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(HOST_BUILD)/tests/test_rapid_%: tests/unit/test_rapid_%.c tests/unit/unit.h $(RAPID_LIB_OBJECTS)
	@mkdir -p $(dir $@)
	$(RAPID_CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(RAPID_LDFLAGS) -o $@ $< \
		$(RAPID_LIB_OBJECTS) $(RAPID_LDLIBS)

# Build, then run the std-only demo script (works offline).
demo: $(BIN) $(RAPID_BIN)
	./$(BIN) examples/hello.rs -- to be or not to be

# One run over the unit programs and the CLI tests, ending in "N passed, N failed, N skipped".
# The test files run TEST_JOBS at a time (default 2 per core, see tests/cli/run-all.sh), the longest first
# by the times kept in TEST_TIMES; a green run prints only its summary (TEST_VERBOSE=1: all).
TEST_TIMES ?= $(abspath $(BUILD))/test-times
check: $(UNIT_TESTS) $(RAPID_UNIT_TESTS) $(BIN) $(RAPID_BIN)
	CTHAG=$(abspath $(BIN)) UNIT_TESTS="$(abspath $(UNIT_TESTS) $(RAPID_UNIT_TESTS))" \
		TEST_TIMES=$(TEST_TIMES) bash tests/cli/run-all.sh

# The load tests (tests/slow/): a minute or more of both cores each, kept out of make check;
# .ci/run runs them (also with SAN=1).
check-slow: $(BIN) $(RAPID_BIN)
	CTHAG=$(abspath $(BIN)) bash tests/cli/run-all.sh $(wildcard tests/slow/t[0-9]*.sh)

# The same binary against crates.io and a real Redis (tests/online/): SKIP, with the reason, when
# crates.io cannot be reached; with CI=true such a skip fails the run.
check-online: $(BIN)
	CTHAG=$(abspath $(BIN)) bash tests/cli/run-all.sh $(wildcard tests/online/t[0-9]*.sh)

unit-check: $(UNIT_TESTS) $(RAPID_UNIT_TESTS)
	@for t in $(UNIT_TESTS) $(RAPID_UNIT_TESTS); do $$t || exit 1; done

cli-check: $(BIN) $(RAPID_BIN)
	CTHAG=$(abspath $(BIN)) TEST_TIMES=$(TEST_TIMES) bash tests/cli/run-all.sh

# libFuzzer harnesses (clang), one per parser; each runs FUZZ_SECONDS from its seed corpus
# (fuzz/corpus/NAME; the script readers share fuzz/corpus/scripts and examples/), keeping what it
# finds in build/fuzz/corpus-NAME.  A crash fails the target.
FUZZERS      := source toml infer wrap record config manifest json diag depinfo lockseed shellwords pin \
                rapid fetch replay
FUZZ_SECONDS ?= 30
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_OBJECTS := $(LIB_OBJECTS:$(HOST_BUILD)/%=build/fuzz/%)

.SECONDARY: $(FUZZ_OBJECTS)
build/fuzz/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARNINGS) $(FUZZ_FLAGS) -c -o $@ $<

build/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJECTS)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARNINGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_OBJECTS) $(HOST_LDLIBS)

# cthag -r's entry handling lives in the companion's sources (src/rapid/).
build/fuzz/fuzz_rapid: fuzz/fuzz_rapid.c $(FUZZ_OBJECTS) build/fuzz/src/rapid/session.o \
		build/fuzz/src/rapid/input.o
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARNINGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_OBJECTS) build/fuzz/src/rapid/session.o build/fuzz/src/rapid/input.o $(HOST_LDLIBS)

fuzz: $(FUZZERS:%=build/fuzz/fuzz_%)
	@for f in $(FUZZERS); do \
		mkdir -p build/fuzz/corpus-$$f build/fuzz/crashes-$$f; \
		echo "fuzz_$$f: $(FUZZ_SECONDS) s"; \
		build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -close_fd_mask=2 -print_final_stats=1 \
			-artifact_prefix=build/fuzz/crashes-$$f/ build/fuzz/corpus-$$f \
			$$(case $$f in source|infer|wrap|rapid) echo fuzz/corpus/scripts examples;; \
			   *) echo fuzz/corpus/$$f;; esac) \
			2>&1 | grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss|#[0-9]+.*DONE|==[0-9]+==ERROR|SUMMARY)' ; \
		test -z "$$(ls build/fuzz/crashes-$$f)" || { echo "fuzz_$$f: crash in build/fuzz/crashes-$$f"; exit 1; }; \
	done

# memcheck on the unit tests and a sample of the CLI tests (a dynamically linked build: valgrind
# cannot follow malloc in a static one).
VG := valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
valgrind:
	$(MAKE) CC=$(HOST_CC) BUILD=build/valgrind BIN=build/valgrind/cthag STATIC= CFLAGS="-O1 -g" \
		build/valgrind/cthag $(UNIT_SOURCES:tests/unit/%.c=build/valgrind/tests/%)
	@for t in $(UNIT_SOURCES:tests/unit/%.c=build/valgrind/tests/%); do $(VG) $$t || exit 1; done
	@printf '#!/bin/sh\nexec $(VG) "%s" "$$@"\n' "$(abspath build/valgrind/cthag)" \
		> build/valgrind/cthag-memcheck && chmod +x build/valgrind/cthag-memcheck
	CTHAG=$(abspath build/valgrind/cthag-memcheck) bash tests/cli/run-all.sh \
		tests/cli/t01-run.sh tests/cli/t03-manifests.sh tests/cli/t07-errors.sh \
		tests/cli/t16-dynamic.sh tests/cli/t17-diagnostics.sh

# Figures against the design's targets; writes bench/results.json.  With musl, the same sources
# linked with glibc run beside cthag, and the exec-only launcher is built as cthag is.
bench: $(BIN) $(if $(USING_MUSL),build/release/cthag-glibc)
	CTHAG=$(abspath $(BIN)) $(if $(USING_MUSL),CTHAG_GLIBC=$(abspath build/release/cthag-glibc)) \
		BENCH_CC="$(CC)" BENCH_LDFLAGS="$(LDFLAGS)" bash bench/bench.sh

# (Only in the musl build: in the MUSL=0 make below, $(BIN) is this file and its rule builds it.)
ifneq ($(USING_MUSL),)
build/release/cthag-glibc: FORCE
	$(MAKE) --no-print-directory MUSL=0 BIN=$@ $@
endif

# cthag -r: the time from Enter to result, for an entry cargo builds and one it does not.
bench-rapid: $(BIN) $(RAPID_BIN)
	CTHAG=$(abspath $(BIN)) python3 bench/rapid.py

install: $(BIN) $(RAPID_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/cthag
	install -m 755 $(RAPID_BIN) $(DESTDIR)$(BINDIR)/cthag-rapid
	install -m 644 cthag.1 $(DESTDIR)$(MANDIR)/man1/cthag.1
	install -m 644 completions/cthag.bash $(DESTDIR)$(BASHCOMPDIR)/cthag
	install -m 644 completions/_cthag $(DESTDIR)$(ZSHCOMPDIR)/_cthag
	install -m 644 completions/cthag.fish $(DESTDIR)$(FISHCOMPDIR)/cthag.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cthag $(DESTDIR)$(BINDIR)/cthag-rapid \
		$(DESTDIR)$(MANDIR)/man1/cthag.1 \
		$(DESTDIR)$(BASHCOMPDIR)/cthag $(DESTDIR)$(ZSHCOMPDIR)/_cthag \
		$(DESTDIR)$(FISHCOMPDIR)/cthag.fish

clean:
	rm -rf build cthag cthag-rapid

-include $(OBJECTS:.o=.d) $(HOST_OBJECTS:.o=.d) $(RAPID_OBJECTS:.o=.d)
