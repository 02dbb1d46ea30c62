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

sysfleet_kernel() {
  echo '@@kernel'
  printf 'release\t%s\n' "$(uname -r 2>/dev/null)"
  printf 'machine\t%s\n' "$(uname -m 2>/dev/null)"
}

sysfleet_os_release() {
  echo '@@os-release'
  for f in /etc/os-release /usr/lib/os-release; do
    if [ -r "$f" ]; then
      grep -E '^(ID|VERSION_ID|PRETTY_NAME)=' "$f" 2>/dev/null | sed 's/^/= /'
      return 0
    fi
  done
}

sysfleet_loader() {
  echo '@@loader'
  pid1=$(cat /proc/1/comm 2>/dev/null)
  printf 'pid1\t%s\n' "$pid1"
  for f in /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl; do
    if [ -x "$f" ]; then
      printf 'systemd-sysctl\t%s\n' "$f"
      break
    fi
  done
}

# One canonical dotted key per line on stdin. Dots and slashes swap to make the path, as in
# systemd-sysctl: net.ipv4.conf.eth0/100.rp_filter is /proc/sys/net/ipv4/conf/eth0.100/rp_filter.
sysfleet_sysctls() {
  echo '@@sysctl'
  while IFS= read -r k; do
    [ -n "$k" ] || continue
    p="/proc/sys/$(printf '%s' "$k" | tr './' '/.')"
    if [ ! -e "$p" ]; then
      printf 'absent\t%s\n' "$k"
    elif [ -d "$p" ]; then
      printf 'unreadable\t%s\tis a directory\n' "$k"
    elif v=$(cat "$p" 2>/dev/null </dev/null); then
      # Multi-line values become one line: fields joined by single spaces.
      printf 'value\t%s\t%s\n' "$k" "$(printf '%s\n' "$v" | tr '\t\n' '  ' | sed 's/  */ /g; s/^ //; s/ $//')"
    else
      e=$(cat "$p" 2>&1 >/dev/null </dev/null | head -n 1 | tr '\t' ' ')
      printf 'unreadable\t%s\t%s\n' "$k" "${e:-read failed}"
    fi
  done
}

# Print one sysctl configuration file: path, dir, symlink target, sha256, meaningful lines.
sysfleet_file() {
  f=$1
  d=$2
  printf 'file\t%s\t%s\n' "$f" "$d"
  if [ -L "$f" ]; then
    printf 'link\t%s\n' "$(readlink "$f" 2>/dev/null)"
  fi
  if [ ! -r "$f" ] || [ -d "$f" ]; then
    printf 'error\tnot readable\n'
    return 0
  fi
  if command -v sha256sum >/dev/null 2>&1; then
    s=$(sha256sum <"$f" 2>/dev/null | cut -d ' ' -f 1)
    [ -n "$s" ] && printf 'sha256\t%s\n' "$s"
  fi
  awk -v max="$SYSFLEET_MAX_LINES" '
    { sub(/\r$/, "") }
    /^[ \t]*$/ { next }
    /^[ \t]*[#;]/ { next }
    { n++; if (max < n) { print "truncated\t" NR; exit } ; print "L\t" NR "\t" $0 }
  ' "$f" 2>/dev/null </dev/null
}

sysfleet_files() {
  echo '@@files'
  seen=' '
  for d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
    [ -d "$d" ] || continue
    real=$(cd "$d" 2>/dev/null && pwd -P)
    case "$seen" in
      *" $real "*)
        printf 'same\t%s\t%s\n' "$d" "$real"
        continue
        ;;
    esac
    seen="$seen$real "
    printf 'dir\t%s\n' "$d"
    for f in "$d"/*.conf; do
      [ -e "$f" ] || [ -L "$f" ] || continue
      sysfleet_file "$f" "$d"
    done
  done
  if [ -e /etc/sysctl.conf ] || [ -L /etc/sysctl.conf ]; then
    sysfleet_file /etc/sysctl.conf /etc/sysctl.conf
  fi
}

sysfleet_raw() {
  echo "@@$1"
  [ -r "$2" ] && cat "$2" 2>/dev/null </dev/null
  return 0
}

sysfleet_count_state() {
  # $1: ss state name. Prints the number of sockets (ss prints one header line).
  ss -tan state "$1" 2>/dev/null </dev/null | awk '1 < NR { n++ } END { print n + 0 }'
}

sysfleet_tcpstates() {
  echo '@@tcpstates'
  if command -v ss >/dev/null 2>&1 && ss -tan state close-wait >/dev/null 2>&1 </dev/null; then
    printf 'source\tss\n'
    printf 'close_wait\t%s\n' "$(sysfleet_count_state close-wait)"
    printf 'syn_recv\t%s\n' "$(sysfleet_count_state syn-recv)"
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
    [ -r "$f" ] && printf '%s\t%s\n' "$n" "$(cat "$f" 2>/dev/null </dev/null)"
  done
  echo '@@portrange'
  [ -r /proc/sys/net/ipv4/ip_local_port_range ] &&
    tr '\t' ' ' </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
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
    sysfleet_raw sockstat /proc/net/sockstat
    sysfleet_raw sockstat6 /proc/net/sockstat6
    sysfleet_raw snmp /proc/net/snmp
    sysfleet_raw netstat /proc/net/netstat
    sysfleet_tcpstates
    sysfleet_small
  } </dev/null
  echo '@@end'
}
