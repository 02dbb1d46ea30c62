import { sh } from './sh-tag.js';

/**
 * The apply program (POSIX sh). Data comes from script.ts as shell functions:
 *   sf_data_keys  lines `key|runtime(1/0)|value`   sf_data_file  sets SF_J to the new file content (base64)
 *   sf_data_text  sets SF_T to the new file content as text (written with builtins, no decoder)
 *   SF_FILE       the one file to write ('' for none)   SF_GO_TIMEOUT  seconds to wait for `go`
 *
 * prepare (attached): snapshot runtime values and the file (content, mode, owner or absence) to
 * snapshots/<run>.snap (written, then file and directory fsynced) and to stdout, then wait for
 * `go` on stdin.
 * work (detached): write the file atomically, then the runtime values (stopping at the first write
 * the kernel refuses), then read every written value back at once (one process, see sh-lib.ts);
 * on any failure restore what was changed, verify, and end `reverted` with the reason of the
 * first failing key.
 */
export const SH_APPLY = sh`
sf_snapshot_body() {
  sf_emit snap-begin "run=$SF_RUN" "time=$SF_NOW" "by=$SF_BY"
  while IFS='|' read -r _k _r _v; do
    sf_read_key "$_k"
    printf '%s|%s|%s\n' "$_k" "$SF_ST" "$SF_V" >>"$SF_W.before"
    case $SF_ST in
      value) sf_emit snap-key "key=$_k" state=value "value=$SF_V" "want=$_v" "runtime=$_r" ;;
      absent) sf_emit snap-key "key=$_k" state=absent "want=$_v" "runtime=$_r" ;;
      *) sf_emit snap-key "key=$_k" state=unreadable "error=$SF_ERR" "want=$_v" "runtime=$_r" ;;
    esac
  done <"$SF_W.keys"
  if [ -n "$SF_FILE" ]; then
    sf_data_file; _nb="new_b64=$SF_J"
    if [ "$SF_FS" = present ]; then
      sf_b64 "$SF_W.before.file"
      sf_emit snap-file "path=$SF_FILE" state=present "mode=$SF_FMODE" "uid=$SF_FUID" \
        "gid=$SF_FGID" "b64=$SF_B64" "$_nb"
    else
      sf_emit snap-file "path=$SF_FILE" state=absent "$_nb"
    fi
  fi
  sf_emit snap-end
}

sf_prepare() {
  sf_data_keys >"$SF_W.keys"
  : >"$SF_W.before"
  if [ -n "$SF_FILE" ]; then
    sf_file_state "$SF_FILE"
    if [ "$SF_FS" = other ]; then
      sf_final state=failed "reason=$SF_FILE exists but is not a regular file (symlink?); refusing to replace it; nothing was changed"
      return 1
    fi
    printf '%s %s %s %s\n' "$SF_FS" "$SF_FMODE" "$SF_FUID" "$SF_FGID" >"$SF_W.before.meta"
    if [ "$SF_FS" = present ] && ! cat "$SF_FILE" >"$SF_W.before.file" 2>"$SF_W.err"; then
      sf_final state=failed "reason=cannot read $SF_FILE: $(sf_errtext "$SF_W.err"); nothing was changed"
      return 1
    fi
  fi
  _snap=$SF_DIR/snapshots/$SF_RUN.snap
  if [ -e "$_snap" ]; then
    # A retry of the same run would snapshot values the run itself wrote: keep the first one.
    sf_final state=failed "reason=this host already has a snapshot for run $SF_RUN (a retry of the same run?); collect its result instead; nothing was changed"
    return 1
  fi
  sf_read_keys_of "$SF_W.keys"
  # kept in a variable: written to the file and printed without a cat. Written in place (no temp
  # and rename): a snapshot cut short by a crash has no snap-end record and is refused as
  # incomplete by every reader, and without it the host was never told go, so nothing was changed.
  _body="$(sf_snapshot_body)$SF_NL"
  if ! { printf '%s' "$_body" >"$_snap"; } 2>"$SF_W.err"; then
    rm -f "$_snap"
    sf_final state=failed "reason=cannot write snapshot $_snap: $(sf_errtext "$SF_W.err"); nothing was changed"
    return 1
  fi
  # the file's data, then its directory entry, in one process
  sf_sync "$_snap" "$SF_DIR/snapshots"
  printf '%s' "$_body"
  SF_PHASE=await-go
  sf_emit await-go "timeout=$SF_GO_TIMEOUT"
  # The wait is bounded: by the transport's timeout when we run under it (the control node
  # closes the channel 2 s before that kills us), else by a watchdog of our own (2 processes).
  _me=$$; _wd=
  if ! sf_under_timeout; then
    (
      _n=0
      while [ $_n -lt "$SF_GO_TIMEOUT" ]; do
        sleep 1; kill -0 "$_me" 2>/dev/null || exit 0; _n=$((_n + 1))
      done
      kill -TERM "$_me" 2>/dev/null
    ) </dev/null >/dev/null 2>&1 &
    _wd=$!
  fi
  _ans='(end of input)'
  read -r _ans || _ans='(end of input)'
  [ -z "$_wd" ] || kill "$_wd" 2>/dev/null
  if [ "$_ans" != go ]; then
    sf_final state=failed "reason=control node did not confirm the snapshot (got $(sf_clean "$_ans")); nothing was changed"
    return 1
  fi
  sf_emit go-received
  return 0
}

sf_apply_file() {
  sf_data_text
  sf_file_state "$SF_FILE"
  if [ "$SF_FS" = other ]; then
    SF_ERR="$SF_FILE is not a regular file; refusing to replace it"
    sf_emit file "path=$SF_FILE" action=failed "error=$SF_ERR"; return 1
  fi
  if [ "$SF_FS" = present ] && [ "$SF_FMODE" = 644 ] && sf_holds_text "$SF_FILE"; then
    sf_emit file "path=$SF_FILE" action=same; return 0
  fi
  if ! sf_put_text "$SF_FILE" "$SF_FUID" "$SF_FGID"; then
    sf_emit file "path=$SF_FILE" action=failed "error=$SF_ERR"; return 1
  fi
  SF_FILE_WRITTEN=1
  if ! sf_holds_text "$SF_FILE"; then
    SF_ERR="$SF_FILE: content read back differs from what was written"
    sf_emit file "path=$SF_FILE" action=failed "error=$SF_ERR"; return 1
  fi
  SF_CHANGED=1
  sf_emit file "path=$SF_FILE" action=written
}

# sf_mark_written KEY BEFORE_STATE BEFORE : after a failed write or read-back, restore KEY too
# unless what was read back (SF_ST, SF_V) proves the kernel still holds the value from before
sf_mark_written() {
  if [ "$2" = value ] && [ "$SF_ST:$SF_V" != "value:$3" ]; then
    printf '%s\n' "$1" >>"$SF_W.written"
  fi
}

# Phase 1 decides and writes each key (records in act: key|action|want|before|before-state|error),
# stopping at the first write the kernel refuses. Phase 2 reads every written key back at once
# and reports all keys in playbook order; the first failing key (in that order) is the reason.
# sf_values_from_snapshot : SF_VALUES as sf_read_keys would set it, from the snapshot's values
# (taken moments ago under our lock): the worker starts without reading every key again
sf_values_from_snapshot() {
  SF_VALUES=
  while IFS='|' read -r _k _s _v; do
    [ "$_s" = value ] || continue
    sf_key_path "$_k"; SF_VALUES="$SF_VALUES$SF_NL$SF_P:$_v"
  done <"$SF_W.before"
  SF_VALUES_NL="$SF_VALUES$SF_NL"
}

sf_apply_keys() {
  sf_values_from_snapshot
  _stop=$SF_FAIL; _intr=; _put=
  : >"$SF_W.act"
  while IFS='|' read -r _k _r _v; do
    if [ -z "$_stop" ] && [ "$SF_ABORT" = 1 ]; then
      _intr="interrupted (SIGTERM/SIGINT) before $_k"; _stop=1
    fi
    if [ -n "$_stop" ]; then _a=not_reached
    elif [ "$_r" != 1 ]; then _a=skipped
    else
      sf_read_key "$_k"; _b=$SF_V; _bst=$SF_ST
      sf_norm "$_v"
      if [ "$SF_ST" = value ] && [ "$SF_V" = "$SF_N" ]; then _a=same
      elif sf_put_key "$_k" "$_v"; then _a=put; _put="$_put $_k"
      else
        # refused: read back anyway (a refused write can still have changed the value)
        _we=$SF_ERR
        sf_read_keys "$_k"
        if sf_check_key "$_k" "$_v" "$_we"; then _a=put; _put="$_put $_k"
        else
          sf_mark_written "$_k" "$_bst" "$_b"
          _stop=1
          printf '%s|failed|%s|%s|%s|%s\n' "$_k" "$_v" "$_b" "$SF_V" "$SF_ERR" >>"$SF_W.act"
          continue
        fi
      fi
    fi
    printf '%s|%s|%s|%s|%s|\n' "$_k" "$_a" "$_v" "$_b" "$_bst" >>"$SF_W.act"
  done <"$SF_W.keys"
  [ -n "$_put" ] && sf_read_keys $_put
  while IFS='|' read -r _k _a _v _b _x _e; do
    case $_a in
      not_reached | skipped) sf_emit key "key=$_k" action=$_a "want=$_v" ;;
      same) sf_emit key "key=$_k" action=same "before=$_b" "after=$_b" "want=$_v" ;;
      failed)
        [ -n "$SF_FAIL" ] || SF_FAIL="$_k: $_e"
        sf_emit key "key=$_k" action=failed "before=$_b" "after=$_x" "want=$_v" "error=$_e" ;;
      put)
        if sf_check_key "$_k" "$_v"; then
          printf '%s\n' "$_k" >>"$SF_W.written"
          SF_CHANGED=1
          sf_emit key "key=$_k" action=written "before=$_b" "after=$SF_V" "want=$_v"
        else
          sf_mark_written "$_k" "$_x" "$_b"
          [ -n "$SF_FAIL" ] || SF_FAIL="$_k: $SF_ERR"
          sf_emit key "key=$_k" action=failed "before=$_b" "after=$SF_V" "want=$_v" "error=$SF_ERR"
        fi
        ;;
    esac
  done <"$SF_W.act"
  [ -n "$SF_FAIL" ] || SF_FAIL=$_intr
}

# Restore what this run changed (keys in reverse order, then the file) and verify each.
sf_revert() {
  _rf=; _rev=
  while read -r _k; do _rev="$_k $_rev"; done <"$SF_W.written"
  for _k in $_rev; do
    _st=; _v=
    while IFS='|' read -r _bk _bs _bv; do
      [ "$_bk" = "$_k" ] && { _st=$_bs; _v=$_bv; break; }
    done <"$SF_W.before"
    if [ "$_st" != value ]; then
      sf_emit revert-key "key=$_k" action=revert_failed "error=no snapshot value ($_st)"
      _rf="$_rf $_k"; continue
    fi
    if sf_write_key "$_k" "$_v"; then
      sf_emit revert-key "key=$_k" action=reverted "after=$SF_V"
    else
      sf_emit revert-key "key=$_k" action=revert_failed "after=$SF_V" "error=$SF_ERR"
      _rf="$_rf $_k: $SF_ERR"
    fi
  done
  if [ "$SF_FILE_WRITTEN" = 1 ]; then
    read -r _fs _fm _fu _fg <"$SF_W.before.meta"
    _old=; [ "$_fs" = absent ] || { sf_b64 "$SF_W.before.file"; _old=$SF_B64; }
    if [ "$_fs" = absent ]; then
      if sf_rm_file "$SF_FILE" && [ ! -e "$SF_FILE" ]; then
        sf_emit revert-file "path=$SF_FILE" action=removed
      else
        sf_emit revert-file "path=$SF_FILE" action=revert_failed "error=$SF_ERR"; _rf="$_rf $SF_FILE: $SF_ERR"
      fi
    elif sf_put_file "$SF_W.before.file" "$SF_FILE" "$_fm" "$_fu" "$_fg" \
      && sf_same_content "$SF_FILE" "$_old" \
      && [ "$(stat -c '%a %u %g' "$SF_FILE")" = "$_fm $_fu $_fg" ]; then
      sf_emit revert-file "path=$SF_FILE" action=restored
    else
      sf_emit revert-file "path=$SF_FILE" action=revert_failed "error=$SF_ERR"; _rf="$_rf $SF_FILE: $SF_ERR"
    fi
  fi
  if [ -n "$_rf" ]; then
    sf_final state=failed left=changed "reason=$SF_FAIL; restoring failed for:$_rf"
  else
    sf_final state=reverted left=unchanged "reason=$SF_FAIL"
  fi
}

sf_work() {
  SF_CHANGED=0; SF_FAIL=; SF_FILE_WRITTEN=0
  : >"$SF_W.written"
  if [ -n "$SF_FILE" ] && ! sf_apply_file; then
    SF_FAIL="$SF_ERR"
  fi
  sf_apply_keys
  if [ -n "$SF_FAIL" ]; then
    if [ "$SF_FILE_WRITTEN" = 1 ] || [ -s "$SF_W.written" ]; then
      sf_revert
    else
      sf_final state=failed left=unchanged "reason=$SF_FAIL; nothing was changed"
    fi
  elif [ "$SF_CHANGED" = 1 ]; then
    sf_final state=changed
  else
    sf_final state=unchanged
  fi
}
`;
