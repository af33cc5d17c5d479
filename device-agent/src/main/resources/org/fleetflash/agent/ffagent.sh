#!/bin/sh
# FleetFlash device agent.
# Collects facts on a FreeBSD router and prints them in the line protocol of
# docs/agent-protocol.md: lines starting with "@FF " are for the desktop,
# everything else is a log for humans. The agent only collects; the desktop
# parses and decides.
#
# Runs on FreeBSD's /bin/sh and on dash, posh and busybox sh. It uses only sh
# built-ins plus the FreeBSD tools it reports on, because stripped images
# (freebsd-wifi-build) have no awk, sed, tr, od, geom, fetch or sha256.
#
# FF_ROOT: the one root prefix. Unset on a real router; the simulated router
# sets it to its sandbox directory.

FF_PROTOCOL=1
: "${FF_ROOT:=}"
# Where the desktop put this script; scratch files go next to it.
case $0 in
    */*) FF_HOME=${0%/*} ;;
    *) FF_HOME=. ;;
esac
FF_NL='
'

# Prints one machine line: kind followed by its fields.
ff_emit() {
    printf '@FF %s\n' "$*"
}

# Sets FF_LINE to $1 on one line: line breaks become spaces (runs of them one space), so a value can never start a
# line of its own. Splits on IFS rather than with ${x%%"$nl"*}, which posh gets wrong. No subshell: the agent reports
# dozens of facts and checks; its variables are its own (_ff_ol_*), since it runs in the caller's shell.
ff_oneline_v() {
    FF_LINE=
    _ff_ol_sep=
    _ff_ol_ifs=$IFS
    IFS=$FF_NL
    set -f
    for _ff_ol_part in $1; do
        FF_LINE="$FF_LINE$_ff_ol_sep$_ff_ol_part"
        _ff_ol_sep=' '
    done
    set +f
    IFS=$_ff_ol_ifs
}

# Prints $1 on one line (ff_oneline_v).
ff_oneline() {
    ff_oneline_v "$1"
    printf '%s' "$FF_LINE"
}

# Prints at most the first $2 (<= 255) characters of $1, without a loop over its length.
ff_cut() {
    _ff_pat=
    _ff_k=0
    while [ "$_ff_k" -lt "$2" ]; do
        _ff_pat="$_ff_pat?"
        _ff_k=$((_ff_k + 1))
    done
    # shellcheck disable=SC2295 # the pattern's ? are wildcards on purpose
    _ff_tail=${1#$_ff_pat}
    if [ "$_ff_tail" = "$1" ]; then
        printf '%s' "$1"
    else
        printf '%s' "${1%"$_ff_tail"}"
    fi
}

# Prints a fact line: ff_fact KEY VALUE.
ff_fact() {
    ff_oneline_v "$2"
    printf '@FF fact key=%s text=%s\n' "$1" "$FF_LINE"
}

# Prints an error line with a stable code and exits non-zero: ff_die CODE MESSAGE.
ff_die() {
    ff_oneline_v "$2"
    printf '@FF error code=%s text=%s\n' "$1" "$FF_LINE"
    exit 1
}

# Prints the path of tool $1 found on PATH, or fails; avoids `command -v`, which not every shell has.
ff_which() {
    _ff_save_ifs=$IFS
    IFS=:
    for _ff_dir in $PATH; do
        if [ -n "$_ff_dir" ] && [ -f "$_ff_dir/$1" ] && [ -x "$_ff_dir/$1" ]; then
            IFS=$_ff_save_ifs
            printf '%s\n' "$_ff_dir/$1"
            return 0
        fi
    done
    IFS=$_ff_save_ifs
    return 1
}

# Passes every line of standard input through as a raw line of source $1.
ff_raw() {
    while IFS= read -r _ff_line || [ -n "$_ff_line" ]; do
        printf '@FF raw src=%s text=%s\n' "$1" "$_ff_line"
    done
}

# Passes through, in order, the lines of standard input that match glob $2 or glob $3 (default: $2) as raw lines of source $1.
ff_raw_matching() {
    while IFS= read -r _ff_line || [ -n "$_ff_line" ]; do
        # shellcheck disable=SC2254 # the patterns are globs on purpose
        case $_ff_line in
            $2 | ${3:-$2}) printf '@FF raw src=%s text=%s\n' "$1" "$_ff_line" ;;
        esac
    done
}

# Runs a command into the scratch file; its stderr goes to our stderr (a log line). Fails like the command.
ff_capture() {
    "$@" >"$FF_SCRATCH" 2>&1
}

# Reports a fact from `sysctl -n NAME`, or fails with code $3 when sysctl cannot answer.
ff_sysctl_fact() {
    if _ff_val=$(sysctl -n "$2" 2>&1); then
        ff_fact "$1" "$_ff_val"
    else
        printf '%s\n' "$_ff_val" >&2
        ff_die "$3" "sysctl -n $2 failed: $_ff_val"
    fi
}

# Tests whether a tmpfs can really be mounted (reroot needs one), and cleans up after itself.
ff_tmpfs_works() {
    _ff_t="$FF_HOME/tmpfs-test.$$"
    mkdir -p "$_ff_t" || return 1
    if mount -t tmpfs tmpfs "$_ff_t" >/dev/null 2>&1; then
        umount "$_ff_t" >/dev/null 2>&1
        rmdir "$_ff_t" 2>/dev/null
        return 0
    fi
    rmdir "$_ff_t" 2>/dev/null
    return 1
}

# Tells whether process $1 lives: kill -0 says so, and ps (where there is one) does not show it exited but unreaped (Z).
ff_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    ff_which ps >/dev/null || return 0
    case $(ps -o stat= -p "$1" 2>/dev/null) in
        Z* | '') return 1 ;;
    esac
    return 0
}

# Tells whether process $1 lives and has $2 in its command (without ps, that it lives): a pid file, or the mark of a
# step, left by a process that was killed stays behind, and its number may belong to another process since, which
# must not be taken for it (nor be sent its signal).
ff_alive_as() {
    ff_alive "$1" || return 1
    ff_which ps >/dev/null || return 0
    case $(ps -o command= -p "$1" 2>/dev/null) in
        *"$2"*) return 0 ;;
    esac
    return 1
}

# Tells whether process $1 lives and is watchdogd.
ff_watchdogd_alive() {
    ff_alive_as "$1" watchdogd
}

# Tells whether watchdogd runs: its pid file names a live watchdogd.
ff_watchdogd_running() {
    _ff_pidfile="${FF_ROOT}/var/run/watchdogd.pid"
    [ -f "$_ff_pidfile" ] || return 1
    IFS= read -r _ff_pid <"$_ff_pidfile" || [ -n "$_ff_pid" ] || return 1
    case $_ff_pid in
        '' | *[!0-9]*) return 1 ;;
    esac
    ff_watchdogd_alive "$_ff_pid"
}

# probe: prints every fact the desktop needs to plan an upgrade. Changes nothing on the router.
ff_probe() {
    ff_emit "hello agent=$FF_PROTOCOL cmd=probe"
    ff_which sysctl >/dev/null || ff_die NO_SYSCTL "sysctl is missing: this does not look like a FreeBSD router"

    ff_fact os.release "$(uname -r 2>&1)"
    ff_sysctl_fact os.reldate kern.osreldate NO_OSRELDATE
    ff_fact arch "$(uname -m 2>&1)"
    ff_fact machine_arch "$(uname -p 2>&1)"
    ff_fact hostname "$(ff_cut "$(ff_oneline "$(hostname 2>&1)")" 255)"
    ff_sysctl_fact model hw.model NO_MODEL
    ff_sysctl_fact mem.physmem hw.physmem NO_MEMORY
    ff_sysctl_fact mem.usermem hw.usermem NO_MEMORY
    ff_sysctl_fact mem.pagesize hw.pagesize NO_MEMORY
    ff_sysctl_fact mem.freepages vm.stats.vm.v_free_count NO_MEMORY

    if ff_which kenv >/dev/null; then
        ff_fact root.mountfrom "$(kenv -q vfs.root.mountfrom 2>/dev/null)"
    fi
    if ff_which mount >/dev/null && ff_tmpfs_works; then
        ff_fact tmpfs yes
    else
        ff_fact tmpfs no
    fi
    if ff_watchdogd_running; then
        ff_fact watchdogd running
    else
        ff_fact watchdogd stopped
    fi
    if ff_which mdconfig >/dev/null; then
        ff_fact md.units "$(mdconfig -l 2>&1)"
    fi
    if [ -f "${FF_ROOT}/etc/version" ] && IFS= read -r _ff_ver <"${FF_ROOT}/etc/version"; then
        ff_fact firmware.version "$_ff_ver"
    fi

    ff_capture sysctl -n kern.geom.conftxt || ff_die NO_GEOM "sysctl -n kern.geom.conftxt failed: $(ff_oneline "$(cat "$FF_SCRATCH")")"
    ff_raw conftxt <"$FF_SCRATCH"
    if ff_which geom >/dev/null && ff_capture geom map list; then
        ff_raw geommap <"$FF_SCRATCH"
    fi
    if ff_capture sysctl -n kern.geom.confxml; then
        ff_raw_matching confxml '*<name>*' '*<stripesize>*' <"$FF_SCRATCH"
    fi
    if ff_which kenv >/dev/null && ff_capture kenv -h; then
        ff_raw_matching hints 'hint.map.*' <"$FF_SCRATCH"
    fi

    for _ff_tool in sh dd cmp kenv sysctl mdconfig newfs mount umount reboot init fetch sha256 nc logger; do
        if _ff_path=$(ff_which "$_ff_tool"); then
            ff_emit "tool name=$_ff_tool present=yes path=$_ff_path"
        else
            ff_emit "tool name=$_ff_tool present=no"
        fi
    done
    for _ff_led in "${FF_ROOT}"/dev/led/*; do
        [ -e "$_ff_led" ] || continue
        ff_emit "led name=${_ff_led##*/}"
    done
    ff_emit "done cmd=probe status=ok"
}

# ---------------------------------------------------------------- upgrade
# Paths of one upgrade on the router; everything under FF_WORK goes away with cleanup.
FF_WORK="${FF_ROOT}/tmp/fleetflash"
FF_CONF="$FF_WORK/stage.conf"
FF_MNT="$FF_WORK/md"
FF_IMG="$FF_MNT/image"
FF_UNITF="$FF_WORK/md.unit"
FF_SEALED="$FF_WORK/sealed"
# The claim of one attempt on this router (a directory: mkdir is atomic), and the commit's undo record and log.
FF_CLAIM="$FF_WORK/claim"
FF_CSTATE="$FF_WORK/commit.state"
FF_CLOG="$FF_WORK/commit.log"
# Tools the reroot root needs besides a telemetry client (printf: posh has no built-in one); init and reboot are never run to trace them.
FF_ROOT_TOOLS="sh init reboot dd cmp sleep kenv mount ls printf"
# Bounds of the flasher: tries per block, then rounds of tries (stage.conf may set FF_ROUNDS, FF_ROUND_PAUSE) before it reboots.
: "${FF_TRIES:=3}"
: "${FF_ROUNDS:=5}"
: "${FF_ROUND_PAUSE:=5}"
# Most erase blocks the flasher moves in one dd call (two runs of this size sit in its scratch tmpfs).
FF_RUN=16

# Prints a check line: ff_check NAME yes|no TEXT.
ff_check() {
    ff_oneline_v "$3"
    printf '@FF check name=%s ok=%s text=%s\n' "$1" "$2" "$FF_LINE"
}

# Prints the size in bytes of file $1 from `ls -lL` (stripped images have no stat or wc); fails if there is none.
ff_size() {
    _ff_ls=$(ls -lL "$1" 2>/dev/null) || return 1
    # shellcheck disable=SC2086 # split the listing into its fields
    set -- $_ff_ls
    case ${5:-} in
        '' | *[!0-9]*) return 1 ;;
    esac
    printf '%s\n' "$5"
}

# Prints $1 quoted for sh: in single quotes, each ' written as '\''.
ff_quote() {
    _ff_q=$1
    _ff_o=
    while :; do
        case $_ff_q in
            *"'"*)
                _ff_o="$_ff_o${_ff_q%%"'"*}'\\''"
                _ff_q=${_ff_q#*"'"}
                ;;
            *) break ;;
        esac
    done
    printf "'%s'" "$_ff_o$_ff_q"
}

# Fails unless $2 is a whole number; $1 names the setting in the message.
ff_need_num() {
    case $2 in
        '' | *[!0-9]*) ff_abort NO_CONF "stage.conf: $1 must be a whole number, not '$2'. Let FleetFlash write stage.conf again." ;;
    esac
}

# Undoes everything prepare made (mount, memory disk, stage.conf, scratch files); quiet and safe to run twice.
# Fails, keeping the record of the memory disk for another try, only when the memory disk is still there.
ff_undo() {
    _ff_unit=
    _ff_left=0
    if [ -f "$FF_UNITF" ]; then
        IFS= read -r _ff_unit <"$FF_UNITF" || :
    fi
    umount "$FF_MNT" >/dev/null 2>&1
    case $_ff_unit in
        md[0-9]*)
            if ! mdconfig -d -u "$_ff_unit" 2>"$FF_SCRATCH"; then
                printf 'cleanup: mdconfig -d -u %s: %s\n' "$_ff_unit" "$(ff_oneline "$(cat "$FF_SCRATCH")")" >&2
                case " $(mdconfig -l 2>/dev/null) " in
                    *" $_ff_unit "*) _ff_left=1 ;;
                esac
            fi
            ;;
    esac
    rm -f "$FF_SEALED" "$FF_CONF"
    if [ "$_ff_left" = 0 ]; then
        rm -f "$FF_UNITF"
        rmdir "$FF_MNT" 2>/dev/null
    fi
    return "$_ff_left"
}

# Cleans up what prepare made, releases the claim, and fails with a protocol error: ff_abort CODE MESSAGE.
ff_abort() {
    if ff_undo; then
        ff_release_claim
    else
        printf 'cleanup left memory disk %s behind\n' "$_ff_unit" >&2
    fi
    ff_die "$1" "$2"
}

# Reads stage.conf after checking it is a regular file of mode 600, and checks its values.
ff_load_conf() {
    if [ ! -f "$FF_CONF" ] || [ -L "$FF_CONF" ]; then
        ff_abort NO_CONF "stage.conf is missing ($FF_CONF). Let FleetFlash write it again."
    fi
    _ff_ls=$(ls -l "$FF_CONF" 2>/dev/null)
    case $_ff_ls in
        '-rw-------'*) ;;
        *) ff_abort NO_CONF "stage.conf is not mode 600 (${_ff_ls%% *}); it may hold a password. Let FleetFlash write it again." ;;
    esac
    # shellcheck disable=SC2034 # FF_PADDED_SHA256 is passed on to flash.conf through eval
    FF_TRANSPORT='' FF_URL='' FTP_PASSWORD='' FF_IMAGE_SIZE='' FF_IMAGE_SHA256='' FF_PADDED_SIZE='' FF_PADDED_SHA256=''
    FF_ERASE='' FF_SPAN_OFFSET='' FF_SPAN_SIZE='' FF_SEGMENTS='' FF_MARGIN='' FF_LED='' FF_CHANGED=''
    FF_TELEMETRY_HOST='' FF_TELEMETRY_PORT='' FF_TELEMETRY_TOKEN='' FF_TELEMETRY_SEQ=''
    # shellcheck source=/dev/null
    . "$FF_CONF"
    : "${FF_MARGIN:=8388608}"
    : "${FF_TELEMETRY_SEQ:=1}"
    case $FF_TRANSPORT in
        fetch | ssh) ;;
        *) ff_abort NO_CONF "stage.conf: FF_TRANSPORT must be fetch or ssh, not '$FF_TRANSPORT'." ;;
    esac
    for _ff_v in FF_IMAGE_SIZE:"$FF_IMAGE_SIZE" FF_PADDED_SIZE:"$FF_PADDED_SIZE" FF_ERASE:"$FF_ERASE" \
        FF_SPAN_OFFSET:"$FF_SPAN_OFFSET" FF_SPAN_SIZE:"$FF_SPAN_SIZE" FF_MARGIN:"$FF_MARGIN" \
        FF_TELEMETRY_SEQ:"$FF_TELEMETRY_SEQ" FF_ROUNDS:"$FF_ROUNDS" FF_ROUND_PAUSE:"$FF_ROUND_PAUSE"; do
        ff_need_num "${_ff_v%%:*}" "${_ff_v#*:}"
    done
    if [ "$FF_ERASE" -le 0 ] || [ $((FF_PADDED_SIZE % FF_ERASE)) != 0 ] || [ "$FF_PADDED_SIZE" -lt "$FF_IMAGE_SIZE" ] \
        || [ "$FF_IMAGE_SIZE" -le 0 ]; then
        ff_abort NO_CONF "stage.conf: sizes do not fit together (image $FF_IMAGE_SIZE, padded $FF_PADDED_SIZE, erase block $FF_ERASE)."
    fi
    case $FF_IMAGE_SHA256 in
        *[!0-9a-f]* | '') ff_abort NO_CONF "stage.conf: FF_IMAGE_SHA256 must be lowercase hex." ;;
    esac
    [ -n "$FF_SEGMENTS" ] || ff_abort NO_CONF "stage.conf: FF_SEGMENTS is empty."
    ff_check_changed || ff_abort NO_CONF "stage.conf: FF_CHANGED must list span erase blocks as ascending I or I-J below $((FF_PADDED_SIZE / FF_ERASE)), not '$(ff_cut "$FF_CHANGED" 64)'."
    case $FF_LED in
        */* | .*) ff_abort NO_CONF "stage.conf: FF_LED must be an LED name, not '$FF_LED'." ;;
    esac
    case $FF_TELEMETRY_HOST in
        *[!0-9a-fA-F.:]*) ff_abort NO_CONF "stage.conf: FF_TELEMETRY_HOST must be an IP address." ;;
    esac
    case $FF_TELEMETRY_PORT$FF_TELEMETRY_TOKEN in
        *[!0-9a-f]*) ff_abort NO_CONF "stage.conf: FF_TELEMETRY_PORT and FF_TELEMETRY_TOKEN must be a number and lowercase hex." ;;
    esac
}

# Checks FF_CHANGED: empty (the desktop does not know which blocks differ), or words I or I-J (0-based erase blocks
# of the span, I <= J), ascending without overlap, all below the padded image's block count.
ff_check_changed() {
    case $FF_CHANGED in
        *[!0-9\ -]*) return 1 ;;
    esac
    _ff_next=0
    for _ff_r in $FF_CHANGED; do
        case $_ff_r in
            -* | *- | *-*-*) return 1 ;;
        esac
        _ff_a=${_ff_r%-*}
        _ff_b=${_ff_r#*-}
        case $_ff_a/$_ff_b in
            0[0-9]*/* | */0[0-9]*) return 1 ;;
        esac
        [ "${#_ff_a}" -le 9 ] && [ "${#_ff_b}" -le 9 ] || return 1
        [ "$_ff_a" -ge "$_ff_next" ] && [ "$_ff_b" -ge "$_ff_a" ] && [ "$_ff_b" -lt $((FF_PADDED_SIZE / FF_ERASE)) ] || return 1
        _ff_next=$((_ff_b + 1))
    done
    return 0
}

# Prints the shared libraries tool $1 loads (one path a line) from the run-time linker's trace; odd lines are skipped.
ff_libs() {
    LD_TRACE_LOADED_OBJECTS=1 "$1" </dev/null 2>/dev/null | while read -r _ff_a _ff_b _ff_c _ff_rest; do
        case $_ff_b in
            '=>')
                case $_ff_c in
                    /*) printf '%s\n' "$_ff_c" ;;
                esac
                ;;
            '('*)
                case $_ff_a in
                    /*) printf '%s\n' "$_ff_a" ;;
                esac
                ;;
        esac
    done
}

# Sets FF_ROOT_LIST to ff_root_files' list, traced once per agent run (stage's prepare and seal both need it).
FF_ROOT_LIST=
ff_root_list() {
    [ -n "$FF_ROOT_LIST" ] || FF_ROOT_LIST=$(ff_root_files)
}

# Prints the router paths (without FF_ROOT) of every file the reroot root needs: tools, their libraries, the linker.
ff_root_files() {
    _ff_seen=' '
    _ff_tools=$FF_ROOT_TOOLS
    ff_which nc >/dev/null && _ff_tools="$_ff_tools nc"
    ff_which logger >/dev/null && _ff_tools="$_ff_tools logger"
    for _ff_t in $_ff_tools; do
        _ff_p=$(ff_which "$_ff_t") || continue
        _ff_rel=${_ff_p#"$FF_ROOT"}
        case $_ff_seen in *" $_ff_rel "*) continue ;; esac
        _ff_seen="$_ff_seen$_ff_rel "
        printf '%s\n' "$_ff_rel"
        case $_ff_t in
            init | reboot) continue ;;
        esac
        for _ff_lib in $(ff_libs "$_ff_p"); do
            [ -f "${FF_ROOT}$_ff_lib" ] || continue
            case $_ff_seen in *" $_ff_lib "*) continue ;; esac
            _ff_seen="$_ff_seen$_ff_lib "
            printf '%s\n' "$_ff_lib"
        done
    done
    if [ -f "${FF_ROOT}/libexec/ld-elf.so.1" ]; then
        case $_ff_seen in *" /libexec/ld-elf.so.1 "*) ;; *) printf '%s\n' /libexec/ld-elf.so.1 ;; esac
    fi
}

# Prints the partition table of kern.geom.conftxt as "NAME OFFSET SIZE" lines.
ff_map_table() {
    sysctl -n kern.geom.conftxt 2>/dev/null | while read -r _ff_lvl _ff_cls _ff_name _ff_msize _ff_sec _ff_rest; do
        [ "$_ff_cls" = MAP ] || continue
        _ff_off=
        # shellcheck disable=SC2086 # the key/value pairs of the line
        set -- $_ff_rest
        while [ $# -ge 2 ]; do
            if [ "$1" = o ]; then _ff_off=$2; fi
            shift 2
        done
        printf '%s %s %s\n' "${_ff_name#map/}" "$_ff_off" "$_ff_msize"
    done
}

# Re-checks the desktop's plan (FF_SEGMENTS and span) against the router's own partition table.
ff_check_plan() {
    _ff_table=$(ff_map_table)
    _ff_next=$FF_SPAN_OFFSET
    _ff_len_sum=0
    _ff_pad_sum=0
    _ff_n=0
    _ff_count=0
    for _ff_seg in $FF_SEGMENTS; do _ff_count=$((_ff_count + 1)); done
    for _ff_seg in $FF_SEGMENTS; do
        _ff_n=$((_ff_n + 1))
        IFS=: read -r _ff_sname _ff_soff _ff_slen _ff_splen _ff_extra <<SEG
$_ff_seg
SEG
        for _ff_x in "$_ff_soff" "$_ff_slen" "$_ff_splen"; do
            case $_ff_x in
                '' | *[!0-9]*) ff_check plan no "segment '$_ff_seg' is not name:offset:length:paddedlength"; return 1 ;;
            esac
        done
        _ff_psize=
        while read -r _ff_pn _ff_po _ff_ps; do
            if [ "$_ff_pn" = "$_ff_sname" ]; then _ff_psize=$_ff_ps _ff_poff=$_ff_po; fi
        done <<TABLE
$_ff_table
TABLE
        if [ -z "$_ff_psize" ]; then
            ff_check plan no "partition $_ff_sname of the plan does not exist on this router"
            return 1
        fi
        if [ "$_ff_poff" != "$_ff_soff" ] || [ "$_ff_soff" != "$_ff_next" ]; then
            ff_check plan no "partition $_ff_sname is at offset $_ff_poff on the router; the plan expects $_ff_soff (next free offset $_ff_next)"
            return 1
        fi
        if [ "$_ff_splen" -gt "$_ff_psize" ] || [ $((_ff_splen % FF_ERASE)) != 0 ] || [ "$_ff_slen" -gt "$_ff_splen" ] \
            || { [ "$_ff_n" -lt "$_ff_count" ] && [ "$_ff_splen" != "$_ff_psize" ]; }; then
            ff_check plan no "partition $_ff_sname has $_ff_psize bytes; the plan puts $_ff_slen bytes ($_ff_splen padded) there"
            return 1
        fi
        _ff_next=$((_ff_soff + _ff_psize))
        _ff_len_sum=$((_ff_len_sum + _ff_slen))
        _ff_pad_sum=$((_ff_pad_sum + _ff_splen))
    done
    if [ "$_ff_len_sum" != "$FF_IMAGE_SIZE" ] || [ "$_ff_pad_sum" != "$FF_PADDED_SIZE" ] \
        || [ "$_ff_next" -gt $((FF_SPAN_OFFSET + FF_SPAN_SIZE)) ]; then
        ff_check plan no "segments hold $_ff_len_sum bytes ($_ff_pad_sum padded, span ends at $_ff_next); the plan says $FF_IMAGE_SIZE ($FF_PADDED_SIZE padded) within $FF_SPAN_SIZE bytes from $FF_SPAN_OFFSET"
        return 1
    fi
    ff_check plan yes "$_ff_count partitions at the planned offsets"
}

# Prints the names of the plan's partitions that a hint.map.N.readonly hint marks read-only.
ff_readonly_parts() {
    _ff_hints=$(kenv -h 2>/dev/null)
    for _ff_seg in $FF_SEGMENTS; do
        _ff_sname=${_ff_seg%%:*}
        while IFS= read -r _ff_h; do
            case $_ff_h in
                hint.map.*.name=*) ;;
                *) continue ;;
            esac
            _ff_val=${_ff_h#*=}
            _ff_val=${_ff_val#\"}
            _ff_val=${_ff_val%\"}
            [ "$_ff_val" = "$_ff_sname" ] || continue
            _ff_idx=${_ff_h#hint.map.}
            _ff_idx=${_ff_idx%%.*}
            while IFS= read -r _ff_r; do
                case $_ff_r in
                    "hint.map.$_ff_idx.readonly="*)
                        _ff_rv=${_ff_r#*=}
                        _ff_rv=${_ff_rv#\"}
                        _ff_rv=${_ff_rv%\"}
                        case $_ff_rv in
                            '' | 0 | 0x0) ;;
                            *) printf '%s\n' "$_ff_sname" ;;
                        esac
                        ;;
                esac
            done <<HINTS
$_ff_hints
HINTS
        done <<HINTS
$_ff_hints
HINTS
    done
}

# prepare: pre-flight checks, then the memory disk with a file system, mounted on FF_MNT.
ff_prepare() {
    ff_emit "phase name=preflight"
    if [ -f "$FF_UNITF" ]; then
        ff_die BUSY "an upgrade is already prepared ($FF_UNITF); run cleanup first"
    fi
    _ff_missing=
    _ff_need="init reboot mdconfig newfs mount umount dd cmp kenv sh sysctl"
    [ "$FF_TRANSPORT" = fetch ] && _ff_need="$_ff_need fetch"
    for _ff_t in $_ff_need; do
        ff_which "$_ff_t" >/dev/null || _ff_missing="$_ff_missing $_ff_t"
    done
    if [ -n "$_ff_missing" ]; then
        ff_check tools no "missing:$_ff_missing"
        ff_abort TOOL_MISSING "the router lacks$_ff_missing, which the upgrade needs"
    fi
    ff_check tools yes "$_ff_need"
    # reboot -r came with FreeBSD 10.3 (kern.osreldate 1003000) and 11.0; older kernels and reboots cannot reroot
    _ff_rel=$(sysctl -n kern.osreldate 2>/dev/null)
    _ff_relname=$(uname -r 2>/dev/null)
    case $_ff_rel in
        '' | *[!0-9]*) _ff_rel=0 ;;
    esac
    if [ "$_ff_rel" -lt 1003000 ]; then
        ff_check reroot no "FreeBSD $_ff_relname (kern.osreldate $_ff_rel) predates reboot -r (FreeBSD 10.3)"
        ff_abort NO_REROOT "this router runs FreeBSD $_ff_relname (kern.osreldate $_ff_rel), which cannot reroot: reboot -r came with FreeBSD 10.3. Nothing was changed; upgrade this router with a console cable."
    fi
    ff_check reroot yes "FreeBSD $_ff_relname (kern.osreldate $_ff_rel) has reboot -r"
    if ff_tmpfs_works; then
        ff_check tmpfs yes "a tmpfs mounts"
    else
        ff_check tmpfs no "a tmpfs cannot be mounted"
        ff_abort NO_TMPFS "this kernel cannot mount a tmpfs, which reboot -r needs; without it the router would be stranded. Upgrade it with a console cable."
    fi
    if ff_which nc >/dev/null || ff_which logger >/dev/null; then
        ff_check telemetry yes "progress after the reroot is reported over UDP"
    else
        ff_check telemetry no "neither nc nor logger: no progress after the reroot; the result is judged by the router's return only"
    fi
    ff_check_plan || ff_abort PLAN_MISMATCH "the router's partitions differ from the plan; probe the router again"
    _ff_ro=$(ff_readonly_parts)
    if [ -n "$_ff_ro" ]; then
        ff_check readonly no "read-only: $(ff_oneline "$_ff_ro")"
        ff_abort READONLY "partition $(ff_oneline "$_ff_ro") is read-only (hint.map readonly=1): it cannot be written online"
    fi
    ff_check readonly yes "the plan's partitions are writable"
    # the root's files listed by one ls (a file it cannot list counts 0)
    ff_root_list
    _ff_bins=0
    set --
    for _ff_f in $FF_ROOT_LIST; do
        set -- "$@" "${FF_ROOT}$_ff_f"
    done
    if [ $# -gt 0 ]; then
        _ff_ls=$(ls -lL "$@" 2>/dev/null)
        while read -r _ff_1 _ff_2 _ff_3 _ff_4 _ff_s _ff_rest; do
            case $_ff_s in
                '' | *[!0-9]*) ;;
                *) _ff_bins=$((_ff_bins + _ff_s)) ;;
            esac
        done <<LS
$_ff_ls
LS
    fi
    _ff_data=$((FF_PADDED_SIZE + _ff_bins + 262144))
    _ff_md=$((_ff_data + _ff_data / 5))
    FF_MD_K=$(((_ff_md + 1023) / 1024))
    FF_MDSIZE=$((FF_MD_K * 1024))
    _ff_pages=$(sysctl -n vm.stats.vm.v_free_count 2>/dev/null)
    _ff_psz=$(sysctl -n hw.pagesize 2>/dev/null)
    case $_ff_pages$_ff_psz in
        '' | *[!0-9]*) ff_abort NO_RAM "free memory is unknown (sysctl vm.stats.vm.v_free_count, hw.pagesize)" ;;
    esac
    _ff_free=$((_ff_pages * _ff_psz))
    _ff_want=$((FF_MDSIZE + FF_MARGIN))
    if [ "$_ff_free" -lt "$_ff_want" ]; then
        ff_check ram no "needs $_ff_want bytes (memory disk $FF_MDSIZE + margin $FF_MARGIN), $_ff_free free"
        ff_abort NO_RAM "needs $_ff_want bytes of free RAM (memory disk $FF_MDSIZE + margin $FF_MARGIN) but $_ff_free are free. Free memory or reboot the router, then try again."
    fi
    ff_check ram yes "needs $_ff_want bytes (memory disk $FF_MDSIZE + margin $FF_MARGIN), $_ff_free free"
    if ff_watchdogd_running; then
        ff_check watchdogd yes "running: commit stops it"
    else
        ff_check watchdogd yes "not running"
    fi

    ff_emit "phase name=md"
    mkdir -p "$FF_WORK" || ff_abort MD_FAILED "cannot create $FF_WORK"
    if ! FF_MD=$(mdconfig -a -t swap -s "${FF_MD_K}k" 2>"$FF_SCRATCH"); then
        case $(cat "$FF_SCRATCH") in
            *"Cannot allocate memory"*)
                # RAM went away since the check (another process took it): say how much is free now.
                _ff_pages=$(sysctl -n vm.stats.vm.v_free_count 2>/dev/null)
                case $_ff_pages in '' | *[!0-9]*) _ff_pages=0 ;; esac
                ff_abort NO_RAM "the memory disk needs $FF_MDSIZE bytes (plus margin $FF_MARGIN) but only $((_ff_pages * _ff_psz)) bytes are free now: free RAM shrank since the check. Free memory or reboot the router, then try again."
                ;;
        esac
        ff_abort MD_FAILED "mdconfig -a -t swap -s ${FF_MD_K}k failed: $(ff_oneline "$(cat "$FF_SCRATCH")")"
    fi
    case $FF_MD in
        md[0-9]*) ;;
        *) ff_abort MD_FAILED "mdconfig printed '$FF_MD' instead of a memory disk name" ;;
    esac
    printf '%s\n' "$FF_MD" >"$FF_UNITF" || ff_abort MD_FAILED "cannot record the memory disk in $FF_UNITF"
    if ! newfs -m 0 -o space "${FF_ROOT}/dev/$FF_MD" >"$FF_SCRATCH" 2>&1; then
        ff_abort NEWFS_FAILED "newfs ${FF_ROOT}/dev/$FF_MD failed: $(ff_oneline "$(cat "$FF_SCRATCH")")"
    fi
    mkdir -p "$FF_MNT" || ff_abort MOUNT_FAILED "cannot create $FF_MNT"
    if ! mount "${FF_ROOT}/dev/$FF_MD" "$FF_MNT" 2>"$FF_SCRATCH"; then
        ff_abort MOUNT_FAILED "mount ${FF_ROOT}/dev/$FF_MD $FF_MNT failed: $(ff_oneline "$(cat "$FF_SCRATCH")")"
    fi
    ff_emit "prepared md=$FF_MD mount=$FF_MNT image=$FF_IMG mdsize=$FF_MDSIZE"
}

# Reads the memory disk prepare made into FF_MD; fails with $1 when there is none.
ff_prepared_md() {
    FF_MD=
    [ -f "$FF_UNITF" ] && IFS= read -r FF_MD <"$FF_UNITF"
    case $FF_MD in
        md[0-9]*) ;;
        *) ff_abort "$1" "no memory disk was prepared; run prepare (or stage) first" ;;
    esac
}

# fetch: downloads the image into the memory disk; one resumed retry, then DOWNLOAD_FAILED.
ff_fetch() {
    ff_emit "phase name=download"
    ff_prepared_md NOT_STAGED
    [ -n "$FF_URL" ] || ff_abort NO_CONF "stage.conf has no FF_URL to fetch the image from"
    ff_which fetch >/dev/null || ff_abort TOOL_MISSING "the router lacks fetch; use FF_TRANSPORT='ssh' and upload the image to $FF_IMG"
    FTP_PASSWORD=${FTP_PASSWORD:-}
    export FTP_PASSWORD
    if ! fetch -R -o "$FF_IMG" "$FF_URL" 2>"$FF_SCRATCH"; then
        cat "$FF_SCRATCH" >&2
        printf 'fetch failed; resuming once\n' >&2
        if ! fetch -r -R -o "$FF_IMG" "$FF_URL" 2>"$FF_SCRATCH"; then
            cat "$FF_SCRATCH" >&2
            _ff_msg=
            while IFS= read -r _ff_l; do
                case $_ff_l in
                    fetch:*) _ff_msg=$_ff_l ;;
                esac
            done <"$FF_SCRATCH"
            ff_abort DOWNLOAD_FAILED "${_ff_msg:-fetch failed twice}"
        fi
    fi
    cat "$FF_SCRATCH" >&2
    _ff_got=$(ff_size "$FF_IMG") || ff_abort DOWNLOAD_FAILED "fetch left no image at $FF_IMG"
    ff_emit "fetched bytes=$_ff_got"
}

# seal: checks the staged image, builds the reroot root around it, and proves it mounts read-only.
ff_seal() {
    ff_emit "phase name=verify"
    ff_prepared_md NOT_STAGED
    _ff_got=$(ff_size "$FF_IMG") || ff_abort SIZE_MISMATCH "there is no image at $FF_IMG"
    if [ "$_ff_got" != "$FF_IMAGE_SIZE" ]; then
        ff_abort SIZE_MISMATCH "the staged image has $_ff_got bytes, the plan $FF_IMAGE_SIZE"
    fi
    FF_SHA=unavailable
    if ff_which sha256 >/dev/null; then
        FF_SHA=$(sha256 -q "$FF_IMG" 2>"$FF_SCRATCH") || ff_abort DIGEST_MISMATCH "sha256 failed: $(ff_oneline "$(cat "$FF_SCRATCH")")"
        if [ "$FF_SHA" != "$FF_IMAGE_SHA256" ]; then
            ff_abort DIGEST_MISMATCH "the staged image has SHA-256 $FF_SHA, the plan $FF_IMAGE_SHA256"
        fi
    fi

    ff_emit "phase name=root"
    # one mkdir for every directory, one cp per directory of files
    ff_root_list
    _ff_dirs=
    for _ff_f in $FF_ROOT_LIST; do
        case " $_ff_dirs " in
            *" ${_ff_f%/*} "*) ;;
            *) _ff_dirs="$_ff_dirs ${_ff_f%/*}" ;;
        esac
    done
    set --
    for _ff_d in /dev /bin /sbin /usr/bin /usr/sbin /etc /tmp /lib /libexec $_ff_dirs; do
        set -- "$@" "$FF_MNT$_ff_d"
    done
    mkdir -p "$@" || ff_abort ROOT_CHECK_FAILED "cannot create the root's directories on the memory disk"
    for _ff_d in $_ff_dirs; do
        set --
        _ff_names=
        for _ff_f in $FF_ROOT_LIST; do
            if [ "${_ff_f%/*}" = "$_ff_d" ]; then
                set -- "$@" "${FF_ROOT}$_ff_f"
                _ff_names="$_ff_names $_ff_f"
            fi
        done
        if ! cp "$@" "$FF_MNT$_ff_d/"; then
            ff_abort ROOT_CHECK_FAILED "cannot copy$_ff_names onto the memory disk (is it full?)"
        fi
    done
    if ! cp "$0" "$FF_MNT/etc/rc" || ! chmod 755 "$FF_MNT/etc/rc"; then
        ff_abort ROOT_CHECK_FAILED "cannot install the flasher as /etc/rc"
    fi
    {
        for _ff_v in FF_IMAGE_SIZE FF_IMAGE_SHA256 FF_PADDED_SIZE FF_PADDED_SHA256 FF_ERASE FF_SPAN_OFFSET \
            FF_SPAN_SIZE FF_SEGMENTS FF_CHANGED FF_LED FF_TELEMETRY_HOST FF_TELEMETRY_PORT FF_TELEMETRY_TOKEN FF_ROUNDS \
            FF_ROUND_PAUSE; do
            eval "_ff_x=\${$_ff_v}"
            printf '%s=%s\n' "$_ff_v" "$(ff_quote "$_ff_x")"
        done
        printf 'FF_TELEMETRY_SEQ=%s\n' $((FF_TELEMETRY_SEQ + 1))
    } >"$FF_MNT/etc/flash.conf" || ff_abort ROOT_CHECK_FAILED "cannot write /etc/flash.conf"
    if ! umount "$FF_MNT" 2>"$FF_SCRATCH"; then
        ff_abort ROOT_CHECK_FAILED "umount $FF_MNT failed: $(ff_oneline "$(cat "$FF_SCRATCH")")"
    fi
    if ! mount -o ro "${FF_ROOT}/dev/$FF_MD" "$FF_MNT" 2>"$FF_SCRATCH"; then
        ff_abort ROOT_CHECK_FAILED "the memory disk does not mount read-only: $(ff_oneline "$(cat "$FF_SCRATCH")")"
    fi
    if [ ! -f "$FF_MNT/sbin/init" ] || [ ! -d "$FF_MNT/dev" ] || [ ! -f "$FF_MNT/etc/rc" ] || [ ! -f "$FF_MNT/bin/sh" ]; then
        ff_abort ROOT_CHECK_FAILED "the read-only memory disk lacks /sbin/init, /bin/sh, /dev or /etc/rc"
    fi
    if ! umount "$FF_MNT" 2>"$FF_SCRATCH"; then
        ff_abort ROOT_CHECK_FAILED "umount $FF_MNT failed: $(ff_oneline "$(cat "$FF_SCRATCH")")"
    fi
    : >"$FF_SEALED"
    ff_emit "staged md=$FF_MD mdsize=$(ff_md_size) imagesize=$_ff_got sha256=$FF_SHA"
}

# Prints the size of the prepared memory disk in bytes, from the MD line of kern.geom.conftxt.
ff_md_size() {
    _ff_mds=0
    while read -r _ff_lvl _ff_cls _ff_name _ff_msize _ff_rest; do
        if [ "$_ff_cls" = MD ] && [ "$_ff_name" = "$FF_MD" ]; then _ff_mds=$_ff_msize; fi
    done <<CONF
$(sysctl -n kern.geom.conftxt 2>/dev/null)
CONF
    printf '%s\n' "$_ff_mds"
}

# Sends one telemetry datagram "FFT1 token seq KIND ..."; $1 = bg to not wait for it to leave. In the background nc
# (logger where there is no nc). In the foreground (DONE, ERROR: the flasher reboots next) logger, which exits once
# its datagram is sent, where the router has it; else nc, which lingers its -w second after its input ends.
ff_tele() {
    _ff_bg=$1
    shift
    [ -n "$FF_TELEMETRY_HOST" ] && [ -n "$FF_TELEMETRY_PORT" ] && [ -n "$FF_TELEMETRY_TOKEN" ] || return 0
    _ff_msg="FFT1 $FF_TELEMETRY_TOKEN $FF_SEQ $*"
    FF_SEQ=$((FF_SEQ + 1))
    if [ "$_ff_bg" = bg ] && ff_which nc >/dev/null; then
        # one process per datagram: the here-document is ready before nc starts
        nc -u -w 1 "$FF_TELEMETRY_HOST" "$FF_TELEMETRY_PORT" >/dev/null 2>&1 <<MSG &
$_ff_msg
MSG
    elif ff_which logger >/dev/null; then
        logger -h "$FF_TELEMETRY_HOST" -P "$FF_TELEMETRY_PORT" -t ffflash "$_ff_msg" >/dev/null 2>&1
    elif ff_which nc >/dev/null; then
        printf '%s\n' "$_ff_msg" | nc -u -w 1 "$FF_TELEMETRY_HOST" "$FF_TELEMETRY_PORT" >/dev/null 2>&1
    fi
    return 0
}

# Naps a tenth of a second where sleep takes fractions, else a second; FF_NAPPED says how many tenths it took.
ff_nap() {
    if sleep 0.1 2>/dev/null; then
        FF_NAPPED=1
    else
        sleep 1
        FF_NAPPED=10
    fi
}

# Naps during a wait that has lasted $1 tenths of a second: a tenth at first, a second once a second has passed, so
# that a long wait (a watchdogd that does not stop) polls, and runs ps, ten times less on a slow router.
ff_wait_nap() {
    if [ "$1" -lt 10 ]; then
        ff_nap
    else
        sleep 1
        FF_NAPPED=10
    fi
}

# Prints the time in seconds since the epoch, or 0 where date cannot tell.
ff_epoch() {
    _ff_e=$(date +%s 2>/dev/null)
    case $_ff_e in
        '' | *[!0-9]*) _ff_e=0 ;;
    esac
    printf '%s\n' "$_ff_e"
}

# ---------------------------------------------------------------- the claim: one upgrade of a router at a time

# Fails with USAGE unless $1 is an attempt id: 1 to 64 letters, digits, '_' or '-'.
ff_need_attempt() {
    case $1 in
        '' | *[!A-Za-z0-9_-]*) ff_die USAGE "the attempt id must be 1 to 64 letters, digits, '_' or '-', not '$(ff_cut "$1" 64)'" ;;
    esac
    [ "${#1}" -le 64 ] || ff_die USAGE "the attempt id must be at most 64 characters long"
}

# Reads the claim into FF_HOLDER, FF_HOLDER_SINCE, FF_HOLDER_LAPTOP (waiting at most 2 s for one being written); fails if there is none.
ff_read_claim() {
    FF_HOLDER=
    FF_HOLDER_SINCE=unknown
    FF_HOLDER_LAPTOP=unknown
    _ff_k=0
    while [ "$_ff_k" -lt 20 ]; do
        [ -d "$FF_CLAIM" ] || return 1
        if [ -f "$FF_CLAIM/attempt" ] && IFS= read -r FF_HOLDER <"$FF_CLAIM/attempt" && [ -n "$FF_HOLDER" ]; then
            break
        fi
        ff_nap
        _ff_k=$((_ff_k + FF_NAPPED))
    done
    [ -f "$FF_CLAIM/since" ] && IFS= read -r FF_HOLDER_SINCE <"$FF_CLAIM/since"
    [ -f "$FF_CLAIM/laptop" ] && IFS= read -r FF_HOLDER_LAPTOP <"$FF_CLAIM/laptop"
    # each value becomes a token of the holder line: keep it one
    case $FF_HOLDER in
        '' | *[!A-Za-z0-9_-]*) FF_HOLDER=unknown ;;
    esac
    case $FF_HOLDER_SINCE in
        '' | *[!0-9TZ:-]*) FF_HOLDER_SINCE=unknown ;;
    esac
    case $FF_HOLDER_LAPTOP in
        '' | *[!0-9a-fA-F.:]*) FF_HOLDER_LAPTOP=unknown ;;
    esac
    return 0
}

# Removes the claim; quiet.
ff_release_claim() {
    rm -rf "$FF_CLAIM"
    return 0
}

# Fails with BUSY, naming the upgrade that holds the claim; a holder line first carries the same as fields.
ff_busy() {
    _ff_state=claimed
    if ff_commit_busy; then _ff_state=committing; fi
    ff_emit "holder attempt=$FF_HOLDER since=$FF_HOLDER_SINCE laptop=$FF_HOLDER_LAPTOP state=$_ff_state"
    if [ "$_ff_state" = committing ]; then
        ff_die BUSY "another upgrade of this router (attempt $FF_HOLDER, started $FF_HOLDER_SINCE from $FF_HOLDER_LAPTOP) is committing: the router is about to reroot into its new firmware. Wait for it; do not clean up."
    fi
    ff_die BUSY "another upgrade of this router holds it: attempt $FF_HOLDER, started $FF_HOLDER_SINCE from $FF_HOLDER_LAPTOP. If that upgrade is no longer running, run 'fleetflash cleanup' for this router, then try again."
}

# claim ATTEMPT: makes ATTEMPT the one upgrade of this router in one atomic step (mkdir); the loser gets BUSY.
ff_claim() {
    ff_need_attempt "$1"
    mkdir -p "$FF_WORK" 2>/dev/null
    if mkdir "$FF_CLAIM" 2>/dev/null; then
        _ff_since=$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)
        case $_ff_since in
            '' | *[!0-9TZ:-]*) _ff_since=unknown ;;
        esac
        _ff_laptop=${SSH_CLIENT:-}
        _ff_laptop=${_ff_laptop%% *}
        case $_ff_laptop in
            '' | *[!0-9a-fA-F.:]*) _ff_laptop=unknown ;;
        esac
        # the attempt file last: a reader waits for it
        if ! printf '%s\n' "$_ff_since" >"$FF_CLAIM/since" || ! printf '%s\n' "$_ff_laptop" >"$FF_CLAIM/laptop" \
            || ! printf '%s\n' "$1" >"$FF_CLAIM/attempt"; then
            ff_release_claim
            ff_die CLAIM_FAILED "cannot write the claim in $FF_CLAIM (is /tmp full?)"
        fi
        ff_emit "claimed attempt=$1 since=$_ff_since laptop=$_ff_laptop"
        return
    fi
    ff_read_claim || ff_die CLAIM_FAILED "cannot create $FF_CLAIM and there is no claim: is $FF_WORK writable?"
    if [ "$FF_HOLDER" = "$1" ]; then
        ff_emit "claimed attempt=$1 since=$FF_HOLDER_SINCE laptop=$FF_HOLDER_LAPTOP"
        return
    fi
    ff_busy
}

# Fails unless attempt $1 holds the claim: NOT_CLAIMED without a claim, BUSY when another attempt has it. Sets FF_ATTEMPT.
ff_hold() {
    ff_need_attempt "$1"
    ff_read_claim || ff_die NOT_CLAIMED "attempt $1 has no claim on this router (none was made, or cleanup released it); start the upgrade again"
    [ "$FF_HOLDER" = "$1" ] || ff_busy
    FF_ATTEMPT=$1
}

# conf ATTEMPT: writes stage.conf (mode 600) from standard input, for the claim's holder only; at most 256 lines.
ff_conf() {
    ff_hold "$1"
    _ff_new="$FF_CONF.new.$$"
    rm -f "$_ff_new"
    (
        umask 077
        _ff_n=0
        while IFS= read -r _ff_l || [ -n "$_ff_l" ]; do
            _ff_n=$((_ff_n + 1))
            [ "$_ff_n" -le 256 ] || exit 2
            printf '%s\n' "$_ff_l" || exit 1
        done >"$_ff_new"
    )
    case $? in
        0) ;;
        2)
            rm -f "$_ff_new"
            ff_die NO_CONF "stage.conf has more than 256 lines; nothing was written"
            ;;
        *)
            rm -f "$_ff_new"
            ff_die NO_CONF "cannot write $FF_CONF (is /tmp full?)"
            ;;
    esac
    if ! chmod 600 "$_ff_new" || ! mv -f "$_ff_new" "$FF_CONF"; then
        rm -f "$_ff_new"
        ff_die NO_CONF "cannot put $FF_CONF in place"
    fi
    ff_emit "done cmd=conf status=ok"
}

# ---------------------------------------------------------------- commit: the point of no return

# Reads the commit's undo record into FF_C_*; fails if there is none.
ff_read_cstate() {
    # shellcheck disable=SC2034 # FF_C_ATTEMPT and FF_C_MD are in the record for people reading it
    FF_C_PID='' FF_C_ATTEMPT='' FF_C_MD='' FF_C_OLDROOT='' FF_C_WD='' FF_C_STEP='' FF_C_TIME=0
    if [ ! -f "$FF_CSTATE" ] || [ -L "$FF_CSTATE" ]; then
        return 1
    fi
    # shellcheck source=/dev/null
    . "$FF_CSTATE"
    case $FF_C_TIME in
        '' | *[!0-9]*) FF_C_TIME=0 ;;
    esac
    return 0
}

# Writes the undo record atomically: ff_write_cstate STEP OLDROOT WATCHDOGD (running|stopped).
ff_write_cstate() {
    {
        printf 'FF_C_PID=%s\n' "$$"
        printf 'FF_C_ATTEMPT=%s\n' "$(ff_quote "$FF_ATTEMPT")"
        printf 'FF_C_MD=%s\n' "$(ff_quote "$FF_MD")"
        printf 'FF_C_OLDROOT=%s\n' "$(ff_quote "$2")"
        printf 'FF_C_WD=%s\n' "$3"
        printf 'FF_C_STEP=%s\n' "$1"
        printf 'FF_C_TIME=%s\n' "$(ff_epoch)"
    } >"$FF_CSTATE.new" && mv -f "$FF_CSTATE.new" "$FF_CSTATE"
}

# Tells whether a commit is under way: its process lives (and is this agent: its number may be another's since), or it
# asked for the reroot less than 120 s ago.
ff_commit_busy() {
    ff_read_cstate || return 1
    case $FF_C_PID in
        '' | *[!0-9]*) ;;
        *) ff_step_alive "$FF_C_PID" && return 0 ;;
    esac
    [ "$FF_C_STEP" = rerooting ] || return 1
    _ff_now=$(ff_epoch)
    if [ "$_ff_now" = 0 ] || [ "$FF_C_TIME" = 0 ]; then
        return 0
    fi
    [ $((_ff_now - FF_C_TIME)) -lt 120 ]
}

# commit (in the SSH session): starts the commit detached from the session, then relays its log while the session lives.
ff_commit() {
    ff_emit "phase name=commit"
    ff_prepared_md NOT_STAGED
    [ -f "$FF_SEALED" ] || ff_abort NOT_STAGED "the memory disk $FF_MD was not sealed; run seal (or stage) first"
    if ff_commit_busy; then
        ff_die COMMITTING "a commit already runs on this router (process $FF_C_PID, step $FF_C_STEP); wait for the router to reroot"
    fi
    if [ -f "$FF_CSTATE" ]; then
        ff_die COMMIT_INTERRUPTED "an earlier commit of this router was interrupted ($FF_CSTATE); run cleanup, which puts back what it changed, then start again"
    fi
    : >"$FF_CLOG" || ff_abort NOT_STAGED "cannot write $FF_CLOG"
    # Finish or undo whatever happens to this session: a process of its own, deaf to the session's hangup, broken
    # pipe and ^C, holding none of the session's pipes (signals ignored at exec stay ignored in the new sh).
    (
        trap '' HUP PIPE INT TERM
        exec sh "$0" commit-run "$FF_ATTEMPT" </dev/null >>"$FF_CLOG" 2>&1
    ) &
    ff_follow "$!"
}

# Relays the commit's log (machine lines to stdout, the rest to stderr) until its result line; at most 180 s.
# The log is read at every nap, the commit's life (ps) checked once a second, before a read of the log.
ff_follow() {
    _ff_seen=0
    _ff_end=
    _ff_t=0
    _ff_alive=yes
    _ff_checked=-10
    while [ "$_ff_t" -lt 1800 ]; do
        if [ $((_ff_t - _ff_checked)) -ge 10 ]; then
            _ff_checked=$_ff_t
            ff_alive "$1" || _ff_alive=no
        fi
        _ff_n=0
        while IFS= read -r _ff_l; do
            _ff_n=$((_ff_n + 1))
            [ "$_ff_n" -gt "$_ff_seen" ] || continue
            case $_ff_l in
                '@FF committed '*)
                    _ff_end=0
                    printf '%s\n' "$_ff_l"
                    ;;
                '@FF error '*)
                    _ff_end=1
                    printf '%s\n' "$_ff_l"
                    ;;
                '@FF '*) printf '%s\n' "$_ff_l" ;;
                *) printf '%s\n' "$_ff_l" >&2 ;;
            esac
        done <"$FF_CLOG"
        _ff_seen=$_ff_n
        if [ -n "$_ff_end" ]; then
            exit "$_ff_end"
        fi
        if [ "$_ff_alive" = no ]; then
            ff_die COMMIT_LOST "the commit process ($1) ended without a result; run cleanup, which puts back what it changed"
        fi
        ff_nap
        _ff_t=$((_ff_t + FF_NAPPED))
    done
    ff_die COMMIT_TIMEOUT "the commit still runs on the router after 180 s (its log: $FF_CLOG); it reroots or undoes itself there"
}

# commit-run (started by commit, detached): records how to undo, stops watchdogd, points the kernel at the memory
# disk, says HELLO and reroots. Reports committed only once reboot -r returned 0; any failure undoes everything.
ff_commit_run() {
    FF_IN_COMMIT=yes
    ff_hold "$1"
    ff_load_conf
    ff_prepared_md NOT_STAGED
    _ff_old=$(kenv -q vfs.root.mountfrom 2>/dev/null)
    _ff_wd=stopped
    _ff_wdpid=
    if ff_watchdogd_running; then
        _ff_wd=running
        _ff_wdpid=$_ff_pid
    fi
    ff_write_cstate started "$_ff_old" "$_ff_wd" || ff_abort NOT_STAGED "cannot write the undo record $FF_CSTATE; nothing was changed"
    printf 'commit: recorded the root (%s) and watchdogd (%s) in %s\n' "$_ff_old" "$_ff_wd" "$FF_CSTATE"
    if [ "$_ff_wd" = running ]; then
        kill -TERM "$_ff_wdpid" 2>/dev/null
        _ff_t=0
        # FreeBSD's watchdogd exits at once; 30 s (counted in naps, so longer on a busy router) only bounds a stuck one.
        # Once seen gone it is not asked again: a busy router may already have given its number to another process.
        while ff_watchdogd_alive "$_ff_wdpid"; do
            if [ "$_ff_t" -ge 300 ]; then
                ff_commit_undo WATCHDOG_STUCK "watchdogd (pid $_ff_wdpid) did not stop within 30 s of SIGTERM, and an armed watchdog would reset the router while it flashes"
            fi
            ff_wait_nap "$_ff_t"
            _ff_t=$((_ff_t + FF_NAPPED))
        done
        printf 'commit: stopped watchdogd (pid %s)\n' "$_ff_wdpid"
    fi
    if ! kenv "vfs.root.mountfrom=ufs:/dev/$FF_MD" >"$FF_SCRATCH" 2>&1; then
        ff_commit_undo KENV_FAILED "kenv vfs.root.mountfrom=ufs:/dev/$FF_MD failed: $(ff_oneline "$(cat "$FF_SCRATCH")")"
    fi
    cat "$FF_SCRATCH"
    FF_SEQ=$FF_TELEMETRY_SEQ
    ff_tele bg HELLO
    rm -f "$FF_CONF"
    sync
    ff_write_cstate rerooting "$_ff_old" "$_ff_wd" || printf 'commit: cannot update %s\n' "$FF_CSTATE"
    if reboot -r >"$FF_SCRATCH" 2>&1; then
        cat "$FF_SCRATCH"
        ff_emit "committed md=$FF_MD"
        exit 0
    fi
    cat "$FF_SCRATCH"
    ff_commit_undo REROOT_FAILED "reboot -r failed ($(ff_oneline "$(cat "$FF_SCRATCH")")): this FreeBSD cannot reroot; upgrade it with a console cable"
}

# Undoes a commit that did not reroot, and what prepare made, then fails with CODE: ff_commit_undo CODE WHY.
ff_commit_undo() {
    ff_restore
    if [ -n "$FF_LEFT" ]; then
        ff_die "$1" "$2. Could not undo:$FF_LEFT; run cleanup again or reboot the router. Undone: ${FF_RESTORED:-nothing}"
    fi
    ff_die "$1" "$2. Undone: ${FF_RESTORED:-nothing}the router runs its old firmware as before."
}

# Runs one upgrade sub-command for attempt $2: hello, the claim check, stage.conf, the steps, the result line.
ff_upgrade() {
    ff_emit "hello agent=$FF_PROTOCOL cmd=$1"
    ff_hold "$2"
    case $1 in
        prepare | fetch | seal | stage) ff_step_begin "$1" ;;
    esac
    ff_load_conf
    case $1 in
        prepare) ff_prepare ;;
        fetch) ff_fetch ;;
        seal) ff_seal ;;
        stage)
            ff_prepare
            ff_fetch
            ff_seal
            ;;
        commit) ff_commit ;;
    esac
}

# A step that makes, fills or seals the memory disk marks itself with step.PID in FF_WORK (removed when it ends), so
# that a cleanup waits for it (ff_wait_steps): after a cancel, the laptop cleans up on a new session while the step
# whose session it cut may still be making or mounting the memory disk, and an undo under it would leave that behind.
# When its session is cut (SIGHUP, SIGPIPE, ^C, SIGTERM) the step ends after its current command, and first records a
# memory disk it made and had not recorded yet, so that the cleanup finds it.
ff_step_begin() {
    FF_STEPF="$FF_WORK/step.$$"
    printf '%s\n' "$1" >"$FF_STEPF" 2>/dev/null || FF_STEPF=
    trap 'ff_step_cut 129' HUP
    trap 'ff_step_cut 130' INT
    trap 'ff_step_cut 143' TERM
    trap 'ff_step_cut 141' PIPE
}

# Ends a step whose session was cut with status $1 (the EXIT trap removes its mark and scratch file).
ff_step_cut() {
    case ${FF_MD:-} in
        md[0-9]*) [ -f "$FF_UNITF" ] || printf '%s\n' "$FF_MD" >"$FF_UNITF" 2>/dev/null ;;
    esac
    exit "$1"
}

# Tells whether process $1 lives and runs this agent (its file name is in the command).
ff_step_alive() {
    ff_alive_as "$1" "${0##*/}"
}

# Waits until no other process runs a step of an upgrade on this router (ff_step_begin), removing the marks of those
# that are gone. A step whose session was cut ends after its current command; one that does not (a router whose sshd
# sends no SIGHUP, a step in a long download) gets SIGTERM after 10 s, and after 15 s the cleanup goes on regardless.
ff_wait_steps() {
    _ff_t=0
    _ff_said=
    while :; do
        _ff_live=
        for _ff_s in "$FF_WORK"/step.*; do
            [ -f "$_ff_s" ] || continue
            _ff_p=${_ff_s##*.}
            case $_ff_p in
                '' | *[!0-9]*) ;;
                "$$") continue ;;
                *)
                    if ff_step_alive "$_ff_p"; then
                        _ff_live="$_ff_live $_ff_p"
                        continue
                    fi
                    ;;
            esac
            rm -f "$_ff_s"
        done
        [ -n "$_ff_live" ] || return 0
        if [ -z "$_ff_said" ]; then
            printf 'waiting for the upgrade step of process%s to end before cleaning up\n' "$_ff_live" >&2
            _ff_said=waiting
        fi
        if [ "$_ff_t" -ge 150 ]; then
            printf 'process%s still runs an upgrade step after 15 s; cleaning up regardless\n' "$_ff_live" >&2
            return 0
        fi
        if [ "$_ff_t" -ge 100 ] && [ "$_ff_said" = waiting ]; then
            printf 'process%s still runs an upgrade step after 10 s: sending it SIGTERM\n' "$_ff_live" >&2
            # shellcheck disable=SC2086 # one word per process id
            kill -TERM $_ff_live 2>/dev/null
            _ff_said=termed
        fi
        ff_nap
        _ff_t=$((_ff_t + FF_NAPPED))
    done
}

# ---------------------------------------------------------------- cleanup

# Prints an undone line and counts it: ff_undone WHAT TEXT.
ff_undone() {
    ff_oneline_v "$2"
    printf '@FF undone what=%s text=%s\n' "$1" "$FF_LINE"
    FF_FOUND=$((FF_FOUND + 1))
    FF_RESTORED="$FF_RESTORED$2; "
}

# Starts watchdogd as the system does (its rc.d script, else the daemon); true once its pid file names a live process (at most 5 s).
ff_start_watchdogd() {
    if [ -f "${FF_ROOT}/etc/rc.d/watchdogd" ]; then
        sh "${FF_ROOT}/etc/rc.d/watchdogd" onestart </dev/null >"$FF_SCRATCH" 2>&1
    elif ff_which watchdogd >/dev/null; then
        watchdogd </dev/null >"$FF_SCRATCH" 2>&1
    else
        printf 'cannot restart watchdogd: there is neither /etc/rc.d/watchdogd nor watchdogd\n' >&2
        return 1
    fi
    _ff_t=0
    while [ "$_ff_t" -lt 50 ]; do
        ff_watchdogd_running && return 0
        ff_nap
        _ff_t=$((_ff_t + FF_NAPPED))
    done
    printf 'watchdogd did not start: %s\n' "$(ff_oneline "$(cat "$FF_SCRATCH")")" >&2
    return 1
}

# Sets vfs.root.mountfrom to $1, or unsets it when $1 is empty; kenv's complaint goes to the scratch file.
ff_set_root() {
    if [ -n "$1" ]; then
        kenv "vfs.root.mountfrom=$1" >/dev/null 2>"$FF_SCRATCH"
    else
        kenv -u vfs.root.mountfrom 2>"$FF_SCRATCH"
    fi
}

# Puts back what an upgrade attempt changed, as far as it finds it: the root pointer and watchdogd (from the commit's
# undo record), the memory disk, the files, the claim. One undone line per item; FF_FOUND counts them, FF_RESTORED
# says them in words, FF_LEFT names what could not be undone (the record and the claim then stay for another try).
ff_restore() {
    FF_FOUND=0
    FF_RESTORED=
    FF_LEFT=
    if ff_read_cstate; then
        _ff_now=$(kenv -q vfs.root.mountfrom 2>/dev/null)
        if [ "$_ff_now" != "$FF_C_OLDROOT" ]; then
            if ff_set_root "$FF_C_OLDROOT"; then
                ff_undone root "vfs.root.mountfrom set back from ${_ff_now:-(unset)} to ${FF_C_OLDROOT:-(unset)}"
            else
                printf 'cannot set vfs.root.mountfrom back to %s: %s\n' "$FF_C_OLDROOT" "$(ff_oneline "$(cat "$FF_SCRATCH")")" >&2
                FF_LEFT="$FF_LEFT root"
            fi
        fi
        if [ "$FF_C_WD" = running ] && ! ff_watchdogd_running; then
            if ff_start_watchdogd; then
                ff_undone watchdogd "watchdogd restarted (pid $_ff_pid)"
            else
                FF_LEFT="$FF_LEFT watchdogd"
            fi
        fi
    fi
    _ff_unit=
    if [ -f "$FF_UNITF" ]; then
        IFS= read -r _ff_unit <"$FF_UNITF" || :
    fi
    umount "$FF_MNT" >/dev/null 2>&1
    case $_ff_unit in
        md[0-9]*)
            if mdconfig -d -u "$_ff_unit" 2>"$FF_SCRATCH"; then
                ff_undone md "memory disk $_ff_unit detached"
            else
                case " $(mdconfig -l 2>/dev/null) " in
                    *" $_ff_unit "*)
                        printf 'mdconfig -d -u %s: %s\n' "$_ff_unit" "$(ff_oneline "$(cat "$FF_SCRATCH")")" >&2
                        FF_LEFT="$FF_LEFT md"
                        ;;
                    *) ff_undone md "memory disk $_ff_unit was gone already" ;;
                esac
            fi
            ;;
    esac
    _ff_files=
    _ff_log=$FF_CLOG
    # the commit's own undo writes to its log, which its session (if any) still reads: that one stays
    [ "${FF_IN_COMMIT:-}" != yes ] || _ff_log=$FF_CONF
    for _ff_f in "$FF_CONF" "$FF_SEALED" "$_ff_log" "$FF_CSTATE.new" "$FF_WORK"/stage.conf.new.* "$FF_WORK"/scratch.*; do
        [ -e "$_ff_f" ] || continue
        case $_ff_f in
            "$FF_SCRATCH") continue ;;
            */scratch.* | */stage.conf.new.*)
                # only those of processes that are gone
                ff_alive "${_ff_f##*.}" && continue
                ;;
        esac
        rm -f "$_ff_f" && _ff_files="$_ff_files ${_ff_f##*/}"
    done
    case $FF_LEFT in
        *md*) ;;
        *)
            if [ -f "$FF_UNITF" ]; then
                rm -f "$FF_UNITF" && _ff_files="$_ff_files ${FF_UNITF##*/}"
            fi
            rmdir "$FF_MNT" 2>/dev/null
            ;;
    esac
    if [ -z "$FF_LEFT" ] && [ -f "$FF_CSTATE" ]; then
        rm -f "$FF_CSTATE" && _ff_files="$_ff_files ${FF_CSTATE##*/}"
    fi
    if [ -n "$_ff_files" ]; then
        ff_undone files "removed$_ff_files from $FF_WORK"
    fi
    if [ -z "$FF_LEFT" ] && ff_read_claim; then
        ff_release_claim
        ff_undone claim "released the claim of attempt $FF_HOLDER (started $FF_HOLDER_SINCE from $FF_HOLDER_LAPTOP)"
    fi
}

# cleanup [ATTEMPT]: puts the router back as it was before an upgrade (ff_restore), never while a commit runs. With
# ATTEMPT it leaves alone an upgrade that another attempt holds.
ff_cleanup() {
    if [ -n "$1" ]; then
        ff_need_attempt "$1"
        if ff_read_claim && [ "$FF_HOLDER" != "$1" ]; then
            printf 'attempt %s holds this router; nothing of attempt %s is left to clean\n' "$FF_HOLDER" "$1" >&2
            ff_emit "done cmd=cleanup status=ok found=0"
            return
        fi
    fi
    if ff_commit_busy; then
        ff_die COMMITTING "a commit runs on this router (process $FF_C_PID, step $FF_C_STEP): it reroots into the new firmware or undoes itself; wait for it instead of cleaning up"
    fi
    ff_wait_steps
    ff_restore
    if [ -n "$FF_LEFT" ]; then
        ff_die CLEANUP_FAILED "could not undo:$FF_LEFT (the log lines say why); run cleanup again or reboot the router"
    fi
    if [ "$FF_FOUND" = 0 ]; then
        printf 'nothing to clean: no upgrade left anything on this router\n' >&2
    fi
    ff_emit "done cmd=cleanup status=ok found=$FF_FOUND"
}

# ---------------------------------------------------------------- read: partitions to stdout

# Fails the read sub-command: one line on stderr, exit 1, nothing more on stdout.
ff_read_fail() {
    printf 'read: %s\n' "$(ff_oneline "$1")" >&2
    exit 1
}

# Sets FF_STRIPES from kern.geom.confxml, read and parsed once per agent run (the partitions do not change while one
# reads them): a "STRIPESIZE NAME-LINE" line for each provider's <name> line that a valid <stripesize> follows before
# the next <name>, the first such stripesize, in the order of the XML.
FF_CONFXML=
FF_STRIPES=
ff_load_confxml() {
    [ -z "$FF_CONFXML" ] || return 0
    FF_CONFXML=$(sysctl -n kern.geom.confxml 2>/dev/null)
    FF_STRIPES=
    _ff_nm=
    while IFS= read -r _ff_l; do
        case $_ff_l in
            *'<name>'*) _ff_nm=$_ff_l ;;
            *'<stripesize>'*)
                [ -n "$_ff_nm" ] || continue
                _ff_eb=${_ff_l#*<stripesize>}
                _ff_eb=${_ff_eb%%<*}
                case $_ff_eb in
                    '' | 0 | *[!0-9]*) ;;
                    *)
                        FF_STRIPES="$FF_STRIPES$_ff_eb $_ff_nm$FF_NL"
                        _ff_nm=
                        ;;
                esac
                ;;
        esac
    done <<XML
$FF_CONFXML
XML
}

# Prints the erase block (stripesize) of map partition $1 from kern.geom.confxml, else that of any map partition; fails if none.
# (Called in a $(...): load FF_STRIPES before, or each call reads and parses the sysctl again.)
ff_erase_of() {
    ff_load_confxml
    for _ff_pat in "<name>map/$1</name>" "<name>map/"; do
        while read -r _ff_eb _ff_nm; do
            case $_ff_nm in
                *"$_ff_pat"*)
                    printf '%s\n' "$_ff_eb"
                    return 0
                    ;;
            esac
        done <<STRIPES
$FF_STRIPES
STRIPES
    done
    return 1
}

# ff_part_size NAME FAIL: sets _ff_size to the size of GEOM_MAP partition NAME in $_ff_table (from ff_map_table) and
# _ff_show to NAME as it may be printed; calls FAIL with the reason when NAME is no partition name or not in the table.
# The name is data, compared as a string; it never reaches a command line.
ff_part_size() {
    _ff_show=$(ff_cut "$(ff_oneline "$1")" 64)
    case $1 in
        '' | .* | */*) "$2" "'$_ff_show' is not a partition name" ;;
    esac
    _ff_size=
    while read -r _ff_pn _ff_po _ff_ps; do
        if [ "$_ff_pn" = "$1" ]; then _ff_size=$_ff_ps; fi
    done <<TABLE
$_ff_table
TABLE
    case $_ff_size in
        '' | *[!0-9]*) "$2" "there is no partition '$_ff_show' in kern.geom.conftxt" ;;
    esac
}

# Fails the digest sub-command with READ_FAILED and the reason $1.
ff_digest_fail() {
    ff_die READ_FAILED "$1"
}

# read [--blocks N] NAME...: writes the raw bytes of the named GEOM_MAP partitions, one after the other, to stdout
# and nothing else; with --blocks, only the first N erase blocks of the first one. Each NAME must be a partition of
# kern.geom.conftxt, spelled exactly; names are data, never code.
ff_read() {
    _ff_blocks=
    if [ "${1:-}" = --blocks ]; then
        _ff_blocks=${2:-}
        case $_ff_blocks in
            '' | 0 | *[!0-9]*) ff_read_fail "--blocks needs a whole number of erase blocks, 1 or more" ;;
        esac
        shift 2
    fi
    [ $# -gt 0 ] || ff_read_fail "usage: read [--blocks N] PARTITION..."
    _ff_table=$(ff_map_table)
    ff_load_confxml
    _ff_plan=
    for _ff_want in "$@"; do
        ff_part_size "$_ff_want" ff_read_fail
        _ff_eb=$(ff_erase_of "$_ff_want") || ff_read_fail "the erase block of '$_ff_show' is unknown (no stripesize in kern.geom.confxml)"
        if [ -n "$_ff_blocks" ]; then
            [ $((_ff_blocks * _ff_eb)) -le "$_ff_size" ] || ff_read_fail "'$_ff_show' has fewer than $_ff_blocks erase blocks"
            _ff_bs=$_ff_eb
            _ff_count=$_ff_blocks
        elif [ $((_ff_size % _ff_eb)) = 0 ]; then
            _ff_bs=$_ff_eb
            _ff_count=$((_ff_size / _ff_eb))
        else
            _ff_bs=512
            _ff_count=$((_ff_size / 512))
        fi
        _ff_plan="$_ff_plan$_ff_bs:$_ff_count "
        [ -z "$_ff_blocks" ] || break
    done
    # every name checked: now the bytes, in the order asked
    for _ff_want in "$@"; do
        _ff_step=${_ff_plan%% *}
        _ff_plan=${_ff_plan#* }
        _ff_bs=${_ff_step%:*}
        _ff_count=${_ff_step#*:}
        if ! dd if="${FF_ROOT}/dev/map/$_ff_want" bs="$_ff_bs" count="$_ff_count" 2>"$FF_SCRATCH"; then
            ff_read_fail "dd of /dev/map/$(ff_cut "$(ff_oneline "$_ff_want")" 64) failed: $(cat "$FF_SCRATCH")"
        fi
        [ -z "$_ff_blocks" ] || break
    done
}

# digest BLOCKS NAME...: the SHA-256 (and byte count) of the first BLOCKS erase blocks of the named partitions read one after the other
# (the span an upgrade wrote, checked on the router instead of shipped to the laptop: decision 0012). Every named
# partition must be a whole number of erase blocks; the names are checked before anything is read.
ff_digest() {
    ff_emit "hello agent=$FF_PROTOCOL cmd=digest"
    _ff_total=${1:-}
    case $_ff_total in
        '' | 0 | *[!0-9]*) ff_die USAGE "digest needs a whole number of erase blocks, 1 or more" ;;
    esac
    shift
    [ $# -gt 0 ] || ff_die USAGE "usage: digest BLOCKS PARTITION..."
    ff_which sha256 >/dev/null || ff_die TOOL_MISSING "the router lacks sha256: read the partitions instead"
    _ff_table=$(ff_map_table)
    ff_load_confxml
    _ff_left=$_ff_total
    _ff_bytes=0
    _ff_plan=
    for _ff_want in "$@"; do
        ff_part_size "$_ff_want" ff_digest_fail
        _ff_eb=$(ff_erase_of "$_ff_want") || ff_die READ_FAILED "the erase block of '$_ff_show' is unknown"
        [ $((_ff_size % _ff_eb)) = 0 ] || ff_die READ_FAILED "'$_ff_show' is not a whole number of erase blocks"
        _ff_n=$((_ff_size / _ff_eb))
        [ "$_ff_n" -le "$_ff_left" ] || _ff_n=$_ff_left
        _ff_plan="$_ff_plan$_ff_eb:$_ff_n "
        _ff_left=$((_ff_left - _ff_n))
        _ff_bytes=$((_ff_bytes + _ff_n * _ff_eb))
    done
    [ "$_ff_left" = 0 ] || ff_die READ_FAILED "the partitions hold fewer than $_ff_total erase blocks"
    _ff_failed="$FF_SCRATCH.failed"
    rm -f "$_ff_failed"
    # sh has no pipefail: a dd that fails leaves its partition's name in a file for after the pipe
    _ff_sum=$(
        for _ff_want in "$@"; do
            _ff_step=${_ff_plan%% *}
            _ff_plan=${_ff_plan#* }
            [ "${_ff_step#*:}" = 0 ] && continue
            if ! dd if="${FF_ROOT}/dev/map/$_ff_want" bs="${_ff_step%:*}" count="${_ff_step#*:}" 2>"$FF_SCRATCH"; then
                printf '%s: %s\n' "$_ff_want" "$(ff_oneline "$(cat "$FF_SCRATCH")")" >"$_ff_failed"
                break
            fi
        done | sha256
    )
    if [ -f "$_ff_failed" ]; then
        _ff_why=$(cat "$_ff_failed")
        rm -f "$_ff_failed"
        ff_die READ_FAILED "dd of /dev/map/$(ff_cut "$(ff_oneline "$_ff_why")" 200)"
    fi
    case $_ff_sum in
        *[!0-9a-f]* | '') ff_die READ_FAILED "sha256 printed '$(ff_cut "$(ff_oneline "$_ff_sum")" 80)'" ;;
    esac
    [ "${#_ff_sum}" = 64 ] || ff_die READ_FAILED "sha256 printed '$(ff_cut "$_ff_sum" 80)'"
    ff_emit "digest blocks=$_ff_total bytes=$_ff_bytes sha256=$_ff_sum"
}

# ---------------------------------------------------------------- identify: blink an LED so the box can be found

# The led(4) pattern identify blinks: f2, 0.2 s off and 0.2 s on, the kernel repeating it by itself.
FF_ID_PATTERN=f2
FF_ID_LED=

# Switches the LED identify blinks off again, if it started one; never fails.
ff_identify_off() {
    [ -n "$FF_ID_LED" ] || return 0
    printf '0\n' >"$FF_ID_LED" 2>/dev/null
    FF_ID_LED=
    return 0
}

# Prints the name of the LED identify blinks: a system or status LED if there is one, else a power LED, else the
# first; names that could not be a protocol field are passed over. Prints nothing when the router has no LED.
ff_identify_pick() {
    for _ff_pass in 1 2 3; do
        for _ff_led in "${FF_ROOT}"/dev/led/*; do
            [ -e "$_ff_led" ] || continue
            _ff_n=${_ff_led##*/}
            case $_ff_n in
                '' | [!A-Za-z0-9_]* | *[!A-Za-z0-9_.+-]*) continue ;;
            esac
            case $_ff_pass:$_ff_n in
                1:*[Ss][Yy][Ss]* | 1:*[Ss][Tt][Aa][Tt][Uu][Ss]* | 2:*[Pp][Oo][Ww][Ee][Rr]* | 3:*)
                    printf '%s\n' "$_ff_n"
                    return 0
                    ;;
            esac
        done
    done
    return 0
}

# identify SECONDS: blinks one LED for SECONDS (1 to 60) so the technician finds the box, then switches it off.
# led(4) cannot be read back, so the state before is unknown; off is the state gpioled gives an LED at boot.
# A hang-up or signal while it blinks switches the LED off too (within a second: the wait is one-second steps).
ff_identify() {
    ff_emit "hello agent=$FF_PROTOCOL cmd=identify"
    case ${1:-} in
        [1-9] | [1-5][0-9] | 60) ;;
        *) ff_die USAGE "identify needs a whole number of seconds from 1 to 60, not '$(ff_cut "$(ff_oneline "${1:-}")" 16)'" ;;
    esac
    _ff_name=$(ff_identify_pick)
    [ -n "$_ff_name" ] || ff_die NO_LED "this router has no LED under /dev/led, so none can blink; find it by its label or cable instead"
    trap 'ff_identify_off; rm -f "$FF_SCRATCH"; exit 129' HUP
    trap 'ff_identify_off; rm -f "$FF_SCRATCH"; exit 130' INT
    trap 'ff_identify_off; rm -f "$FF_SCRATCH"; exit 143' TERM
    trap 'ff_identify_off; rm -f "$FF_SCRATCH"; exit 141' PIPE
    if ! printf '%s\n' "$FF_ID_PATTERN" >"${FF_ROOT}/dev/led/$_ff_name" 2>"$FF_SCRATCH"; then
        ff_die LED_FAILED "cannot write to /dev/led/$_ff_name: $(ff_oneline "$(cat "$FF_SCRATCH")")"
    fi
    FF_ID_LED="${FF_ROOT}/dev/led/$_ff_name"
    ff_emit "led name=$_ff_name"
    ff_fact identify.pattern "$FF_ID_PATTERN"
    ff_fact identify.seconds "$1"
    _ff_i=0
    while [ "$_ff_i" -lt "$1" ]; do
        sleep 1
        _ff_i=$((_ff_i + 1))
    done
    ff_identify_off
    ff_fact identify.after 0
    ff_emit "done cmd=identify status=ok"
}

# ---------------------------------------------------------------- the flasher (/etc/rc of the memory disk)

# Sets the flasher's LED to pattern $1 (led(4)); no LED, no harm.
ff_led() {
    [ -n "$FF_LED" ] && [ -e "${FF_ROOT}/dev/led/$FF_LED" ] || return 0
    printf '%s\n' "$1" >"${FF_ROOT}/dev/led/$FF_LED" 2>/dev/null
    return 0
}

# Reboots; every path of the flasher ends here. Retries a bounded number of times if reboot returns.
ff_reboot() {
    printf 'fleetflash: rebooting\n'
    _ff_i=0
    while [ "$_ff_i" -lt 30 ]; do
        reboot
        sleep 10
        _ff_i=$((_ff_i + 1))
    done
    exit 1
}

# Sets _ff_part, _ff_pblock (its block in that partition) and _ff_pleft (blocks of the segment from there on)
# for span block $1 (0-based); fails when no segment holds it.
ff_locate() {
    _ff_at=$((FF_SPAN_OFFSET + $1 * FF_ERASE))
    _ff_part=
    for _ff_seg in $FF_SEGMENTS; do
        IFS=: read -r _ff_sname _ff_soff _ff_slen _ff_splen _ff_extra <<SEG
$_ff_seg
SEG
        if [ "$_ff_at" -ge "$_ff_soff" ] && [ "$_ff_at" -lt $((_ff_soff + _ff_splen)) ]; then
            _ff_part=$_ff_sname
            _ff_pblock=$(((_ff_at - _ff_soff) / FF_ERASE))
            _ff_pleft=$(((_ff_soff + _ff_splen - _ff_at) / FF_ERASE))
        fi
    done
    [ -n "$_ff_part" ]
}

# Reads $3 flash blocks from block $2 of partition $1 into the scratch file cur.
ff_read_block() {
    dd if="${FF_ROOT}/dev/map/$1" of="$FF_S/cur" bs="$FF_ERASE" skip="$2" count="${3:-1}" 2>/dev/null
}

# Reads $2 image blocks from span block $1 into the scratch file new, the last one 0x00-padded (conv=sync).
ff_image_blocks() {
    dd if="$FF_IMAGE" of="$FF_S/new" bs="$FF_ERASE" skip="$1" count="$2" conv=sync 2>/dev/null
}

# Flashes span block $1 (0-based) if it differs from the image; sets FF_ACTION to written or same.
ff_flash_block() {
    ff_locate "$1" || return 1
    ff_image_blocks "$1" 1 || return 1
    if ff_read_block "$_ff_part" "$_ff_pblock" && cmp -s "$FF_S/new" "$FF_S/cur"; then
        FF_ACTION=same
        return 0
    fi
    _ff_try=1
    while [ "$_ff_try" -le "$FF_TRIES" ]; do
        dd if="$FF_S/new" of="${FF_ROOT}/dev/map/$_ff_part" bs="$FF_ERASE" seek="$_ff_pblock" count=1 conv=sync 2>"$FF_S/err"
        if ff_read_block "$_ff_part" "$_ff_pblock" && cmp -s "$FF_S/new" "$FF_S/cur"; then
            FF_ACTION=written
            return 0
        fi
        printf 'fleetflash: block %s (%s block %s) try %s failed\n' "$1" "$_ff_part" "$_ff_pblock" "$_ff_try"
        while IFS= read -r _ff_l; do printf '%s\n' "$_ff_l"; done <"$FF_S/err"
        _ff_try=$((_ff_try + 1))
    done
    return 1
}

# Reports span blocks $1..$2 (0-based) with action $3 in one PROGRESS (from=first block, when more than one), or with
# $4 = last only the last one. One datagram for a run: the run's blocks are done together, and each nc is a process.
ff_progress() {
    if [ "$3" = written ]; then _ff_written=$((_ff_written + $2 - $1 + 1)); else _ff_same=$((_ff_same + $2 - $1 + 1)); fi
    if [ "$1" = "$2" ] || [ "${4:-}" = last ]; then
        ff_tele bg PROGRESS "block=$(($2 + 1))" "blocks=$_ff_blocks" "action=$3"
    else
        ff_tele bg PROGRESS "block=$(($2 + 1))" "blocks=$_ff_blocks" "action=$3" "from=$(($1 + 1))"
    fi
}

# With runs of $1 blocks in the scratch files new (image) and cur (flash at partition _ff_part, block _ff_pblock):
# finds each block that differs from cmp's report of the first differing byte, writes it to the flash and into cur,
# until cmp finds none (at most $1 rounds). _ff_wlist lists the blocks written (0-based in the run). Fails when cmp's
# report cannot be read or a write fails.
ff_fix_run() {
    _ff_wlist=' '
    _ff_c=0
    while [ "$_ff_c" -le "$1" ]; do
        _ff_d=$(cmp "$FF_S/new" "$FF_S/cur" 2>/dev/null) && return 0
        # "new cur differ: char N, line L" (byte N in GNU's words); N counts from 1
        _ff_d=${_ff_d##*differ: }
        _ff_d=${_ff_d#* }
        _ff_d=${_ff_d%%,*}
        case $_ff_d in
            '' | *[!0-9]*) return 1 ;;
        esac
        _ff_j=$(((_ff_d - 1) / FF_ERASE))
        [ "$_ff_j" -lt "$1" ] || return 1
        dd if="$FF_S/new" of="${FF_ROOT}/dev/map/$_ff_part" bs="$FF_ERASE" skip="$_ff_j" seek=$((_ff_pblock + _ff_j)) count=1 \
            2>"$FF_S/err" || return 1
        dd if="$FF_S/new" of="$FF_S/cur" bs="$FF_ERASE" skip="$_ff_j" seek="$_ff_j" count=1 conv=notrunc 2>/dev/null || return 1
        _ff_wlist="$_ff_wlist$_ff_j "
        _ff_c=$((_ff_c + 1))
    done
    return 1
}

# Flashes the span blocks $1..$2 (0-based). Mode $3: skip (the desktop knows they equal the image: not read, not
# written), write (the desktop knows they differ: written in runs of at most FF_RUN blocks, each run read back and
# compared with the image), compare (unknown: runs read and compared; the blocks that differ are written one by
# one, then the run is read back and compared). A run that fails its check is redone block by block (ff_flash_block,
# with its tries). Sets FF_FAILED on failure.
ff_flash_range() {
    if [ "$3" = skip ]; then
        ff_progress "$1" "$2" same last
        return 0
    fi
    _ff_r=$1
    while [ "$_ff_r" -le "$2" ]; do
        ff_locate "$_ff_r" || { FF_FAILED=$_ff_r; return 1; }
        _ff_n=$(($2 - _ff_r + 1))
        [ "$_ff_n" -le "$_ff_pleft" ] || _ff_n=$_ff_pleft
        [ "$_ff_n" -le "$FF_RUN" ] || _ff_n=$FF_RUN
        _ff_ok=no
        _ff_wlist=' '
        if ff_image_blocks "$_ff_r" "$_ff_n"; then
            if [ "$3" = write ]; then
                if dd if="$FF_S/new" of="${FF_ROOT}/dev/map/$_ff_part" bs="$FF_ERASE" seek="$_ff_pblock" count="$_ff_n" \
                    2>"$FF_S/err" && ff_read_block "$_ff_part" "$_ff_pblock" "$_ff_n" && cmp -s "$FF_S/new" "$FF_S/cur"; then
                    ff_progress "$_ff_r" $((_ff_r + _ff_n - 1)) written
                    _ff_ok=yes
                fi
            elif ff_read_block "$_ff_part" "$_ff_pblock" "$_ff_n" && ff_fix_run "$_ff_n"; then
                if [ "$_ff_wlist" = ' ' ] || { ff_read_block "$_ff_part" "$_ff_pblock" "$_ff_n" && cmp -s "$FF_S/new" "$FF_S/cur"; }; then
                    # one datagram per group of neighbouring blocks with the same result (from= its first)
                    _ff_j=0
                    _ff_gfrom=0
                    _ff_gact=
                    while [ "$_ff_j" -lt "$_ff_n" ]; do
                        case $_ff_wlist in
                            *" $_ff_j "*) _ff_act=written ;;
                            *) _ff_act=same ;;
                        esac
                        if [ -n "$_ff_gact" ] && [ "$_ff_act" != "$_ff_gact" ]; then
                            ff_progress $((_ff_r + _ff_gfrom)) $((_ff_r + _ff_j - 1)) "$_ff_gact"
                            _ff_gfrom=$_ff_j
                        fi
                        _ff_gact=$_ff_act
                        _ff_j=$((_ff_j + 1))
                    done
                    ff_progress $((_ff_r + _ff_gfrom)) $((_ff_r + _ff_n - 1)) "$_ff_gact"
                    _ff_ok=yes
                fi
            fi
        fi
        if [ "$_ff_ok" = no ]; then
            printf 'fleetflash: blocks %s to %s: run failed its check; block by block\n' "$_ff_r" $((_ff_r + _ff_n - 1))
            _ff_j=$_ff_r
            while [ "$_ff_j" -lt $((_ff_r + _ff_n)) ]; do
                ff_flash_block "$_ff_j" || { FF_FAILED=$_ff_j; return 1; }
                # a block the run already wrote (every listed one) and that now reads back right was written, not found the same
                case $3$_ff_wlist in
                    write* | *" $((_ff_j - _ff_r)) "*) FF_ACTION=written ;;
                esac
                ff_progress "$_ff_j" "$_ff_j" "$FF_ACTION"
                _ff_j=$((_ff_j + 1))
            done
        fi
        _ff_r=$((_ff_r + _ff_n))
    done
    return 0
}

# Prints the flasher's work as FROM-TO:MODE words (span blocks, 0-based): with FF_CHANGED the listed ranges are
# written and the blocks between them skipped; without it every block is compared.
ff_work() {
    if [ -z "$FF_CHANGED" ]; then
        printf '0-%s:compare\n' $((_ff_blocks - 1))
        return 0
    fi
    _ff_next=0
    for _ff_w in $FF_CHANGED; do
        _ff_a=${_ff_w%-*}
        _ff_b=${_ff_w#*-}
        [ "$_ff_a" -le "$_ff_next" ] || printf '%s-%s:skip\n' "$_ff_next" $((_ff_a - 1))
        printf '%s-%s:write\n' "$_ff_a" "$_ff_b"
        _ff_next=$((_ff_b + 1))
    done
    [ "$_ff_next" -ge "$_ff_blocks" ] || printf '%s-%s:skip\n' "$_ff_next" $((_ff_blocks - 1))
}

# The flasher: runs as `sh /etc/rc autoboot` after the reroot; writes the image in runs of blocks, then reboots.
ff_flash() {
    PATH="${FF_ROOT}/bin:${FF_ROOT}/sbin:${FF_ROOT}/usr/bin:${FF_ROOT}/usr/sbin"
    export PATH
    exec </dev/null
    printf 'fleetflash: flasher started\n'
    FF_LED='' FF_TELEMETRY_HOST='' FF_TELEMETRY_PORT='' FF_TELEMETRY_TOKEN='' FF_TELEMETRY_SEQ=1 FF_CHANGED=''
    if [ ! -f "${FF_ROOT}/etc/flash.conf" ]; then
        printf 'fleetflash: no /etc/flash.conf; nothing written\n'
        ff_reboot
    fi
    # shellcheck source=/dev/null
    . "${FF_ROOT}/etc/flash.conf"
    FF_SEQ=$FF_TELEMETRY_SEQ
    FF_IMAGE="${FF_ROOT}/image"
    ff_led f2
    FF_S="${FF_ROOT}/tmp"
    if ! mount -t tmpfs tmpfs "$FF_S" && ! mount -u -w "${FF_ROOT}/"; then
        ff_tele fg ERROR code=NO_SCRATCH "text=no writable scratch space; nothing written"
        ff_led sAaAaAaj
        ff_reboot
    fi
    _ff_got=$(ff_size "$FF_IMAGE") || _ff_got=0
    if [ "$_ff_got" != "$FF_IMAGE_SIZE" ]; then
        ff_tele fg ERROR code=IMAGE_CHANGED "text=the image on the memory disk has $_ff_got bytes, not $FF_IMAGE_SIZE; nothing written"
        ff_led sAaAaAaj
        ff_reboot
    fi
    _ff_blocks=$((FF_PADDED_SIZE / FF_ERASE))
    if [ -n "$FF_CHANGED" ]; then
        printf 'fleetflash: writing the changed blocks %s of %s\n' "$FF_CHANGED" "$_ff_blocks"
    fi
    ff_tele bg BEGIN "blocks=$_ff_blocks"
    _ff_written=0
    _ff_same=0
    _ff_round=1
    for _ff_item in $(ff_work); do
        _ff_from=${_ff_item%%-*}
        _ff_to=${_ff_item#*-}
        _ff_mode=${_ff_to#*:}
        _ff_to=${_ff_to%:*}
        while ! ff_flash_range "$_ff_from" "$_ff_to" "$_ff_mode"; do
            ff_led sAaAaAaj
            ff_tele fg ERROR code=WRITE_FAILED "text=block $((FF_FAILED + 1)) of $_ff_blocks failed $FF_TRIES tries (round $_ff_round of $FF_ROUNDS)"
            if [ "$_ff_round" -ge "$FF_ROUNDS" ]; then
                printf 'fleetflash: giving up on block %s; rebooting into a partly written flash\n' "$FF_FAILED"
                ff_reboot
            fi
            _ff_round=$((_ff_round + 1))
            sleep "$FF_ROUND_PAUSE"
            ff_led f2
            _ff_from=$FF_FAILED
        done
    done
    ff_tele bg VERIFY_OK
    printf 'fleetflash: done, %s blocks written, %s unchanged\n' "$_ff_written" "$_ff_same"
    ff_led 1
    # in the foreground: the last datagram has left before reboot ends every process
    ff_tele fg DONE "written=$_ff_written" "same=$_ff_same"
    ff_reboot
}

FF_SCRATCH="$FF_HOME/scratch.$$"
FF_STEPF=
trap 'rm -f "$FF_SCRATCH" ${FF_STEPF:+"$FF_STEPF"}' EXIT
trap 'rm -f "$FF_SCRATCH"; exit 129' HUP
trap 'rm -f "$FF_SCRATCH"; exit 130' INT
trap 'rm -f "$FF_SCRATCH"; exit 143' TERM

case ${1:-} in
    probe) ff_probe ;;
    claim)
        ff_emit "hello agent=$FF_PROTOCOL cmd=claim"
        ff_claim "${2:-}"
        ;;
    conf)
        ff_emit "hello agent=$FF_PROTOCOL cmd=conf"
        ff_conf "${2:-}"
        ;;
    prepare | fetch | seal | stage | commit) ff_upgrade "$1" "${2:-}" ;;
    commit-run)
        # the detached half of commit: deaf to the session's signals, whatever this shell did with inherited ones
        trap '' HUP PIPE INT TERM
        ff_commit_run "${2:-}"
        ;;
    cleanup)
        ff_emit "hello agent=$FF_PROTOCOL cmd=cleanup"
        ff_cleanup "${2:-}"
        ;;
    read)
        shift
        ff_read "$@"
        ;;
    digest)
        shift
        ff_digest "$@"
        ;;
    autoboot) ff_flash ;;
    identify) ff_identify "${2:-}" ;;
    *)
        ff_emit "hello agent=$FF_PROTOCOL cmd=${1:-none}"
        ff_die USAGE "unknown sub-command '$(ff_cut "$(ff_oneline "${1:-}")" 64)'; known: probe claim conf prepare fetch seal stage commit cleanup read digest identify"
        ;;
esac
