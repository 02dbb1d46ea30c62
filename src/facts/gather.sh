# sysfleet gather script: POSIX sh (dash, bash, busybox ash). READ-ONLY: it must never write,
# create or remove anything on the host. It is sent on stdin (`sh -s`, or `sudo -n sh -s`);
# buildGatherScript() appends `sysfleet_main <<'SYSFLEET_KEYS'` + one validated key per line.
#
# Output framing: a section starts with a line `@@<name>`; every other line is data. Data that
# comes from files users write (sysctl.d) is prefixed (`L<TAB>n<TAB>text`) so it can never start
# with `@@`; kernel files (/proc/net/*) are printed as they are.
#
# TCP state counts (bounded cost, see sysfleet_tcpstates): ESTABLISHED comes from the O(1)
# counter `Tcp: CurrEstab` (/proc/net/snmp; it includes CLOSE_WAIT, the parser subtracts it) and
# TIME_WAIT from `tw` in /proc/net/sockstat (O(1));
# CLOSE_WAIT and SYN_RECV are counted with `ss -tan state X` (the kernel filters by state in
# inet_diag, so only matching sockets are formatted) or, without ss, by one awk pass over
# /proc/net/tcp{,6} capped at SYSFLEET_PROC_CAP lines (then `capped 1` is printed).

# awk comparisons are written with `<` so that every `>` in this file is a redirection (the
# test checks they all go to /dev/null).
SYSFLEET_MAX_LINES=2000
SYSFLEET_PROC_CAP=200000
SYSFLEET_TAB='	'
# A carriage return. buildGatherScript() defines it as a literal in front of this file (a $(...)
# would fork); run alone, this file makes it itself.
SYSFLEET_CR=${SYSFLEET_CR-$(printf '\r')}
# The optional sections, each named between spaces: `net` (the /proc/net counter files, one awk)
# and `tcpstates` (CLOSE_WAIT and SYN_RECV, one ss: the costliest program here, ~4 ms, as the
# kernel walks its whole established hash once per address family). buildGatherScript() sets it
# to what the playbook's findings read (plan/findings.ts); run alone, this file gathers both.
SYSFLEET_WANT=${SYSFLEET_WANT-' net tcpstates '}

sysfleet_wants() {
  case $SYSFLEET_WANT in
    *" $1 "*) return 0 ;;
  esac
  return 1
}

# Cost: this runs on every host of every check, so it starts a fixed handful of programs (awk,
# ss, uname before Linux 6.1), never one per key or per file: on a 2-core
# control node hosting a lab, and on busy hosts, process starts are what a gather costs. The other
# cost is the shells' `read`, which takes one read(2) per byte: fine for short files, but the
# large /proc/net files go through one awk and values are looked up by parameter expansion.

sysfleet_kernel() {
  echo '@@kernel'
  # String sysctls (unlike numeric ones) can be read byte by byte, so `read` works here and no
  # uname starts; kernel.arch exists since Linux 6.1, older kernels fall back to uname.
  sysfleet_rel=
  sysfleet_arch=
  { read -r sysfleet_rel </proc/sys/kernel/osrelease; } 2>/dev/null
  { read -r sysfleet_arch </proc/sys/kernel/arch; } 2>/dev/null
  if [ -z "$sysfleet_rel" ] || [ -z "$sysfleet_arch" ]; then
    # one uname for both (a release never contains a space)
    # shellcheck disable=SC2046
    set -- $(uname -r -m 2>/dev/null)
    sysfleet_rel=$1
    sysfleet_arch=$2
  fi
  printf 'release\t%s\n' "$sysfleet_rel"
  printf 'machine\t%s\n' "$sysfleet_arch"
}

sysfleet_os_release() {
  echo '@@os-release'
  for f in /etc/os-release /usr/lib/os-release; do
    if [ -r "$f" ]; then
      while IFS= read -r line || [ -n "$line" ]; do
        case $line in
          ID=* | VERSION_ID=* | PRETTY_NAME=*) printf '= %s\n' "$line" ;;
        esac
      done <"$f"
      return 0
    fi
  done
}

sysfleet_loader() {
  echo '@@loader'
  pid1=
  { read -r pid1 </proc/1/comm; } 2>/dev/null
  printf 'pid1\t%s\n' "$pid1"
  loader=
  for f in /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl; do
    if [ -x "$f" ]; then
      printf 'systemd-sysctl\t%s\n' "$f"
      loader=systemd
      break
    fi
  done
  # Without systemd, `sysctl` itself reads the files, and its glob rules depend on what it is
  # (procps-ng 4 expands globs, 3.3 and busybox do not): one line of its --version says which.
  if [ "$pid1" != systemd ] || [ -z "$loader" ]; then
    if command -v sysctl >/dev/null 2>&1; then
      sysctl --version 2>&1 </dev/null | while IFS= read -r l; do
        case $l in
          *procps* | *BusyBox*)
            printf 'sysctl\t%s\n' "$l"
            break
            ;;
        esac
      done
    fi
  fi
}

# Dotted key -> /proc/sys path. Dots and slashes swap, as in systemd-sysctl:
# net.ipv4.conf.eth0/100.rp_filter is /proc/sys/net/ipv4/conf/eth0.100/rp_filter.
sysfleet_path() {
  case $1 in
    */*) sysfleet_p="/proc/sys/$(printf '%s' "$1" | tr './' '/.')" ;;
    *)
      sysfleet_p=/proc/sys
      sysfleet_rest=$1
      while :; do
        case $sysfleet_rest in
          *.*)
            sysfleet_p="$sysfleet_p/${sysfleet_rest%%.*}"
            sysfleet_rest=${sysfleet_rest#*.}
            ;;
          *)
            sysfleet_p="$sysfleet_p/$sysfleet_rest"
            break
            ;;
        esac
      done
      ;;
  esac
}

# /proc/sys files must be read in one read(2): the kernel answers a read at a non-zero offset with
# EOF, and the shells' `read` builtin reads byte by byte. So every value is read by ONE grep over
# all the files (`path:line` per line), and taken from its output with builtins.
SYSFLEET_EXTRA='/proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max /proc/sys/net/ipv4/ip_local_port_range'
SYSFLEET_NET_FILES='/proc/net/sockstat /proc/net/sockstat6 /proc/net/snmp /proc/net/netstat'
SYSFLEET_NET=
# The /proc/net files, each as "@@<name>" then the file. Every operand is read with getline in
# BEGIN (awk would stop at an unreadable operand file, and busybox's test -r says yes to root for
# files the kernel refuses). TCP states are NOT counted here from /proc/net/tcp{,6}: reading
# those walks the kernel's whole established hash table (262 144 buckets on a 24 GiB machine:
# ~11 ms for both files, even for a dozen sockets), where ss with a state filter takes ~2 ms.
SYSFLEET_READ_AWK='
  BEGIN {
    for (i = 1; i < ARGC; i++) {
      f = ARGV[i]
      n = f; sub(/^.*\//, "", n)
      hdr = 0
      while (0 < (getline l < f)) {
        if (!hdr) { print "@@" n; hdr = 1 }
        print l
      }
      close(f)
    }
    exit
  }'
SYSFLEET_VALUES_NL=

# The value of SYSFLEET_EXTRA file $1 into sysfleet_v, as sysfleet_take kept it (one
# `path:value` line each, fields already joined); fails when it was not read.
SYSFLEET_NL='
'
sysfleet_value() {
  sysfleet_v=
  case $SYSFLEET_VALUES_NL in
    *"$SYSFLEET_NL$1:"*) ;;
    *) return 1 ;;
  esac
  sysfleet_v=${SYSFLEET_VALUES_NL#*"$SYSFLEET_NL$1:"}
  sysfleet_v=${sysfleet_v%%"$SYSFLEET_NL"*}
}

# Take the lines of path $1 from the front of sysfleet_r into sysfleet_v (fields joined by single
# spaces: the kernel prints tabs between the numbers of multi-value keys); fails when grep printed
# none (the file was not read). The value of a SYSFLEET_EXTRA file is also kept for
# sysfleet_value. Each step cuts one short line off the front: dash's ${x#*pattern} costs the
# square of how far in the match lies, so looking every key up in the whole text was quadratic
# (200 keys took 7.7 s of dash).
sysfleet_take() {
  sysfleet_v=
  sysfleet_tp=$1
  sysfleet_vn=0
  while [ "$sysfleet_vn" -lt 1000 ]; do
    case $sysfleet_r in
      "$sysfleet_tp:"*) ;;
      *) break ;;
    esac
    sysfleet_vn=$((sysfleet_vn + 1))
    sysfleet_l=${sysfleet_r%%"$SYSFLEET_NL"*}
    sysfleet_v="$sysfleet_v ${sysfleet_l#"$sysfleet_tp:"}"
    sysfleet_r=${sysfleet_r#*"$SYSFLEET_NL"}
  done
  [ "$sysfleet_vn" -gt 0 ] || return 1
  set -f
  # shellcheck disable=SC2086 # the fields split into arguments (globbing is off)
  set -- $sysfleet_v
  set +f
  sysfleet_v="$*"
  case " $SYSFLEET_EXTRA " in
    *" $sysfleet_tp "*) SYSFLEET_VALUES_NL="$SYSFLEET_VALUES_NL$sysfleet_tp:$sysfleet_v$SYSFLEET_NL" ;;
  esac
  return 0
}

# One canonical dotted key per line on stdin.
sysfleet_sysctls() {
  echo '@@sysctl'
  # Lists kept as newline-separated text and split once: `set -- "$@" x` per key copies every
  # argument each time (quadratic: 0.26 s of dash for 800 keys).
  sysfleet_kp=
  sysfleet_paths=
  while IFS= read -r k; do
    [ -n "$k" ] || continue
    sysfleet_path "$k"
    if [ ! -e "$sysfleet_p" ]; then
      printf 'absent\t%s\n' "$k"
    elif [ -d "$sysfleet_p" ]; then
      printf 'unreadable\t%s\tis a directory\n' "$k"
    else
      sysfleet_kp="$sysfleet_kp$k$SYSFLEET_NL$sysfleet_p$SYSFLEET_NL"
      sysfleet_paths="$sysfleet_paths $sysfleet_p"
    fi
  done
  # ONE grep reads every value (`path:line`), then ONE awk the /proc/net counter files
  # (SYSFLEET_READ_AWK). grep, not the awk: mawk's getline ends the whole awk at a read error
  # (net.ipv6.conf.*.stable_secret answers EIO), which lost every value after that file; grep
  # goes on past it. A file grep printed nothing for is read again by cat below, for the errno
  # text. Keys and paths hold no blanks and no glob characters (validated): the lists split.
  SYSFLEET_ALL=$(
    set -f
    # shellcheck disable=SC2086 # the paths split into arguments (globbing is off)
    set -- $sysfleet_paths
    set +f
    for x in $SYSFLEET_EXTRA; do
      case "$sysfleet_paths " in *" $x "*) continue ;; esac
      [ -e "$x" ] && set -- "$@" "$x"
    done
    [ $# -eq 0 ] || grep -H '' -- "$@" 2>/dev/null </dev/null
    set --
    if sysfleet_wants net; then
      for x in $SYSFLEET_NET_FILES; do
        [ -e "$x" ] && set -- "$@" "$x"
      done
    fi
    # exec: the awk replaces this subshell instead of being forked from it
    [ $# -eq 0 ] || exec awk "$SYSFLEET_READ_AWK" "$@" 2>/dev/null </dev/null
  )
  set -f
  # shellcheck disable=SC2086 # key, path, key, path... (one per line; globbing is off)
  set -- $sysfleet_kp
  set +f
  sysfleet_n=$#
  # "path:value" lines first, in the order of the paths given to the awk, then the sections (a
  # value line never starts with @@): taken from the front, path by path, in that same order.
  sysfleet_r="$SYSFLEET_ALL$SYSFLEET_NL"
  SYSFLEET_VALUES_NL=$SYSFLEET_NL
  sysfleet_i=0
  while [ "$sysfleet_i" -lt "$sysfleet_n" ]; do
    k=$1
    p=$2
    shift 2
    sysfleet_i=$((sysfleet_i + 2))
    if sysfleet_take "$p"; then
      printf 'value\t%s\t%s\n' "$k" "$sysfleet_v"
    else
      # shellcheck disable=SC2002 # cat's own error message is what is wanted
      e=$(cat "$p" 2>&1 >/dev/null </dev/null | head -n 1 | tr '\t' ' ')
      printf 'unreadable\t%s\t%s\n' "$k" "${e:-read failed}"
    fi
  done
  for x in $SYSFLEET_EXTRA; do
    sysfleet_take "$x" || :
  done
  SYSFLEET_NET="$SYSFLEET_NL${sysfleet_r%"$SYSFLEET_NL"}"
}

# The meaningful lines of one sysctl file (no comments, no blank lines), with builtins only.
sysfleet_lines() {
  n=0
  lineno=0
  while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    line=${line%"$SYSFLEET_CR"}
    # shellcheck disable=SC2295 # a tab in a bracket expression: no pattern characters
    t=${line#"${line%%[! $SYSFLEET_TAB]*}"}
    case $t in
      '' | '#'* | ';'*) continue ;;
    esac
    n=$((n + 1))
    if [ "$n" -gt "$SYSFLEET_MAX_LINES" ]; then
      printf 'truncated\t%s\n' "$lineno"
      break
    fi
    printf 'L\t%s\t%s\n' "$lineno" "$line"
  done <"$1"
}

# Print one sysctl configuration file: path, dir, whether it is a symlink, meaningful lines.
# Of a symlink only one thing counts: whether it resolves to /dev/null, which masks its name.
# test's -ef (same device and inode) tells without a readlink process, and also for relative or
# chained links; `link<TAB>/dev/null` then, else a bare `link`.
sysfleet_file() {
  f=$1
  d=$2
  printf 'file\t%s\t%s\n' "$f" "$d"
  if [ -L "$f" ]; then
    # shellcheck disable=SC3013 # -ef: dash, bash and busybox test all have it (no readlink process)
    if [ "$f" -ef /dev/null ]; then printf 'link\t/dev/null\n'; else echo link; fi
  fi
  if [ ! -r "$f" ] || [ -d "$f" ]; then
    printf 'error\tnot readable\n'
    return 0
  fi
  sysfleet_lines "$f" 2>/dev/null </dev/null
}

sysfleet_files() {
  echo '@@files'
  # First pass: which files, in which directory (a directory reached twice through symlinks is
  # read once). Names are kept as positional parameters, so any file name is safe.
  # The real path of a directory: `cd -P` sets PWD to it, in this shell (a $(cd; pwd -P) would
  # fork once per directory); the working directory is put back to / afterwards.
  seen=' '
  set --
  for d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
    [ -d "$d" ] || continue
    real=
    cd -P "$d" 2>/dev/null && real=$PWD
    case "$seen" in
      *" $real "*)
        set -- "$@" "same" "$d" "$real"
        continue
        ;;
    esac
    seen="$seen$real "
    set -- "$@" "dir" "$d" ""
    for f in "$d"/*.conf; do
      [ -e "$f" ] || [ -L "$f" ] || continue
      set -- "$@" "file" "$f" "$d"
    done
  done
  cd / 2>/dev/null
  if [ -e /etc/sysctl.conf ] || [ -L /etc/sysctl.conf ]; then
    set -- "$@" "file" /etc/sysctl.conf /etc/sysctl.conf
  fi
  while [ $# -ge 3 ]; do
    case $1 in
      same) printf 'same\t%s\t%s\n' "$2" "$3" ;;
      dir) printf 'dir\t%s\n' "$2" ;;
      file) sysfleet_file "$2" "$3" ;;
    esac
    shift 3
  done
}

# The /proc/net counter files, each as a section named after it: read by the one awk of
# sysfleet_sysctls (the shell's `read` would take one read(2) per byte); unreadable ones get an
# empty section.
sysfleet_raws() {
  sysfleet_wants net || return 0
  for f in $SYSFLEET_NET_FILES; do
    case $SYSFLEET_NET in
      *"$SYSFLEET_NL@@${f##*/}$SYSFLEET_NL"*) ;;
      *) echo "@@${f##*/}" ;;
    esac
  done
  [ -n "$SYSFLEET_NET" ] && printf '%s\n' "${SYSFLEET_NET#"$SYSFLEET_NL"}"
  return 0
}

sysfleet_tcpstates() {
  echo '@@tcpstates'
  # One ss for both states: with two `state` filters it prints a State column to count by.
  if command -v ss >/dev/null 2>&1 &&
    sysfleet_ss=$(ss -tan state close-wait state syn-recv 2>/dev/null </dev/null); then
    cw=0
    sr=0
    while read -r st _; do
      case $st in
        CLOSE-WAIT) cw=$((cw + 1)) ;;
        SYN-RECV) sr=$((sr + 1)) ;;
      esac
    done <<SYSFLEET_SS
$sysfleet_ss
SYSFLEET_SS
    printf 'source\tss\n'
    printf 'close_wait\t%s\n' "$cw"
    printf 'syn_recv\t%s\n' "$sr"
  else
    printf 'source\tproc\n'
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null </dev/null | awk -v cap="$SYSFLEET_PROC_CAP" '
      cap < NR { capped = 1; exit }
      $4 == "01" { es++ } $4 == "06" { tw++ } $4 == "08" { cw++ } $4 == "03" { sr++ }
      END {
        print "established\t" es + 0; print "time_wait\t" tw + 0
        print "close_wait\t" cw + 0; print "syn_recv\t" sr + 0
        if (capped) print "capped\t1"
      }'
  fi
}

sysfleet_small() {
  echo '@@conntrack'
  for n in count max; do
    f=/proc/sys/net/netfilter/nf_conntrack_$n
    sysfleet_value "$f" && printf '%s\t%s\n' "$n" "$sysfleet_v"
  done
  echo '@@portrange'
  sysfleet_value /proc/sys/net/ipv4/ip_local_port_range && printf '%s\n' "$sysfleet_v"
  echo '@@numa'
  n=0
  for d in /sys/devices/system/node/node[0-9]*; do
    [ -d "$d" ] && n=$((n + 1))
  done
  printf 'nodes\t%s\n' "$n"
}

sysfleet_main() {
  echo '@@sysfleet-gather 1'
  sysfleet_sysctls
  {
    sysfleet_kernel
    sysfleet_os_release
    sysfleet_loader
    sysfleet_files
    sysfleet_raws
    if sysfleet_wants tcpstates; then sysfleet_tcpstates; fi
    sysfleet_small
  } </dev/null
  echo '@@end'
}
