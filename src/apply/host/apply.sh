# The apply program (POSIX sh). Data comes from script.ts as shell functions:
#   sf_data_keys  lines `key|runtime(1/0)|value`   sf_data_file  sets SF_J to the new file content (base64)
#   sf_data_text  sets SF_T to the new file content as text (written with builtins, no decoder)
#   SF_FILE       the one file to write ('' for none)   SF_GO_TIMEOUT  seconds to wait for `go`
#
# prepare (attached): snapshot runtime values and the file (content, mode, owner, inode or
# absence), check that everything the run will write fits (sf_space_check: the snapshot, the
# result, the new file), write snapshots/<run>.snap (then file and directory fsynced) and print
# it, reserve the room of the result, then wait for `go` on stdin. Nothing but the snapshot and
# the reserve is written before `go`; a failure there changes nothing.
# work (detached): read the durable snapshot back (the revert works from it alone), keep the old
# file as a hard link beside it (no new space), write the file atomically, then the runtime
# values (stopping at the first write the kernel refuses), then read every written value back at
# once (one process, see lib.sh); on any failure restore what was changed — values from the
# snapshot, the file by renaming its hard link back: nothing on the way back needs new space —
# verify, and end `reverted` with the reason of the first failing key. The worker's bookkeeping
# lives in variables, so a full disk cannot lose a record of what it changed.
#
# ---- sent to hosts from the next line on (load.ts drops this header) ----

# sf_snapshot_body : the snapshot records, for the keys in SF_KD after sf_read_keys, and the file
# whose state sf_file_state took
sf_snapshot_body() {
  sf_emit snap-begin "run=$SF_RUN" "time=$SF_NOW" "by=$SF_BY"
  SF_REST=$SF_KD
  while sf_next_line; do
    _k=${SF_LINE%%|*}; _r=${SF_LINE#*|}; _v=${_r#*|}; _r=${_r%%|*}
    sf_read_key "$_k"
    case $SF_ST in
      value) sf_emit snap-key "key=$_k" state=value "value=$SF_V" "want=$_v" "runtime=$_r" ;;
      absent) sf_emit snap-key "key=$_k" state=absent "want=$_v" "runtime=$_r" ;;
      *) sf_emit snap-key "key=$_k" state=unreadable "error=$SF_ERR" "want=$_v" "runtime=$_r" ;;
    esac
  done
  if [ -n "$SF_FILE" ]; then
    sf_data_file; _nb="new_b64=$SF_J"
    if [ "$SF_FS" = present ]; then
      sf_b64 "$SF_FILE"
      sf_emit snap-file "path=$SF_FILE" state=present "mode=$SF_FMODE" "uid=$SF_FUID" \
        "gid=$SF_FGID" "ino=$SF_FINO" "size=$SF_FSIZE" "b64=$SF_B64" "$_nb"
    else
      sf_emit snap-file "path=$SF_FILE" state=absent "$_nb"
    fi
  fi
  sf_emit snap-end
}

sf_prepare() {
  SF_KD=$(sf_data_keys); _names=; _nkeys=0
  SF_REST=$SF_KD
  while sf_next_line; do _names="$_names ${SF_LINE%%|*}"; _nkeys=$((_nkeys + 1)); done
  set --
  if [ -n "$SF_FILE" ]; then
    sf_file_state "$SF_FILE"
    if [ "$SF_FS" = other ]; then
      sf_final state=failed "reason=$SF_FILE exists but is not a regular file (symlink?); refusing to replace it; nothing was changed"
      return 1
    fi
    if [ "$SF_FS" = present ] && [ ! -r "$SF_FILE" ]; then
      sf_final state=failed "reason=cannot read $SF_FILE; nothing was changed"
      return 1
    fi
    sf_data_text
    set -- "${SF_FILE%/*}" "${#SF_T}" 1
  fi
  _snap=$SF_DIR/snapshots/$SF_RUN.snap
  if [ -e "$_snap" ]; then
    # A retry of the same run would snapshot values the run itself wrote: keep the first one.
    sf_final state=failed "reason=this host already has a snapshot for run $SF_RUN (a retry of the same run?); collect its result instead; nothing was changed"
    return 1
  fi
  set -f
  # shellcheck disable=SC2086 # the key names split into arguments (globbing is off)
  sf_read_keys $_names
  set +f
  # kept in a variable: written to the file and printed without a cat. Written in place (no temp
  # and rename): a snapshot cut short by a crash has no snap-end record and is refused as
  # incomplete by every reader, and without it the host was never told go, so nothing was changed.
  _body="$(sf_snapshot_body)$SF_NL"
  # room for the result the worker writes: its key records are about twice the snapshot's
  _res=$((2 * ${#SF_KD} + 2 * ${#SF_VALUES} + 160 * _nkeys + 4096))
  if ! sf_space_check "$SF_DIR" $((${#_body} + _res)) 4 "$@"; then
    sf_final state=failed "reason=$SF_ERR; nothing was changed"; return 1
  fi
  if ! { printf '%s' "$_body" >"$_snap"; } 2>"$SF_W.err"; then
    sf_write_err "$_snap" "$SF_DIR" "${#_body}"
    sf_final state=failed "reason=cannot write snapshot: $SF_ERR; nothing was changed"
    return 1
  fi
  if ! sf_reserve "$SF_W.reserve" "$_res"; then
    sf_final state=failed "reason=cannot reserve room for the result: $SF_ERR; nothing was changed"
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
  # KILL, not TERM: a subshell just forked may not have reset the TERM trap it inherited yet
  # (bash), and `exit 143` would run the EXIT trap there, which takes our files and the lock.
  [ -z "$_wd" ] || kill -KILL "$_wd" 2>/dev/null
  if [ "$_ans" != go ]; then
    sf_final state=failed "reason=control node did not confirm the snapshot (got $(sf_clean "$_ans")); nothing was changed"
    return 1
  fi
  sf_emit go-received
  return 0
}

# sf_field FIELDS NAME : SF_FV, the value of NAME=... among a record's tab-separated FIELDS
sf_field() {
  SF_FV=; _fd_r="$TAB$1$TAB"
  case $_fd_r in *"$TAB$2="*) ;; *) return 1 ;; esac
  _fd_r=${_fd_r#*"$TAB$2="}; SF_FV=${_fd_r%%"$TAB"*}
}

# sf_load_snapshot : what the worker restores from, read back from the durable snapshot file:
# SF_BEFORE (lines key|state|value), SF_VALUES as sf_read_keys would set it (taken moments ago
# under our lock: the worker starts without reading every key again), and the file's former
# state SF_BFS SF_BFM SF_BFU SF_BFG SF_BFI. Fails when the snapshot is not complete.
sf_load_snapshot() {
  SF_BEFORE=$SF_NL; SF_VALUES=; SF_BFS=absent; SF_BFM=; SF_BFU=; SF_BFG=; SF_BFI=; _ls_end=0
  while IFS= read -r _ls_l; do
    _ls_l=${_ls_l#@@sf"$TAB"}
    case $_ls_l in
      snap-key"$TAB"*)
        _ls_f=${_ls_l#snap-key"$TAB"}
        sf_field "$_ls_f" key; _k=$SF_FV
        sf_field "$_ls_f" state; _s=$SF_FV
        sf_field "$_ls_f" value; _v=$SF_FV
        SF_BEFORE="$SF_BEFORE$_k|$_s|$_v$SF_NL"
        [ "$_s" = value ] && { sf_key_path "$_k"; SF_VALUES="$SF_VALUES$SF_NL$SF_P:$_v"; }
        ;;
      snap-file"$TAB"*)
        _ls_f=${_ls_l#snap-file"$TAB"}
        sf_field "$_ls_f" state; SF_BFS=$SF_FV
        sf_field "$_ls_f" mode; SF_BFM=$SF_FV
        sf_field "$_ls_f" uid; SF_BFU=$SF_FV
        sf_field "$_ls_f" gid; SF_BFG=$SF_FV
        sf_field "$_ls_f" ino; SF_BFI=$SF_FV
        ;;
      snap-end*) _ls_end=1 ;;
    esac
  done <"$SF_DIR/snapshots/$SF_RUN.snap"
  SF_VALUES_NL="$SF_VALUES$SF_NL"
  [ "$_ls_end" = 1 ]
}

# sf_before KEY : SF_BST and SF_BV, KEY's state and value in the snapshot
sf_before() {
  SF_BST=; SF_BV=
  case $SF_BEFORE in *"$SF_NL$1|"*) ;; *) return 1 ;; esac
  _bf_r=${SF_BEFORE#*"$SF_NL$1|"}; _bf_r=${_bf_r%%"$SF_NL"*}
  SF_BST=${_bf_r%%|*}; SF_BV=${_bf_r#*|}
}

sf_apply_file() {
  sf_data_text
  sf_file_state "$SF_FILE"
  if [ "$SF_FS" = other ]; then
    SF_ERR="$SF_FILE is not a regular file; refusing to replace it"
    sf_emit file "path=$SF_FILE" action=failed "error=$SF_ERR"; return 1
  fi
  if [ "$SF_FS" != "$SF_BFS" ] || [ "$SF_FINO" != "$SF_BFI" ]; then
    SF_ERR="$SF_FILE changed since the snapshot; refusing to replace it"
    sf_emit file "path=$SF_FILE" action=failed "error=$SF_ERR"; return 1
  fi
  if [ "$SF_FS" = present ] && [ "$SF_FMODE" = 644 ] && sf_holds_text "$SF_FILE"; then
    sf_emit file "path=$SF_FILE" action=same; return 0
  fi
  if [ "$SF_FS" = present ]; then
    # the old file stays as a second name of its inode: restoring it is a rename
    SF_BAK="${SF_FILE%/*}/.${SF_FILE##*/}.sysfleet-$SF_RUN.orig"
    rm -f "$SF_BAK" 2>/dev/null
    if ! ln "$SF_FILE" "$SF_BAK" 2>"$SF_W.err"; then
      SF_ERR="cannot keep the old $SF_FILE for a revert: $(sf_errtext "$SF_W.err")"; SF_BAK=
      sf_emit file "path=$SF_FILE" action=failed "error=$SF_ERR"; return 1
    fi
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
  if [ "$2" = value ] && [ "$SF_ST:$SF_V" != "value:$3" ]; then SF_WRITTEN="$SF_WRITTEN $1"; fi
}

# Phase 1 decides and writes each key (records in SF_ACT: key|action|want|before|before-state|error),
# stopping at the first write the kernel refuses. Phase 2 reads every written key back at once
# and reports all keys in playbook order; the first failing key (in that order) is the reason.
sf_apply_keys() {
  _stop=$SF_FAIL; _intr=; _put=; SF_ACT=
  SF_REST=$(sf_data_keys)
  while sf_next_line; do
    _k=${SF_LINE%%|*}; _r=${SF_LINE#*|}; _v=${_r#*|}; _r=${_r%%|*}; _b=; _bst=
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
          SF_ACT="$SF_ACT$_k|failed|$_v|$_b|$SF_V|$SF_ERR$SF_NL"
          continue
        fi
      fi
    fi
    SF_ACT="$SF_ACT$_k|$_a|$_v|$_b|$_bst|$SF_NL"
  done
  # shellcheck disable=SC2086 # the written keys split into arguments
  [ -n "$_put" ] && sf_read_keys $_put
  SF_REST=$SF_ACT
  while sf_next_line; do
    _k=${SF_LINE%%|*}; _r=${SF_LINE#*|}
    _a=${_r%%|*}; _r=${_r#*|}; _v=${_r%%|*}; _r=${_r#*|}
    _b=${_r%%|*}; _r=${_r#*|}; _x=${_r%%|*}; _e=${_r#*|}
    case $_a in
      not_reached | skipped) sf_emit key "key=$_k" "action=$_a" "want=$_v" ;;
      same) sf_emit key "key=$_k" action=same "before=$_b" "after=$_b" "want=$_v" ;;
      failed)
        [ -n "$SF_FAIL" ] || SF_FAIL="$_k: $_e"
        sf_emit key "key=$_k" action=failed "before=$_b" "after=$_x" "want=$_v" "error=$_e" ;;
      put)
        if sf_check_key "$_k" "$_v"; then
          SF_WRITTEN="$SF_WRITTEN $_k"
          SF_CHANGED=1
          sf_emit key "key=$_k" action=written "before=$_b" "after=$SF_V" "want=$_v"
        else
          sf_mark_written "$_k" "$_x" "$_b"
          [ -n "$SF_FAIL" ] || SF_FAIL="$_k: $SF_ERR"
          sf_emit key "key=$_k" action=failed "before=$_b" "after=$SF_V" "want=$_v" "error=$SF_ERR"
        fi
        ;;
    esac
  done
  [ -n "$SF_FAIL" ] || SF_FAIL=$_intr
}

# sf_revert_file : put the file back as the snapshot found it: remove the one the run created, or
# rename the kept old inode back (no new space) and check mode, owner and inode
sf_revert_file() {
  if [ "$SF_BFS" = absent ]; then
    sf_rm_file "$SF_FILE" && [ ! -e "$SF_FILE" ] && return 0
    return 1
  fi
  if ! mv -f "$SF_BAK" "$SF_FILE" 2>"$SF_W.err"; then
    SF_ERR="cannot rename $SF_BAK back to $SF_FILE: $(sf_errtext "$SF_W.err")"; return 1
  fi
  sf_sync "${SF_FILE%/*}"
  SF_BAK=
  sf_file_state "$SF_FILE"
  [ "$SF_FMODE $SF_FUID $SF_FGID $SF_FINO" = "$SF_BFM $SF_BFU $SF_BFG $SF_BFI" ] && return 0
  SF_ERR="$SF_FILE read back differs from the snapshot (mode, owner or inode)"; return 1
}

# Restore what this run changed (keys in reverse order, then the file) and verify each.
sf_revert() {
  _rf=; _rev=
  for _k in $SF_WRITTEN; do _rev="$_k $_rev"; done
  for _k in $_rev; do
    sf_before "$_k"
    if [ "$SF_BST" != value ]; then
      sf_emit revert-key "key=$_k" action=revert_failed "error=no snapshot value ($SF_BST)"
      _rf="$_rf $_k"; continue
    fi
    if sf_write_key "$_k" "$SF_BV"; then
      sf_emit revert-key "key=$_k" action=reverted "after=$SF_V"
    else
      sf_emit revert-key "key=$_k" action=revert_failed "after=$SF_V" "error=$SF_ERR"
      _rf="$_rf $_k: $SF_ERR"
    fi
  done
  if [ "$SF_FILE_WRITTEN" = 1 ]; then
    if sf_revert_file; then
      if [ "$SF_BFS" = absent ]; then _a=removed; else _a=restored; fi
      sf_emit revert-file "path=$SF_FILE" action=$_a
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
  SF_CHANGED=0; SF_FAIL=; SF_FILE_WRITTEN=0; SF_WRITTEN=; SF_BAK=
  if ! sf_load_snapshot; then
    sf_final state=failed left=unchanged "reason=cannot read back the snapshot $SF_DIR/snapshots/$SF_RUN.snap; nothing was changed"
    return 0
  fi
  if [ -n "$SF_FILE" ] && ! sf_apply_file; then
    SF_FAIL="$SF_ERR"
  fi
  sf_apply_keys
  if [ -n "$SF_FAIL" ]; then
    if [ "$SF_FILE_WRITTEN" = 1 ] || [ -n "$SF_WRITTEN" ]; then
      sf_revert
    else
      sf_final state=failed left=unchanged "reason=$SF_FAIL; nothing was changed"
    fi
  elif [ "$SF_CHANGED" = 1 ]; then
    sf_final state=changed
  else
    sf_final state=unchanged
  fi
  # the kept old file is not needed any more (unless restoring it failed: then it is the original)
  [ -z "$SF_BAK" ] || { [ "$SF_FILE_WRITTEN" = 1 ] && [ -n "$SF_FAIL" ]; } || sf_rm_file "$SF_BAK"
}
