# The rollback program (POSIX sh). Data comes from script.ts as shell functions:
#   sf_data_rkeys   lines `key|snapstate|hasrun(1/0)|runvalue|snapvalue`
#   sf_data_rfiles  lines `n|path|snapstate|mode|uid|gid|hasrun(1/0)`
#   sf_data_rfile_snap_<n> / sf_data_rfile_run_<n>  set SF_J to the snapshot / run content (base64)
#   sf_data_rfile_runtext_<n>  sets SF_T to the run content as text, or fails when it has none
#   SF_FORCE        1: restore even what changed again since the run
#
# A key is restored only when its runtime value is still the run's value (else `changed_since`,
# unless forced); a value already equal to the snapshot is `already`. Files likewise, by content.
# Idempotent: a second rollback finds everything `already` and ends `unchanged`.
#
# ---- sent to hosts from the next line on (load.ts drops this header) ----

# prepare: the rollback writes no more than its result (SF_SPACE_VLIB bytes, estimated by
# script.ts) and the files it restores (SF_SPACE_ETC bytes): both must fit before anything changes
sf_prepare() {
  if ! sf_space_check "$SF_DIR" "$SF_SPACE_VLIB" 3 /etc/sysctl.d "$SF_SPACE_ETC" "$SF_SPACE_ETC_FILES"; then
    sf_final state=failed "restored=0" "reason=$SF_ERR; nothing was changed"; return 1
  fi
  sf_emit go-received; return 0
}

# Phase 1 decides and writes each key (records in SF_ACT: key|action|want|before|error); phase 2
# reads every written key back at once (one process) and reports the keys in order. Both in
# variables: a full disk cannot lose a record.
sf_rb_keys() {
  _rk=$(sf_data_rkeys); _names=
  SF_REST=$_rk
  while sf_next_line; do _names="$_names ${SF_LINE%%|*}"; done
  set -f
  # shellcheck disable=SC2086 # the key names split into arguments (globbing is off)
  sf_read_keys $_names
  set +f
  _put=; SF_ACT=
  SF_REST=$_rk
  while sf_next_line; do
    _k=${SF_LINE%%|*}; _r=${SF_LINE#*|}
    _st=${_r%%|*}; _r=${_r#*|}; _hr=${_r%%|*}; _r=${_r#*|}; _rv=${_r%%|*}; _sv=${_r#*|}
    _cur=; _e=
    if [ "$_st" != value ]; then _a=not_in_snapshot
    else
      sf_read_key "$_k"; _cur=$SF_V
      if [ "$SF_ST" != value ]; then _a=unreadable; _e="cannot read the current value ($SF_ST)"
      else
        sf_norm "$_sv"; _snapn=$SF_N
        sf_norm "$_rv"
        if [ "$_cur" = "$_snapn" ]; then _a=already
        elif [ "$SF_FORCE" != 1 ] && { [ "$_hr" != 1 ] || [ "$_cur" != "$SF_N" ]; }; then
          _a=changed_since
        else
          # a refused write is read back too: the kernel may hold the value all the same
          _a=put; sf_put_key "$_k" "$_sv" || _e=$SF_ERR
          _put="$_put $_k"
        fi
      fi
    fi
    SF_ACT="$SF_ACT$_k|$_a|$_sv|$_cur|$_e$SF_NL"
  done
  # shellcheck disable=SC2086 # the restored keys split into arguments
  [ -n "$_put" ] && sf_read_keys $_put
  SF_REST=$SF_ACT
  while sf_next_line; do
    _k=${SF_LINE%%|*}; _r=${SF_LINE#*|}
    _a=${_r%%|*}; _r=${_r#*|}; _sv=${_r%%|*}; _r=${_r#*|}; _cur=${_r%%|*}; _e=${_r#*|}
    case $_a in
      not_in_snapshot) sf_emit rkey "key=$_k" action=not_in_snapshot ;;
      unreadable)
        sf_emit rkey "key=$_k" action=failed "want=$_sv" "error=$_e"
        SF_NFAIL=$((SF_NFAIL + 1)) ;;
      already) sf_emit rkey "key=$_k" action=already "before=$_cur" "after=$_cur" "want=$_sv" ;;
      changed_since)
        sf_emit rkey "key=$_k" action=changed_since "before=$_cur" "want=$_sv"
        SF_NSKIP=$((SF_NSKIP + 1)) ;;
      put)
        if sf_check_key "$_k" "$_sv" "$_e"; then
          sf_emit rkey "key=$_k" action=restored "before=$_cur" "after=$SF_V" "want=$_sv"
          SF_NDONE=$((SF_NDONE + 1))
        else
          sf_emit rkey "key=$_k" action=failed "before=$_cur" "after=$SF_V" "want=$_sv" "error=$SF_ERR"
          SF_NFAIL=$((SF_NFAIL + 1))
        fi
        ;;
    esac
  done
}

# sf_rb_is_run N PATH HASRUN : 0 when PATH still holds what the run wrote; compared as text with
# builtins when the run's content has a text form (the file sysfleet renders always has), else
# as base64
sf_rb_is_run() {
  [ "$3" = 1 ] || return 1
  # shellcheck disable=SC2086 # N completes the name of file N's data (sf_data_rfile_*_N)
  if sf_data_rfile_runtext_$1; then sf_holds_text "$2"; return; fi
  # shellcheck disable=SC2086 # N completes the name of file N's data (sf_data_rfile_*_N)
  sf_data_rfile_run_$1
  sf_same_content "$2" "$SF_J"
}

# sf_rb_file N PATH SNAPSTATE MODE UID GID HASRUN
sf_rb_file() {
  _n=$1; _p=$2; _st=$3; _m=$4; _u=$5; _g=$6; _hr=$7
  _cur=; _snap=; _run=
  sf_file_kind "$_p"
  if [ "$SF_FS" = other ]; then
    sf_emit rfile "path=$_p" action=failed "error=$_p is not a regular file now; left alone"
    SF_NFAIL=$((SF_NFAIL + 1)); return 0
  fi
  # The run created the file: remove it if it is still what the run wrote (no stat, no base64).
  if [ "$_st" = absent ]; then
    if [ "$SF_FS" = absent ]; then sf_emit rfile "path=$_p" action=already; return 0; fi
    if [ "$SF_FORCE" != 1 ] && ! sf_rb_is_run "$_n" "$_p" "$_hr"; then
      sf_emit rfile "path=$_p" action=changed_since; SF_NSKIP=$((SF_NSKIP + 1)); return 0
    fi
    if sf_rm_file "$_p" && [ ! -e "$_p" ]; then
      sf_emit rfile "path=$_p" action=removed; SF_NDONE=$((SF_NDONE + 1))
    else
      sf_emit rfile "path=$_p" action=failed "error=$SF_ERR"; SF_NFAIL=$((SF_NFAIL + 1))
    fi
    return 0
  fi
  sf_file_state "$_p"
  [ "$SF_FS" = present ] && { sf_b64 "$_p"; _cur=$SF_B64; }
  # shellcheck disable=SC2086 # N completes the name of file N's data (sf_data_rfile_*_N)
  [ "$_hr" = 1 ] && { sf_data_rfile_run_$_n; _run=$SF_J; }
  # shellcheck disable=SC2086 # N completes the name of file N's data (sf_data_rfile_*_N)
  sf_data_rfile_snap_$_n
  _snap=$SF_J
  if [ "$SF_FS" = present ] && [ "$_cur" = "$_snap" ] && [ "$SF_FMODE $SF_FUID $SF_FGID" = "$_m $_u $_g" ]; then
    sf_emit rfile "path=$_p" action=already; return 0
  fi
  if [ "$SF_FORCE" != 1 ] && [ "$SF_FS" = present ] && [ "$_cur" != "$_snap" ] \
    && { [ "$_hr" != 1 ] || [ "$_cur" != "$_run" ]; }; then
    sf_emit rfile "path=$_p" action=changed_since; SF_NSKIP=$((SF_NSKIP + 1)); return 0
  fi
  SF_J=$_snap
  if sf_put_file "$_p" "$_m" "$_u" "$_g" \
    && sf_same_content "$_p" "$_snap" && [ "$(stat -c '%a %u %g' "$_p")" = "$_m $_u $_g" ]; then
    sf_emit rfile "path=$_p" action=restored; SF_NDONE=$((SF_NDONE + 1))
  else
    [ -n "$SF_ERR" ] || SF_ERR='content or mode read back differs'
    sf_emit rfile "path=$_p" action=failed "error=$SF_ERR"; SF_NFAIL=$((SF_NFAIL + 1))
  fi
}

sf_work() {
  SF_NDONE=0; SF_NSKIP=0; SF_NFAIL=0
  sf_rb_keys
  _rfiles=$(sf_data_rfiles)
  set -f
  for _fl in $_rfiles; do
    _ifs=$IFS; IFS='|'
    # shellcheck disable=SC2086 # the |-separated fields split into arguments
    set -- $_fl
    IFS=$_ifs
    SF_ERR=
    sf_rb_file "$1" "$2" "$3" "$4" "$5" "$6" "$7"
  done
  set +f
  if [ "$SF_NFAIL" -gt 0 ]; then
    sf_final state=failed "restored=$SF_NDONE" "skipped=$SF_NSKIP" "failed=$SF_NFAIL" "reason=$SF_NFAIL item(s) could not be restored"
  elif [ "$SF_NSKIP" -gt 0 ]; then
    sf_final state=partial "restored=$SF_NDONE" "skipped=$SF_NSKIP" "reason=$SF_NSKIP item(s) changed again since the run; use force to restore them anyway"
  elif [ "$SF_NDONE" -gt 0 ]; then
    sf_final state=rolled_back "restored=$SF_NDONE"
  else
    sf_final state=unchanged "reason=already restored: nothing to do"
  fi
}
