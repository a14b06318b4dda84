# bash completion for cthag
_cthag()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    local opts="--force --update --release --features --infer --multimain --offline --registry-dir
        --rustc-wrapper --wrapper --dep --expr --stdin --loop --begin --end --toml --unquote --edit
        --rapid --repl --iter --gen --build --norun
        --check --test-only --cargo --executable --install-dir --print-toml
        --print-toml=frontmatter --color --verbose --quiet
        --timings --help --version --clean --cache-stats --cache-stats=json --gc --max-size
        --max-age --deep --config --config-path --print-config --package --gen-pkg-only --test
        --toolchain --debug --clear-cache --cargo-output --normal"
    case $prev in
        --infer|-i) COMPREPLY=($(compgen -W "none min config max" -- "$cur")); return ;;
        --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --clean) COMPREPLY=($(compgen -W "bins target all" -- "$cur")); return ;;
        --registry-dir|--install-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --wrapper|-w|--rustc-wrapper) COMPREPLY=($(compgen -c -- "$cur")); return ;;
        --unquote|-u) COMPREPLY=($(compgen -W "true false" -- "$cur")); return ;;
        --features|-F|--expr|-e|--loop|-l|--begin|-B|--end|-E|--toml|-M|--max-size|--max-age|--toolchain|--dep)
            return ;;
    esac
    # After the script (a file or an http(s) URL), the words are the script's own.
    local i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --) return ;;
            *.rs|http://*|https://*) COMPREPLY=($(compgen -f -- "$cur")); return ;;
            # bash splits https://... at the colon: "https" ":" "//...".
            http|https) if [[ ${COMP_WORDS[i + 1]:-} == : ]]; then
                    COMPREPLY=($(compgen -f -- "$cur")); return
                fi ;;
        esac
    done
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -X '!*.rs' -- "$cur") $(compgen -d -- "$cur"))
    fi
}
complete -o filenames -F _cthag cthag
