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

# Prints $1 on one line: line breaks become spaces, so a value can never start a line of its own.
ff_oneline() {
    _ff_rest=$1
    _ff_out=
    while :; do
        case $_ff_rest in
            *"$FF_NL"*)
                _ff_out="$_ff_out${_ff_rest%%"$FF_NL"*} "
                _ff_rest=${_ff_rest#*"$FF_NL"}
                ;;
            *) break ;;
        esac
    done
    printf '%s' "$_ff_out$_ff_rest"
}

# Prints a fact line: ff_fact KEY VALUE.
ff_fact() {
    printf '@FF fact key=%s text=%s\n' "$1" "$(ff_oneline "$2")"
}

# Prints an error line with a stable code and exits non-zero: ff_die CODE MESSAGE.
ff_die() {
    printf '@FF error code=%s text=%s\n' "$1" "$(ff_oneline "$2")"
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

# Tells whether watchdogd runs: its pid file names a live process.
ff_watchdogd_running() {
    _ff_pidfile="${FF_ROOT}/var/run/watchdogd.pid"
    [ -f "$_ff_pidfile" ] || return 1
    IFS= read -r _ff_pid <"$_ff_pidfile" || [ -n "$_ff_pid" ] || return 1
    case $_ff_pid in
        '' | *[!0-9]*) return 1 ;;
    esac
    kill -0 "$_ff_pid" 2>/dev/null
}

# probe: prints every fact the desktop needs to plan an upgrade. Changes nothing on the router.
ff_probe() {
    ff_emit "hello agent=$FF_PROTOCOL cmd=probe"
    ff_which sysctl >/dev/null || ff_die NO_SYSCTL "sysctl is missing: this does not look like a FreeBSD router"

    ff_fact os.release "$(uname -r 2>&1)"
    ff_sysctl_fact os.reldate kern.osreldate NO_OSRELDATE
    ff_fact arch "$(uname -m 2>&1)"
    ff_fact machine_arch "$(uname -p 2>&1)"
    ff_fact hostname "$(hostname 2>&1)"
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

FF_SCRATCH="$FF_HOME/scratch.$$"
trap 'rm -f "$FF_SCRATCH"' EXIT
trap 'rm -f "$FF_SCRATCH"; exit 129' HUP
trap 'rm -f "$FF_SCRATCH"; exit 130' INT
trap 'rm -f "$FF_SCRATCH"; exit 143' TERM

case ${1:-} in
    probe) ff_probe ;;
    *)
        ff_emit "hello agent=$FF_PROTOCOL cmd=${1:-none}"
        ff_die USAGE "unknown sub-command '${1:-}'; known: probe"
        ;;
esac
