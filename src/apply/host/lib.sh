# POSIX sh functions shared by every host-side program (apply, rollback, collect, snapshots).
# Runs under dash, bash and busybox sh; shellcheck reads every file here (npm run check).
#
# Cost: every process a program starts is paid on every host of every run, so per-key work uses
# builtins only. /proc/sys values are read by ONE grep over all the keys (the kernel answers a
# read(2) at a non-zero offset with EOF, and the shells' `read` reads byte by byte, so no builtin
# can read them) and looked up with builtins; writes use the builtin printf.
#
# The shell has no local variables: each helper names its temporaries with its own prefix
# (`_nm_` in sf_norm, `_lk_` in sf_lookup, ...) so it never clobbers a caller's loop variables;
# src/apply/script.test.ts checks that no helper assigns a name another function uses.
#
# Output protocol: one record per line, `@@sf<TAB>kind<TAB>name=value<TAB>...`; values never
# contain tabs or newlines (sf_clean). Parsed by src/apply/lines.ts.
#
# ---- sent to hosts from the next line on (load.ts drops this header) ----

SF_DIR=/var/lib/sysfleet
SF_LOCK=$SF_DIR/lock
SF_HAVE_LOCK=0
SF_LOCK_INFO=
SF_VALUES=
SF_VALUES_NL=
# a literal tab: $(printf '\t') would fork, in the attached part and in the worker
TAB='	'
SF_NL='
'

# sf_emit KIND name=value... : one protocol record on stdout
sf_emit() {
  printf '@@sf\t%s' "$1"; shift
  for _em_a in "$@"; do printf '\t%s' "$_em_a"; done
  printf '\n'
}
# sf_final name=value... : the one final record of a program (state=..., reason=...)
sf_final() { SF_FINAL=1; sf_emit final "$@"; }
# sf_clean TEXT : TEXT on one line without tabs (for error messages)
sf_clean() { printf '%s' "$1" | tr '\t\r\n' '   '; }
# sf_errtext FILE : the errno text of the first error line in FILE ("x: y: Invalid argument" -> "Invalid argument")
sf_errtext() {
  _et_e=$(sed -n -e 's/^.*: //p' "$1" 2>/dev/null | head -n 1)
  [ -n "$_et_e" ] || _et_e=$(head -n 1 "$1" 2>/dev/null)
  [ -n "$_et_e" ] || _et_e='unknown error'
  sf_clean "$_et_e"
}
# sf_norm VALUE : SF_N, VALUE's fields joined by one space, integers without leading zeros and
# without a + sign, so that values compare as numbers when compared as text ("007" = "7", "-0" = "0").
sf_norm() {
  SF_N=
  set -f
  for _nm_f in $1; do
    _nm_s=; _nm_d=$_nm_f
    case $_nm_d in -*) _nm_s=-; _nm_d=${_nm_d#-} ;; +*) _nm_d=${_nm_d#+} ;; esac
    case $_nm_d in
      '' | *[!0-9]*) _nm_s=; _nm_d=$_nm_f ;;
      *)
        while :; do case $_nm_d in 0?*) _nm_d=${_nm_d#0} ;; *) break ;; esac; done
        [ "$_nm_d" = 0 ] && _nm_s=
        ;;
    esac
    SF_N="$SF_N${SF_N:+ }$_nm_s$_nm_d"
  done
  set +f
}
# sf_key_path KEY : SF_P, the /proc/sys path of a canonical dotted KEY (src/sysctl/key.ts; no
# globs). Dots are directory levels; a / inside a segment is a literal dot of a name (the VLAN
# eth0.100 in net.ipv4.conf.eth0/100.rp_filter). Builtins only.
sf_key_path() {
  SF_P=/proc/sys; _kp_rest=$1.
  while [ -n "$_kp_rest" ]; do
    _kp_seg=${_kp_rest%%.*}; _kp_rest=${_kp_rest#*.}
    while :; do
      case $_kp_seg in */*) _kp_seg="${_kp_seg%%/*}.${_kp_seg#*/}" ;; *) break ;; esac
    done
    SF_P="$SF_P/$_kp_seg"
  done
}

# sf_read_keys KEY... : read the runtime values of every KEY with ONE grep into SF_VALUES
# (lines "path:value"); sf_read_key then looks them up. Call it again to see later writes.
sf_read_keys() {
  SF_VALUES=$(
    _rk_n=$#
    while [ "$_rk_n" -gt 0 ]; do
      sf_key_path "$1"; shift; _rk_n=$((_rk_n - 1))
      [ -f "$SF_P" ] && set -- "$@" "$SF_P"
    done
    [ $# -gt 0 ] && grep -H '' -- "$@" 2>/dev/null </dev/null
    :
  )
  SF_VALUES_NL="$SF_NL$SF_VALUES$SF_NL"
}
# sf_read_keys_of FILE : sf_read_keys for the keys in the first |-field of each line of FILE
sf_read_keys_of() {
  _rk_f=$1; set --
  while IFS='|' read -r _rk_k _rk_rest; do set -- "$@" "$_rk_k"; done <"$_rk_f"
  sf_read_keys "$@"
}

# sf_lookup PATH : SF_LV, PATH's lines in SF_VALUES joined by spaces; fails when it has none.
# Parameter expansion only: a read loop over SF_VALUES would cost one read(2) per byte.
sf_lookup() {
  SF_LV=
  case $SF_VALUES_NL in *"$SF_NL$1:"*) ;; *) return 1 ;; esac
  _lk_r=${SF_VALUES_NL#*"$SF_NL$1:"}; _lk_i=0
  # grep prints a file's lines together: this line, then any that follow for the same path
  while [ $_lk_i -lt 1000 ]; do
    _lk_i=$((_lk_i + 1))
    SF_LV="$SF_LV ${_lk_r%%"$SF_NL"*}"
    _lk_r=${_lk_r#*"$SF_NL"}
    case $_lk_r in "$1:"*) _lk_r=${_lk_r#"$1:"} ;; *) break ;; esac
  done
}

# sf_read_key KEY : from the last sf_read_keys, SF_ST (value|absent|unreadable), SF_V
# (normalized), SF_ERR. A file grep printed nothing for (empty, or unreadable) is read again by
# cat, which tells the two apart and gives the errno text.
sf_read_key() {
  sf_key_path "$1"; SF_V=; SF_ERR=
  if [ ! -e "$SF_P" ]; then SF_ST=absent; return 0; fi
  if sf_lookup "$SF_P"; then
    SF_ST=value; sf_norm "$SF_LV"; SF_V=$SF_N
  elif SF_V=$(cat "$SF_P" 2>"$SF_W.err"); then
    SF_ST=value; sf_norm "$SF_V"; SF_V=$SF_N
  else
    SF_ST=unreadable; SF_V=; SF_ERR=$(sf_errtext "$SF_W.err")
  fi
}

# sf_put_key KEY VALUE : write VALUE to the kernel (no read-back). 0 when the write was accepted;
# else SF_ERR is the errno text. The builtin printf does the write; only when it fails does cat
# write again to learn the errno text (the builtins of dash and busybox do not print it).
sf_put_key() {
  sf_key_path "$1"; SF_ERR=
  if [ ! -e "$SF_P" ]; then
    SF_ERR='No such file or directory (key not present on this kernel)'; return 1
  fi
  { printf '%s\n' "$2" >"$SF_P"; } 2>/dev/null && return 0
  if printf '%s\n' "$2" | cat 2>"$SF_W.err" >"$SF_P"; then
    return 0
  fi
  SF_ERR=$(sf_errtext "$SF_W.err"); return 1
}

# sf_check_key KEY VALUE [WRITE_ERROR] : after sf_read_keys, 0 when the kernel holds VALUE (compared
# as numbers); else SF_ERR says why (the write's errno text, or what was read back). SF_V: read back.
sf_check_key() {
  sf_read_key "$1"
  if [ "$SF_ST" != value ]; then
    SF_ERR=$3; [ -n "$SF_ERR" ] || SF_ERR="cannot read back: $SF_ST"; return 1
  fi
  sf_norm "$2"
  if [ "$SF_V" != "$SF_N" ]; then
    SF_ERR=$3; [ -n "$SF_ERR" ] || SF_ERR="read back '$SF_V', wanted '$2'"; return 1
  fi
  SF_ERR=; return 0
}

# sf_write_key KEY VALUE : write, read back, compare; 0 when the kernel holds VALUE. One key at a
# time (for restores); the main paths write every key first and read them all back at once.
sf_write_key() {
  _wk_err=
  sf_put_key "$1" "$2" || _wk_err=$SF_ERR
  sf_read_keys "$1"
  sf_check_key "$1" "$2" "$_wk_err"
}

# sf_sync PATH... : fsync files or directories, in order (sync FILE... where supported, else a
# global sync)
sf_sync() { sync "$@" 2>/dev/null || sync; }

# sf_b64 FILE : SF_B64, the base64 of FILE on one line (one process)
sf_b64() {
  SF_B64=
  set -f
  for _b64_l in $(base64 <"$1"); do SF_B64=$SF_B64$_b64_l; done
  set +f
}
# sf_same_content FILE B64 : 0 when FILE's content is B64
sf_same_content() { sf_b64 "$1"; [ "$SF_B64" = "$2" ]; }
# sf_file_kind PATH : SF_FS (absent|present|other), builtins only
sf_file_kind() {
  if [ -L "$1" ]; then SF_FS=other
  elif [ ! -e "$1" ]; then SF_FS=absent
  elif [ ! -f "$1" ]; then SF_FS=other
  else SF_FS=present
  fi
}
# sf_file_state PATH : sf_file_kind, and for a present file SF_FMODE, SF_FUID, SF_FGID, SF_FINO
# (inode) and SF_FSIZE (bytes), one stat
sf_file_state() {
  SF_FMODE=; SF_FUID=; SF_FGID=; SF_FINO=; SF_FSIZE=0
  sf_file_kind "$1"
  [ "$SF_FS" = present ] || return 0
  # shellcheck disable=SC2046 # stat prints five numbers, one argument each
  set -- $(stat -c '%a %u %g %i %s' "$1")
  SF_FMODE=$1; SF_FUID=$2; SF_FGID=$3; SF_FINO=$4; SF_FSIZE=$5
}

# sf_next_line : SF_LINE, the next line of SF_REST (consumed); fails when none is left. Iterates
# over text held in a variable: no heredoc, no temp file (a full disk cannot cut a loop short).
sf_next_line() {
  [ -n "$SF_REST" ] || return 1
  SF_LINE=${SF_REST%%"$SF_NL"*}
  case $SF_REST in *"$SF_NL"*) SF_REST=${SF_REST#*"$SF_NL"} ;; *) SF_REST= ;; esac
}

# sf_fs DIR : SF_FREE_K (KiB free for unprivileged writers: the conservative figure), SF_BS (block
# size) and SF_DEV (device: two directories on one filesystem share it). Fails when unknown.
sf_fs() {
  SF_FREE_K=; SF_BS=; SF_DEV=
  # shellcheck disable=SC2046 # stat prints numbers, one argument each
  set -- $(stat -f -c '%a %S' "$1" 2>/dev/null) $(stat -c %d "$1" 2>/dev/null)
  [ $# -eq 3 ] || return 1
  case $1$2$3 in *[!0-9]*) return 1 ;; esac
  [ "$2" -gt 0 ] || return 1
  SF_FREE_K=$(($1 * $2 / 1024)); SF_BS=$2; SF_DEV=$3
}
# sf_fs_pair DIR DIR2 : sf_fs for both, in two stats instead of four (each a process start on
# every apply and rollback); SF_FREE_K2, SF_BS2 and SF_DEV2 are DIR2's. Fails when either is
# unknown (the caller then asks sf_fs for each, to keep the one that can be measured).
sf_fs_pair() {
  SF_FREE_K=; SF_BS=; SF_DEV=; SF_FREE_K2=; SF_BS2=; SF_DEV2=
  # shellcheck disable=SC2046 # stat prints numbers, one argument each: a line per directory
  set -- $(stat -f -c '%a %S' "$1" "$2" 2>/dev/null) $(stat -c %d "$1" "$2" 2>/dev/null)
  [ $# -eq 6 ] || return 1
  case $1$2$3$4$5$6 in *[!0-9]*) return 1 ;; esac
  [ "$2" -gt 0 ] && [ "$4" -gt 0 ] || return 1
  SF_FREE_K=$(($1 * $2 / 1024)); SF_BS=$2; SF_DEV=$5
  SF_FREE_K2=$(($3 * $4 / 1024)); SF_BS2=$4; SF_DEV2=$6
}
# sf_need_kib BYTES FILES : SF_NEED_K, the KiB that FILES files holding BYTES in all take on a
# filesystem of block size SF_BS, with a margin (a quarter more, plus two blocks)
sf_need_kib() {
  _nk_b=$((($1 + SF_BS - 1) / SF_BS + $2))
  _nk_b=$((_nk_b + _nk_b / 4 + 2))
  SF_NEED_K=$((_nk_b * SF_BS / 1024))
}
# sf_space_check DIR BYTES FILES [DIR2 BYTES2 FILES2] : 0 when each directory's filesystem has room
# for what will be written there (two on one filesystem add up); else SF_ERR says
# "no space left on DIR: N KiB free, M KiB needed". A filesystem stat -f cannot measure passes
# (every write is still checked).
sf_space_check() {
  SF_ERR=; _sc_d2=; _sc_b2=0; _sc_n2=0; _sc_one=
  if [ $# -ge 6 ] && sf_fs_pair "$1" "$4"; then
    _sc_d2=$4; _sc_v2=$SF_DEV2; _sc_f2=$SF_FREE_K2; _sc_bs2=$SF_BS2; _sc_b2=$5; _sc_n2=$6
    _sc_one=1
  elif [ $# -ge 6 ] && sf_fs "$4"; then
    _sc_d2=$4; _sc_v2=$SF_DEV; _sc_f2=$SF_FREE_K; _sc_bs2=$SF_BS; _sc_b2=$5; _sc_n2=$6
  fi
  if [ -n "$_sc_one" ] || sf_fs "$1"; then
    _sc_b=$2; _sc_n=$3
    if [ -n "$_sc_d2" ] && [ "$_sc_v2" = "$SF_DEV" ]; then
      _sc_b=$((_sc_b + _sc_b2)); _sc_n=$((_sc_n + _sc_n2)); _sc_d2=
    fi
    sf_need_kib "$_sc_b" "$_sc_n"
    if [ "$SF_FREE_K" -lt "$SF_NEED_K" ]; then
      SF_ERR="no space left on $1: $SF_FREE_K KiB free, $SF_NEED_K KiB needed"; return 1
    fi
  fi
  [ -n "$_sc_d2" ] || return 0
  SF_BS=$_sc_bs2; sf_need_kib "$_sc_b2" "$_sc_n2"
  if [ "$_sc_f2" -lt "$SF_NEED_K" ]; then
    SF_ERR="no space left on $_sc_d2: $_sc_f2 KiB free, $SF_NEED_K KiB needed"; return 1
  fi
}
# sf_write_err WHAT DIR BYTES : SF_ERR for a failed write of BYTES to WHAT in DIR (errno text in
# SF_W.err, which a full disk may have kept empty): ENOSPC in the words of sf_space_check
sf_write_err() {
  _we_t=$(sf_errtext "$SF_W.err")
  case $_we_t in
    *'No space left'* | 'unknown error')
      if sf_fs "$2"; then
        sf_need_kib "$3" 1
        if [ "$SF_FREE_K" -lt "$SF_NEED_K" ] || [ "$_we_t" != 'unknown error' ]; then
          SF_ERR="no space left on $2: $SF_FREE_K KiB free, $SF_NEED_K KiB needed"; return 0
        fi
      fi
      ;;
  esac
  SF_ERR="cannot write $1: $_we_t"
}
# sf_reserve FILE BYTES : hold BYTES of the filesystem in FILE (freed with rm just before the
# writes it stands for); SF_ERR when they are not there
sf_reserve() {
  if ! head -c "$2" /dev/zero 2>"$SF_W.err" >"$1"; then
    sf_write_err "$1" "${1%/*}" "$2"; rm -f "$1"; return 1
  fi
}

# sf_temp_of PATH : SF_TMP, the temp file a replacement of PATH is written to (same directory)
sf_temp_of() { SF_TMP="${1%/*}/.${1##*/}.sysfleet-$SF_RUN.tmp"; }

# sf_commit_temp PATH : fsync SF_TMP, rename it over PATH, fsync the directory. SF_ERR on failure;
# the temp never survives.
sf_commit_temp() {
  sf_sync "$SF_TMP"
  if ! mv -f "$SF_TMP" "$1" 2>"$SF_W.err"; then
    SF_ERR="cannot rename $SF_TMP to $1: $(sf_errtext "$SF_W.err")"; rm -f "$SF_TMP"; return 1
  fi
  sf_sync "${1%/*}"; return 0
}

# sf_put_file PATH MODE UID GID : atomically replace PATH with the content SF_J holds in base64
# (decoded straight into a temp file in the same dir, chmod, chown, then sf_commit_temp). SF_ERR on
# failure; no temp file survives.
sf_put_file() {
  sf_temp_of "$1"
  if ! printf '%s\n' "$SF_J" | base64 -d 2>"$SF_W.err" >"$SF_TMP"; then
    sf_write_err "$SF_TMP" "${1%/*}" $((${#SF_J} * 3 / 4)); rm -f "$SF_TMP" 2>/dev/null; return 1
  fi
  if ! { chmod "$2" "$SF_TMP" && { [ -z "$3" ] || chown "$3:$4" "$SF_TMP"; }; } 2>"$SF_W.err"; then
    SF_ERR="cannot set mode/owner of $SF_TMP: $(sf_errtext "$SF_W.err")"; rm -f "$SF_TMP"; return 1
  fi
  sf_commit_temp "$1"
}

# sf_text_of FILE : SF_TXT, FILE's content read with the builtin read (no process; for text, which
# has no NUL bytes). Fails when FILE cannot be read.
sf_text_of() {
  SF_TXT=; _tx_l=
  { while IFS= read -r _tx_l; do SF_TXT="$SF_TXT$_tx_l$SF_NL"; done <"$1"; } 2>/dev/null || return 1
  SF_TXT="$SF_TXT$_tx_l"
}
# sf_holds_text FILE : 0 when FILE's content is exactly SF_T (sf_text_of, no process)
sf_holds_text() { sf_text_of "$1" && [ "$SF_TXT" = "$SF_T" ]; }

# sf_put_text PATH UID GID : atomically replace PATH with SF_T, mode 0644: the temp is created
# under umask 022 with the builtin printf, then sf_commit_temp. The temp is ours; it is given
# UID:GID only when the file it replaces belongs to someone else.
sf_put_text() {
  sf_temp_of "$1"
  [ ! -e "$SF_TMP" ] || rm -f "$SF_TMP"
  umask 022
  if ! { printf '%s' "$SF_T" >"$SF_TMP"; } 2>"$SF_W.err"; then
    umask 077
    sf_write_err "$SF_TMP" "${1%/*}" "${#SF_T}"; rm -f "$SF_TMP" 2>/dev/null; return 1
  fi
  umask 077
  if [ -n "$2" ] && ! { [ -O "$1" ] && [ -G "$1" ]; } && ! chown "$2:$3" "$SF_TMP" 2>"$SF_W.err"; then
    SF_ERR="cannot set the owner of $SF_TMP: $(sf_errtext "$SF_W.err")"; rm -f "$SF_TMP"; return 1
  fi
  sf_commit_temp "$1"
}

# sf_rm_file PATH : remove PATH durably; SF_ERR on failure
sf_rm_file() {
  if ! rm -f "$1" 2>"$SF_W.err"; then SF_ERR="cannot remove $1: $(sf_errtext "$SF_W.err")"; return 1; fi
  sf_sync "${1%/*}"; return 0
}

# sf_starttime PID : SF_START, the process start time (clock ticks since boot), to tell a reused
# pid apart; empty when PID is gone. /proc/PID/stat reads fine byte by byte (unlike /proc/sys).
sf_starttime() {
  SF_START=; _sti_l=
  { read -r _sti_l <"/proc/$1/stat"; } 2>/dev/null || return 0
  _sti_l=${_sti_l##*) }
  set -f
  # shellcheck disable=SC2086 # the fields split into arguments
  set -- $_sti_l
  set +f
  [ $# -ge 20 ] && { shift 19; SF_START=$1; }
  return 0
}

# sf_under_timeout : 0 when timeout is one of our 3 nearest ancestors. The transport runs every
# command under it when the host has one (src/transport/remote-timeout.ts; through sudo it is
# the grandparent), and it kills us a little after the control node gives up. Builtins only:
# /proc/PID/stat is "pid (comm) state ppid ...".
sf_under_timeout() {
  _ut_p=$PPID; _ut_i=0
  while [ $_ut_i -lt 3 ]; do
    _ut_i=$((_ut_i + 1))
    case $_ut_p in '' | 0 | 1 | *[!0-9]*) return 1 ;; esac
    _ut_l=
    { read -r _ut_l <"/proc/$_ut_p/stat"; } 2>/dev/null || return 1
    case $_ut_l in *" (timeout) "*) return 0 ;; esac
    _ut_l=${_ut_l##*) }
    set -f
    # shellcheck disable=SC2086 # the fields split into arguments
    set -- $_ut_l
    set +f
    _ut_p=$2
  done
  return 1
}

# sf_lock_field INFO NAME : SF_LF, one field of a lock record "run=..;by=..;pid=..;start=..;time=..;mode=.."
sf_lock_field() {
  SF_LF=; _lf_r=";$1"
  case $_lf_r in *";$2="*) _lf_r=${_lf_r#*";$2="}; SF_LF=${_lf_r%%;*} ;; esac
}

sf_holder_fields() {
  _hf_out=
  for _hf_n in run by pid time mode; do
    sf_lock_field "$1" $_hf_n; _hf_out="$_hf_out${_hf_out:+$TAB}$_hf_n=$SF_LF"
  done
  printf '%s' "$_hf_out"
}

# sf_lock_alive INFO : 0 when the holder process still runs (same pid and same start time)
sf_lock_alive() {
  sf_lock_field "$1" pid; _la_pid=$SF_LF
  sf_lock_field "$1" start; _la_st=$SF_LF
  case $_la_pid in ''|*[!0-9]*) return 1 ;; esac
  kill -0 "$_la_pid" 2>/dev/null || [ -d "/proc/$_la_pid" ] || return 1
  [ -z "$_la_st" ] && return 0
  sf_starttime "$_la_pid"
  [ "$SF_START" = "$_la_st" ]
}

# sf_lock_info PID : SF_LOCK_NEW, the lock record for PID. SF_NOW is the control node's clock
# (script.ts); without it, the host's date, asked once.
sf_lock_info() {
  [ -n "$SF_NOW" ] || SF_NOW=$(date +%s)
  sf_starttime "$1"
  SF_LOCK_NEW="run=$SF_RUN;by=$SF_BY;pid=$1;start=$SF_START;time=$SF_NOW;mode=$SF_MODE"
}

# sf_lock PID : take the host lock for PID (atomic symlink). 0 taken; 1 held by a live holder.
sf_lock() {
  sf_lock_info "$1"; SF_LOCK_INFO=$SF_LOCK_NEW
  _lo_i=0
  while [ $_lo_i -lt 5 ]; do
    _lo_i=$((_lo_i + 1))
    if ln -s "$SF_LOCK_INFO" "$SF_LOCK" 2>/dev/null; then
      SF_HAVE_LOCK=1; sf_emit lock state=acquired; return 0
    fi
    _lo_cur=$(readlink "$SF_LOCK" 2>/dev/null) || continue
    if sf_lock_alive "$_lo_cur"; then
      printf '@@sf\tlock\tstate=held\t%s\n' "$(sf_holder_fields "$_lo_cur")"; return 1
    fi
    # stale: its holder is gone. Replace it atomically and make sure we won any race.
    ln -s "$SF_LOCK_INFO" "$SF_LOCK.new.$$" 2>/dev/null && mv -f "$SF_LOCK.new.$$" "$SF_LOCK"
    rm -f "$SF_LOCK.new.$$"
    if [ "$(readlink "$SF_LOCK" 2>/dev/null)" = "$SF_LOCK_INFO" ]; then
      SF_HAVE_LOCK=1
      printf '@@sf\tlock\tstate=takeover\t%s\n' "$(sf_holder_fields "$_lo_cur")"; return 0
    fi
  done
  sf_emit lock state=held run=unknown by=unknown pid=0 time=0 mode=unknown; return 1
}

# sf_lock_handover PID : re-point our lock at another process of ours (the detached worker)
sf_lock_handover() {
  sf_lock_info "$1"
  # shellcheck disable=SC2015 # rm runs when ln or mv fails: meant
  ln -s "$SF_LOCK_NEW" "$SF_LOCK.new.$$" && mv -f "$SF_LOCK.new.$$" "$SF_LOCK" \
    || rm -f "$SF_LOCK.new.$$"
  SF_LOCK_INFO=$SF_LOCK_NEW; SF_HAVE_LOCK=1
}

# sf_lock_is_ours : 0 when the lock still names us
sf_lock_is_ours() {
  [ "$SF_HAVE_LOCK" = 1 ] && [ "$(readlink "$SF_LOCK" 2>/dev/null)" = "$SF_LOCK_INFO" ]
}

# sf_unlock : release the lock only if it is still ours
sf_unlock() {
  sf_lock_is_ours && rm -f "$SF_LOCK"
  SF_HAVE_LOCK=0
}

# sf_need_tools : fail early, before any lock or change, when the host lacks a tool
sf_need_tools() {
  for _nt_t in base64 cat chmod chown date grep head ln mkdir mv readlink rm sed stat sync tr; do
    command -v "$_nt_t" >/dev/null 2>&1 || { sf_final state=failed "reason=missing tool on host: $_nt_t"; return 1; }
  done
}
