#!/bin/bash
# make install / uninstall with PREFIX and DESTDIR: binary, man page, bash/zsh/fish completions;
# the man page renders without warnings; every option of --help is in the man page and in each
# completion; bash completion completes.
. "$(dirname "$0")/lib.sh"

stage="$TMP/stage"
RAPID="$(dirname "$CTHAG")/cthag-rapid" # the companion of -r, built beside cthag
make -s -C "$SOURCE_DIR" -o "$CTHAG" BIN="$CTHAG" -o "$RAPID" RAPID_BIN="$RAPID" install \
    DESTDIR="$stage" PREFIX=/usr > make.out 2>&1
expect_eq "$?" 0 "make install:"
for f in usr/bin/cthag usr/bin/cthag-rapid usr/share/man/man1/cthag.1 usr/share/bash-completion/completions/cthag \
    usr/share/zsh/site-functions/_cthag usr/share/fish/vendor_completions.d/cthag.fish; do
    [ -f "$stage/$f" ] && pass || fail "not installed: $f"
done
expect_eq "$(stat -c %a "$stage/usr/bin/cthag")" 755
"$stage/usr/bin/cthag" --version > version.out
expect_eq "$(cat version.out)" "cthag $(cthag_release) (cache format 3)" "installed binary runs:"
printf '6 * 7\n' | "$stage/usr/bin/cthag" -q -r > rapid.out 2>&1
expect_eq "$(cat rapid.out)" "42" "the installed cthag -r finds its companion beside it:"

# The man page reads well: man renders it without a warning.
if command -v man > /dev/null; then
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$stage/usr/share/man/man1/cthag.1" > man.txt 2> man.err
    expect_eq "$(cat man.err)" "" "man page warnings:"
    expect_file_has man.txt "EXIT STATUS"
else
    echo "SKIP t18-install: man page rendering (no man)"
fi

# Every long option --help lists is documented and completed.
"$CTHAG" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -o -- '--[a-z-]*' | sort -u \
    > options.txt
expect_eq "$([ "$(wc -l < options.txt)" -ge 35 ] && echo many)" many "options in --help:"
for opt in $(cat options.txt); do
    grep -q -- "${opt//-/\\\\-}" "$SOURCE_DIR/cthag.1" || fail "cthag.1 lacks $opt"
    grep -q -- "$opt" "$SOURCE_DIR/completions/cthag.bash" || fail "bash completion lacks $opt"
    grep -q -- "$opt" "$SOURCE_DIR/completions/_cthag" || fail "zsh completion lacks $opt"
    grep -q -- "-l ${opt#--}" "$SOURCE_DIR/completions/cthag.fish" || fail "fish completion lacks $opt"
done
pass
# ... and each short name with its long one (-w, --wrapper: the same table row).
"$CTHAG" --help | grep -oE '^  -[a-zA-Z], --[a-z][a-z-]*' | sed 's/^  //; s/,//' > letters.txt
expect_eq "$([ "$(wc -l < letters.txt)" -ge 25 ] && echo many)" many "short options in --help:"
while read -r letter long; do
    grep -q -- "\\${letter}\b" "$SOURCE_DIR/cthag.1" || fail "cthag.1 lacks $letter"
    grep -qE -- "\{${letter},${long}[,=}]|[( ]${letter} ${long}[ )]" "$SOURCE_DIR/completions/_cthag" ||
        fail "zsh completion lacks $letter with $long"
    grep -q -- "-s ${letter#-} -l ${long#--} " "$SOURCE_DIR/completions/cthag.fish" ||
        fail "fish completion lacks $letter with $long"
done < letters.txt
pass

# bash completion works: options, values, .rs files.
mkdir words && cd words && touch one.rs two.rs notes.txt
complete_words() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cthag; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$stage/usr/share/bash-completion/completions/cthag" "$@" | sort | tr '\n' ' '
}
expect_eq "$(complete_words cthag --cl)" "--clean --clear-cache " "complete --cl:"
expect_eq "$(complete_words cthag --clea)" "--clean --clear-cache " "complete --clea:"
expect_eq "$(complete_words cthag --wr)" "--wrapper " "complete --wr:"
expect_eq "$(complete_words cthag --infer m)" "max min " "complete --infer values:"
expect_eq "$(complete_words cthag '')" "one.rs two.rs " "complete scripts:"
expect_eq "$(complete_words cthag https : //gist.github.com/u/0123abcd '')" "notes.txt one.rs two.rs " \
    "after a URL, the script's arguments:"
bash -n "$SOURCE_DIR/completions/cthag.bash" && pass || fail "bash completion syntax"
if command -v zsh > /dev/null; then zsh -n "$SOURCE_DIR/completions/_cthag" && pass || fail "zsh syntax"; fi
if command -v fish > /dev/null; then fish -n "$SOURCE_DIR/completions/cthag.fish" && pass || fail "fish syntax"; fi
cd "$TMP"

make -s -C "$SOURCE_DIR" BIN="$CTHAG" RAPID_BIN="$RAPID" uninstall DESTDIR="$stage" PREFIX=/usr > make.out 2>&1
expect_eq "$(find "$stage" -type f | wc -l)" 0 "make uninstall removes everything:"

finish
