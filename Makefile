# cthag: plain make.  `make`, `make check`, `make check SAN=1`, `make install PREFIX=... DESTDIR=...`
CC      ?= cc
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
CFLAGS  ?= -O2 -g
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -D_XOPEN_SOURCE=700 -Isrc
LDLIBS  += -lxxhash

ifeq ($(SAN),1)
BUILD   := build/san
CFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BIN     := $(BUILD)/cthag
RAPID_BIN ?= $(BUILD)/cthag-rapid
else
BUILD   := build/release
BIN     := cthag
# Static: no dynamic loader on the cached-run path (0.2 ms of a 1.3 ms run, measured by
# make bench).  STATIC= builds a dynamically linked cthag.
STATIC  ?= -static
LDFLAGS += $(STATIC)
RAPID_BIN ?= cthag-rapid
endif

ALL_CFLAGS = -std=c11 $(WARNINGS) $(CFLAGS)

SOURCES := $(wildcard src/*.c src/util/*.c)
OBJECTS := $(SOURCES:%.c=$(BUILD)/%.o)
LIB_OBJECTS := $(filter-out $(BUILD)/src/main.o,$(OBJECTS))
UNIT_SOURCES := $(filter-out tests/unit/test_rapid_%,$(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(UNIT_SOURCES:tests/unit/%.c=$(BUILD)/tests/%)

# cthag-rapid, the interactive session behind `cthag -r` (src/rapid/): it needs a line-editing
# library, Debian's libedit (libedit-dev), which cannot be linked into the static cthag, so it is
# a companion program linked dynamically by the system's compiler, whatever CC builds cthag.
RAPID_CC      ?= $(if $(findstring musl,$(CC)),cc,$(CC))
RAPID_LDFLAGS := $(filter-out -static,$(LDFLAGS))
RAPID_LDLIBS  := -ledit
# cthag's own modules (the lexer, the script reader, TOML, ...) reach it as an archive of the
# same sources compiled by RAPID_CC: the linker takes only what the companion uses.
RAPID_ARCHIVE := $(BUILD)/rapid/libcthag.a
RAPID_SOURCES := $(wildcard src/rapid/*.c)
RAPID_OBJECTS := $(RAPID_SOURCES:%.c=$(BUILD)/rapid/%.o)
RAPID_LIB_OBJECTS := $(filter-out $(BUILD)/rapid/src/rapid/main.o,$(RAPID_OBJECTS)) $(RAPID_ARCHIVE)
RAPID_UNIT_SOURCES := $(wildcard tests/unit/test_rapid_*.c)
RAPID_UNIT_TESTS := $(RAPID_UNIT_SOURCES:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all demo check check-online unit-check cli-check install uninstall clean bench bench-rapid \
        fuzz valgrind

all: $(BIN) $(RAPID_BIN)

$(BIN): $(OBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(OBJECTS) $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB_OBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJECTS) $(LDLIBS)

$(RAPID_BIN): $(RAPID_OBJECTS) $(RAPID_ARCHIVE)
	@mkdir -p $(dir $@)
	$(RAPID_CC) $(RAPID_LDFLAGS) -o $@ $(RAPID_OBJECTS) $(RAPID_ARCHIVE) $(RAPID_LDLIBS)

$(RAPID_ARCHIVE): $(LIB_OBJECTS:$(BUILD)/%=$(BUILD)/rapid/%)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/rapid/%.o: %.c
	@mkdir -p $(dir $@)
	$(RAPID_CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/test_rapid_%: tests/unit/test_rapid_%.c tests/unit/unit.h $(RAPID_LIB_OBJECTS)
	@mkdir -p $(dir $@)
	$(RAPID_CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(RAPID_LDFLAGS) -o $@ $< \
		$(RAPID_LIB_OBJECTS) $(RAPID_LDLIBS)

# Build, then run the std-only demo script (works offline).
demo: $(BIN)
	./$(BIN) examples/hello.rs -- to be or not to be

# One run over the unit programs and the CLI tests, ending in "N passed, N failed, N skipped".
check: $(UNIT_TESTS) $(RAPID_UNIT_TESTS) $(BIN) $(RAPID_BIN)
	CTHAG=$(abspath $(BIN)) UNIT_TESTS="$(abspath $(UNIT_TESTS) $(RAPID_UNIT_TESTS))" \
		bash tests/cli/run-all.sh

# The same binary against crates.io and a real Redis (tests/online/): SKIP, with the reason, when
# crates.io cannot be reached; with CI=true such a skip fails the run.
check-online: $(BIN)
	CTHAG=$(abspath $(BIN)) bash tests/cli/run-all.sh $(wildcard tests/online/t*.sh)

unit-check: $(UNIT_TESTS) $(RAPID_UNIT_TESTS)
	@for t in $(UNIT_TESTS) $(RAPID_UNIT_TESTS); do $$t || exit 1; done

cli-check: $(BIN) $(RAPID_BIN)
	CTHAG=$(abspath $(BIN)) bash tests/cli/run-all.sh

# libFuzzer harnesses (clang), one per parser; each runs FUZZ_SECONDS from its seed corpus
# (fuzz/corpus/NAME; the script readers share fuzz/corpus/scripts and examples/), keeping what it
# finds in build/fuzz/corpus-NAME.  A crash fails the target.
FUZZERS      := source toml infer wrap record config manifest json diag depinfo lockseed shellwords \
                rapid
FUZZ_SECONDS ?= 30
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_OBJECTS := $(LIB_OBJECTS:$(BUILD)/%=build/fuzz/%)

.SECONDARY: $(FUZZ_OBJECTS)
build/fuzz/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARNINGS) $(FUZZ_FLAGS) -c -o $@ $<

build/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJECTS)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARNINGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_OBJECTS) $(LDLIBS)

# cthag -r's entry handling lives in the companion's sources (src/rapid/).
build/fuzz/fuzz_rapid: fuzz/fuzz_rapid.c $(FUZZ_OBJECTS) build/fuzz/src/rapid/session.o \
		build/fuzz/src/rapid/input.o
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARNINGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_OBJECTS) build/fuzz/src/rapid/session.o build/fuzz/src/rapid/input.o $(LDLIBS)

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
	$(MAKE) BUILD=build/valgrind BIN=build/valgrind/cthag STATIC= CFLAGS="-O1 -g" \
		build/valgrind/cthag $(UNIT_SOURCES:tests/unit/%.c=build/valgrind/tests/%)
	@for t in $(UNIT_SOURCES:tests/unit/%.c=build/valgrind/tests/%); do $(VG) $$t || exit 1; done
	@printf '#!/bin/sh\nexec $(VG) "%s" "$$@"\n' "$(abspath build/valgrind/cthag)" \
		> build/valgrind/cthag-memcheck && chmod +x build/valgrind/cthag-memcheck
	CTHAG=$(abspath build/valgrind/cthag-memcheck) bash tests/cli/run-all.sh \
		tests/cli/t01-run.sh tests/cli/t03-manifests.sh tests/cli/t07-errors.sh \
		tests/cli/t16-dynamic.sh tests/cli/t17-diagnostics.sh

# Figures against the design's targets; writes bench/results.json.
bench: $(BIN)
	CTHAG=$(abspath $(BIN)) bash bench/bench.sh

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

-include $(OBJECTS:.o=.d) $(RAPID_OBJECTS:.o=.d) $(LIB_OBJECTS:$(BUILD)/%.o=$(BUILD)/rapid/%.d)
