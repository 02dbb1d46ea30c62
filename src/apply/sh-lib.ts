/**
 * POSIX sh functions shared by every host-side program (apply, rollback, collect, snapshots).
 * Runs under dash, bash and busybox sh. Kept as a String.raw constant (not a .sh file) so that
 * `tsc` ships it in dist/; consequence: the shell code never uses `${...}` or backquotes.
 *
 * Output protocol: one record per line, `@@sf<TAB>kind<TAB>name=value<TAB>...`; values never
 * contain tabs or newlines (sf_clean). Parsed by src/apply/lines.ts.
 */
export const SH_LIB = String.raw`
SF_DIR=/var/lib/sysfleet
SF_LOCK=$SF_DIR/lock
SF_HAVE_LOCK=0
SF_LOCK_INFO=
TAB=$(printf '\t')

# sf_emit KIND name=value... : one protocol record on stdout
sf_emit() {
  printf '@@sf\t%s' "$1"; shift
  for _a in "$@"; do printf '\t%s' "$_a"; done
  printf '\n'
}
# sf_final name=value... : the one final record of a program (state=..., reason=...)
sf_final() { SF_FINAL=1; sf_emit final "$@"; }
# sf_clean TEXT : TEXT on one line without tabs (for error messages)
sf_clean() { printf '%s' "$1" | tr '\t\r\n' '   '; }
# sf_errtext FILE : the errno text of the first error line in FILE ("x: y: Invalid argument" -> "Invalid argument")
sf_errtext() {
  _e=$(sed -n -e 's/^.*: //p' "$1" 2>/dev/null | head -n 1)
  [ -n "$_e" ] || _e=$(head -n 1 "$1" 2>/dev/null)
  [ -n "$_e" ] || _e='unknown error'
  sf_clean "$_e"
}
# sf_norm VALUE : fields joined by one space, integers without leading zeros (numeric compare as text)
sf_norm() {
  printf '%s\n' "$1" | awk '{ o = ""; for (i = 1; i <= NF; i++) { f = $i; s = "";
    if (f ~ /^[-+]?[0-9]+$/) { if (f ~ /^-/) s = "-"; sub(/^[-+]/, "", f); sub(/^0+/, "", f);
      if (f == "") { f = "0"; s = "" } f = s f }
    o = (i == 1) ? f : o " " f } print o }'
}
sf_key_path() { printf '/proc/sys/%s' "$(printf '%s' "$1" | tr . /)"; }

# sf_read_key KEY : sets SF_ST (value|absent|unreadable), SF_V (normalized), SF_ERR
sf_read_key() {
  SF_P=$(sf_key_path "$1"); SF_V=; SF_ERR=
  if [ ! -e "$SF_P" ]; then SF_ST=absent; return 0; fi
  if SF_V=$(cat "$SF_P" 2>"$SF_W/err"); then
    SF_ST=value; SF_V=$(sf_norm "$SF_V")
  else
    SF_ST=unreadable; SF_ERR=$(sf_errtext "$SF_W/err")
  fi
}

# sf_write_key KEY VALUE : write, read back, compare numerically; 0 when the kernel holds VALUE.
# On failure SF_ERR says why (errno text, or what was read back). SF_V is the value read back.
sf_write_key() {
  SF_P=$(sf_key_path "$1"); SF_ERR=; _we=
  if [ ! -e "$SF_P" ]; then
    SF_ERR='No such file or directory (key not present on this kernel)'; SF_V=; return 1
  fi
  # builtin printf loses errno text in dash/busybox; cat reports it ("write error: Invalid argument")
  if ! printf '%s\n' "$2" | cat 2>"$SF_W/err" >"$SF_P"; then
    _we=$(sf_errtext "$SF_W/err")
  fi
  sf_read_key "$1"
  if [ "$SF_ST" != value ]; then
    SF_ERR=$_we; [ -n "$SF_ERR" ] || SF_ERR="cannot read back: $SF_ST"; return 1
  fi
  if [ "$SF_V" != "$(sf_norm "$2")" ]; then
    SF_ERR=$_we; [ -n "$SF_ERR" ] || SF_ERR="read back '$SF_V', wanted '$2'"; return 1
  fi
  SF_ERR=; return 0
}

# sf_sync PATH : fsync a file or directory (sync FILE where supported, else a global sync)
sf_sync() { sync "$1" 2>/dev/null || sync; }

# sf_b64 FILE : base64 of FILE on one line
sf_b64() { base64 <"$1" | tr -d '\n'; }

# sf_file_state PATH : SF_FS (absent|present|other), SF_FMODE, SF_FUID, SF_FGID
sf_file_state() {
  SF_FMODE=; SF_FUID=; SF_FGID=
  if [ -L "$1" ]; then SF_FS=other; return 0; fi
  if [ ! -e "$1" ]; then SF_FS=absent; return 0; fi
  if [ ! -f "$1" ]; then SF_FS=other; return 0; fi
  SF_FS=present
  set -- $(stat -c '%a %u %g' "$1")
  SF_FMODE=$1; SF_FUID=$2; SF_FGID=$3
}

# sf_put_file SRC PATH MODE UID GID : atomically replace PATH with the content of SRC (temp in
# the same dir, fsync, chmod, chown, rename, fsync dir). SF_ERR on failure; no temp file survives.
sf_put_file() {
  _s=$1; shift
  _d=$(dirname "$1"); _t="$_d/.$(basename "$1").sysfleet-$SF_RUN.tmp"
  if ! cat "$_s" 2>"$SF_W/err" >"$_t"; then
    SF_ERR="cannot write $_t: $(sf_errtext "$SF_W/err")"; rm -f "$_t" 2>/dev/null; return 1
  fi
  if ! { chmod "$2" "$_t" && { [ -z "$3" ] || chown "$3:$4" "$_t"; }; } 2>"$SF_W/err"; then
    SF_ERR="cannot set mode/owner of $_t: $(sf_errtext "$SF_W/err")"; rm -f "$_t"; return 1
  fi
  sf_sync "$_t"
  if ! mv -f "$_t" "$1" 2>"$SF_W/err"; then
    SF_ERR="cannot rename $_t to $1: $(sf_errtext "$SF_W/err")"; rm -f "$_t"; return 1
  fi
  sf_sync "$_d"; return 0
}

# sf_rm_file PATH : remove PATH durably; SF_ERR on failure
sf_rm_file() {
  if ! rm -f "$1" 2>"$SF_W/err"; then SF_ERR="cannot remove $1: $(sf_errtext "$SF_W/err")"; return 1; fi
  sf_sync "$(dirname "$1")"; return 0
}

# sf_starttime PID : the process start time (clock ticks since boot), to tell a reused pid apart
sf_starttime() { sed -e 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d ' ' -f 20; }

# sf_lock_field INFO NAME : one field of a lock record "run=..;by=..;pid=..;start=..;time=..;mode=.."
sf_lock_field() { printf '%s\n' "$1" | tr ';' '\n' | sed -n -e "s/^$2=//p" | head -n 1; }

sf_holder_fields() {
  printf 'run=%s\tby=%s\tpid=%s\ttime=%s\tmode=%s' "$(sf_lock_field "$1" run)" \
    "$(sf_lock_field "$1" by)" "$(sf_lock_field "$1" pid)" "$(sf_lock_field "$1" time)" \
    "$(sf_lock_field "$1" mode)"
}

# sf_lock_alive INFO : 0 when the holder process still runs (same pid and same start time)
sf_lock_alive() {
  _pid=$(sf_lock_field "$1" pid); _st=$(sf_lock_field "$1" start)
  case $_pid in ''|*[!0-9]*) return 1 ;; esac
  kill -0 "$_pid" 2>/dev/null || [ -d "/proc/$_pid" ] || return 1
  [ -z "$_st" ] && return 0
  [ "$(sf_starttime "$_pid")" = "$_st" ]
}

sf_lock_info() { # PID
  printf 'run=%s;by=%s;pid=%s;start=%s;time=%s;mode=%s' "$SF_RUN" "$SF_BY" "$1" \
    "$(sf_starttime "$1")" "$(date +%s)" "$SF_MODE"
}

# sf_lock PID : take the host lock for PID (atomic symlink). 0 taken; 1 held by a live holder.
sf_lock() {
  SF_LOCK_INFO=$(sf_lock_info "$1")
  _i=0
  while [ $_i -lt 5 ]; do
    _i=$((_i + 1))
    if ln -s "$SF_LOCK_INFO" "$SF_LOCK" 2>/dev/null; then
      SF_HAVE_LOCK=1; sf_emit lock state=acquired; return 0
    fi
    _cur=$(readlink "$SF_LOCK" 2>/dev/null) || continue
    if sf_lock_alive "$_cur"; then
      printf '@@sf\tlock\tstate=held\t%s\n' "$(sf_holder_fields "$_cur")"; return 1
    fi
    # stale: its holder is gone. Replace it atomically and make sure we won any race.
    ln -s "$SF_LOCK_INFO" "$SF_LOCK.new.$$" 2>/dev/null && mv -f "$SF_LOCK.new.$$" "$SF_LOCK"
    rm -f "$SF_LOCK.new.$$"
    if [ "$(readlink "$SF_LOCK" 2>/dev/null)" = "$SF_LOCK_INFO" ]; then
      SF_HAVE_LOCK=1
      printf '@@sf\tlock\tstate=takeover\t%s\n' "$(sf_holder_fields "$_cur")"; return 0
    fi
  done
  sf_emit lock state=held run=unknown by=unknown pid=0 time=0 mode=unknown; return 1
}

# sf_lock_handover PID : re-point our lock at another process of ours (the detached worker)
sf_lock_handover() {
  _new=$(sf_lock_info "$1")
  ln -s "$_new" "$SF_LOCK.new.$$" && mv -f "$SF_LOCK.new.$$" "$SF_LOCK"
  rm -f "$SF_LOCK.new.$$"
  SF_LOCK_INFO=$_new; SF_HAVE_LOCK=1
}

# sf_unlock : release the lock only if it is still ours
sf_unlock() {
  if [ "$SF_HAVE_LOCK" = 1 ] && [ "$(readlink "$SF_LOCK" 2>/dev/null)" = "$SF_LOCK_INFO" ]; then
    rm -f "$SF_LOCK"
  fi
  SF_HAVE_LOCK=0
}

# sf_need_tools : fail early, before any lock or change, when the host lacks a tool
sf_need_tools() {
  for _t in awk base64 cat chmod chown cut dirname basename head ln mkdir mv readlink rm sed stat sync tr date; do
    command -v "$_t" >/dev/null 2>&1 || { sf_final state=failed "reason=missing tool on host: $_t"; return 1; }
  done
}
`;
