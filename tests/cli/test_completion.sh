#!/bin/sh
# SPDX-License-Identifier: MIT
# Shell completion (dropwatch completion bash|zsh, installed by make install): generated from the option
# tables the commands parse, so every option completion offers is one the command accepts, and every
# option a command's --help names is offered. Needs bash; zsh for the zsh script (skipped (77) without
# bash, a failure without zsh when DW_REQUIRE_ZSH=1, as in tools/test-all.sh).
. "${top_srcdir:-.}/tests/cli/lib.sh"

command -v bash >/dev/null 2>&1 || { echo "bash missing: skipped"; exit 77; }

run completion bash
expect_rc 0 "completion bash"
cp "$OUT" "$T/dropwatch.bash"
run completion zsh
expect_rc 0 "completion zsh"
cp "$OUT" "$T/_dropwatch"
run completion fish
expect_usage "completion for an unknown shell"
run completion
expect_usage "completion without a shell"

# The files the build generated (and make install installs) are this output.
for f in dropwatch:dropwatch.bash _dropwatch:_dropwatch; do
    checks=$((checks + 1))
    cmp -s "$top_builddir/src/completion/${f%%:*}" "$T/${f#*:}" || fail "src/completion/${f%%:*} differs from the generator's output"
done

# complete WORDS...: what bash offers for the last word, one per line, into $T/reply.
complete_bash() {
    checks=$((checks + 1))
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dropwatch; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$T/dropwatch.bash" "$@" >"$T/reply" 2>"$ERR" || fail "bash completion of '$*' failed"
}
offers() { grep -qx -- "$1" "$T/reply" || fail "completing '$2' does not offer $1"; }

complete_bash dropwatch de
offers deliver "dropwatch de"
complete_bash dropwatch ""
for c in resolve validate deliver check watch sweep alert demo help; do offers "$c" "dropwatch"; done
complete_bash dropwatch --fo
offers --format "dropwatch --fo"
complete_bash dropwatch --format ""
for f in text xml json syslog; do offers "$f" "dropwatch --format"; done
complete_bash dropwatch --format json deliver --ro
offers --root "dropwatch --format json deliver --ro"
complete_bash dropwatch check --event a
offers auto "dropwatch check --event a"
# Enum values are the library's names (dw_enum_name), which the parser accepts.
complete_bash dropwatch deliver --naming ""
for v in unique exchange; do offers "$v" "dropwatch deliver --naming"; done
complete_bash dropwatch resolve --exchange-version 20
offers 2013 "dropwatch resolve --exchange-version 20"
complete_bash dropwatch deliver --eoh ""
for v in $(cat "$T/reply"); do
    run deliver --eoh "$v" --no-such-option-x
    expect_err "unknown option '--no-such-option-x'" "deliver accepts the offered --eoh $v"
done

# Options completion treats as taking a value (the file-completing case, and the enum options whose
# values it offers: -f|--format, --event, --naming, ...).
value_opts=$( { sed -n 's/^    -c|\(.*\)) COMPREPLY=.*compgen -f.*/\1/p' "$T/dropwatch.bash" | tr '|' '\n'
                sed -n 's/^    \(-f|\)\{0,1\}\(--[a-z-]*\)) COMPREPLY=.*compgen -W.*/\2/p' "$T/dropwatch.bash"; } | sort -u)
printf '%s\n' "$value_opts" | grep -qx -- --naming || fail "enum options are not found in the bash script"
[ -n "$value_opts" ] || fail "no value options found in the bash script"
commands=$("$DW" --help | awk '/^Commands:/{on=1; next} /^$/{on=0} on {print $1}')
[ -n "$commands" ] || fail "no commands found in dropwatch --help"
for c in $commands; do
    complete_bash dropwatch "$c" --
    # Every option the command's help names is offered ...
    "$DW" "$c" --help >"$T/help" 2>&1
    for o in $(grep -oE -- '--[a-z][a-z0-9-]+' "$T/help" | sort -u); do
        checks=$((checks + 1))
        grep -qx -- "$o" "$T/reply" || fail "$c: --help names $o, completion does not offer it"
    done
    # The command's own options (not the global ones, nor those its help refers to another command for)
    # are named in its --help (deliver took --lock-timeout without naming it).
    case $c in deliver | check | pickup)
        for o in $(sed -n "s/^    $c) opts='\(.*\)' ;;/\1/p" "$T/dropwatch.bash"); do
            checks=$((checks + 1))
            case $o in --connector | --root | --drop-dir | --install-dir | --exchange-version | --style | --computer | \
                --quota | --format | --config | --event | --verbose | --quiet | --throttle | --help) continue ;; esac
            grep -q -- "$o\b" "$T/help" || fail "$c: accepts $o, its --help does not name it"
        done ;;
    esac
    # ... and every option offered is one the command's parser accepts: a value option given last without
    # its value is "needs an argument", and with one it is not refused (it may be an invalid value); a flag
    # followed by an unknown option fails on the unknown one. (sweep offered --interval, --plugin, ...,
    # which it refuses as not applying.)
    for o in $(cat "$T/reply"); do
        checks=$((checks + 1))
        if printf '%s\n' "$value_opts" | grep -qx -- "$o"; then
            "$DW" "$c" "$o" >"$OUT" 2>"$ERR" </dev/null
            grep -q "needs an argument" "$ERR" || fail "$c: completion offers $o with a value, the command disagrees"
            # A value it refuses is refused by the option's name (pickup said "invalid value '...'").
            "$DW" "$c" "$o" 99999999999999999999 --no-such-option-x >"$OUT" 2>"$ERR" </dev/null
            grep -q -- "no-such-option-x" "$ERR" || grep -q -- "${o#--}" "$ERR" ||
                fail "$c: a value $o refuses is not refused by the option's name: $(head -n 1 "$ERR")"
            "$DW" "$c" "$o" 1 --no-such-option-x >"$OUT" 2>"$ERR" </dev/null
        else
            "$DW" "$c" "$o" --no-such-option-x >"$OUT" 2>"$ERR" </dev/null
        fi
        grep -Eq "unknown option '$o'|'$o' does not apply" "$ERR" && fail "$c: completion offers $o, the command rejects it"
    done
    # zsh offers the same options.
    checks=$((checks + 1))
    sed -n "/^    $c) _arguments/,/&& ret=0 ;;/p" "$T/_dropwatch" | grep -oE -- "--[a-z][a-z0-9-]+" | sort -u >"$T/zsh"
    sort -u "$T/reply" | cmp -s - "$T/zsh" || fail "$c: zsh and bash completion offer different options"
done

if command -v zsh >/dev/null 2>&1; then
    checks=$((checks + 1))
    zsh -n "$T/_dropwatch" 2>"$ERR" || fail "the zsh completion script does not parse"
    head -n 1 "$T/_dropwatch" | grep -qx '#compdef dropwatch' || fail "the zsh script lacks its #compdef line"
elif [ "${DW_REQUIRE_ZSH:-0}" = 1 ]; then
    fail "zsh missing (tools/deps.sh installs it)"
else
    echo "zsh missing: zsh script not parsed"
fi
finish
