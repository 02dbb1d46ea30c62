/**
 * The apply program (POSIX sh). Data comes from script.ts as shell functions:
 *   sf_data_keys  lines `key|runtime(1/0)|value`   sf_data_file  base64 of the new file content
 *   SF_FILE       the one file to write ('' for none)   SF_GO_TIMEOUT  seconds to wait for `go`
 *
 * prepare (attached): snapshot runtime values and the file (content, mode, owner or absence) to
 * snapshots/<run>.snap (temp, fsync, rename) and to stdout, then wait for `go` on stdin.
 * work (detached): write the file atomically, then each runtime value with read-back; on the
 * first failure restore what was changed, verify, and end `reverted` with the reason.
 */
export const SH_APPLY = String.raw`
sf_snapshot_body() {
  sf_emit snap-begin "run=$SF_RUN" "time=$(date +%s)" "by=$SF_BY"
  while IFS='|' read -r _k _r _v; do
    sf_read_key "$_k"
    printf '%s|%s|%s\n' "$_k" "$SF_ST" "$SF_V" >>"$SF_W/before"
    case $SF_ST in
      value) sf_emit snap-key "key=$_k" state=value "value=$SF_V" "want=$_v" "runtime=$_r" ;;
      absent) sf_emit snap-key "key=$_k" state=absent "want=$_v" "runtime=$_r" ;;
      *) sf_emit snap-key "key=$_k" state=unreadable "error=$SF_ERR" "want=$_v" "runtime=$_r" ;;
    esac
  done <"$SF_W/keys"
  if [ -n "$SF_FILE" ]; then
    _nb="new_b64=$(sf_data_file | tr -d '\n')"
    if [ "$SF_FS" = present ]; then
      sf_emit snap-file "path=$SF_FILE" state=present "mode=$SF_FMODE" "uid=$SF_FUID" \
        "gid=$SF_FGID" "b64=$(sf_b64 "$SF_W/before.file")" "$_nb"
    else
      sf_emit snap-file "path=$SF_FILE" state=absent "$_nb"
    fi
  fi
  sf_emit snap-end
}

sf_prepare() {
  sf_data_keys >"$SF_W/keys"
  : >"$SF_W/before"
  if [ -n "$SF_FILE" ]; then
    sf_file_state "$SF_FILE"
    if [ "$SF_FS" = other ]; then
      sf_final state=failed "reason=$SF_FILE exists but is not a regular file (symlink?); refusing to replace it; nothing was changed"
      return 1
    fi
    printf '%s %s %s %s\n' "$SF_FS" "$SF_FMODE" "$SF_FUID" "$SF_FGID" >"$SF_W/before.meta"
    if [ "$SF_FS" = present ] && ! cat "$SF_FILE" >"$SF_W/before.file" 2>"$SF_W/err"; then
      sf_final state=failed "reason=cannot read $SF_FILE: $(sf_errtext "$SF_W/err"); nothing was changed"
      return 1
    fi
  fi
  _snap=$SF_DIR/snapshots/$SF_RUN.snap
  if [ -e "$_snap" ]; then
    # A retry of the same run would snapshot values the run itself wrote: keep the first one.
    sf_final state=failed "reason=this host already has a snapshot for run $SF_RUN (a retry of the same run?); collect its result instead; nothing was changed"
    return 1
  fi
  if ! sf_snapshot_body >"$_snap.tmp" 2>"$SF_W/err"; then
    rm -f "$_snap.tmp"
    sf_final state=failed "reason=cannot write snapshot $_snap: $(sf_errtext "$SF_W/err"); nothing was changed"
    return 1
  fi
  sf_sync "$_snap.tmp"
  if ! mv -f "$_snap.tmp" "$_snap" 2>"$SF_W/err"; then
    rm -f "$_snap.tmp"
    sf_final state=failed "reason=cannot store snapshot $_snap: $(sf_errtext "$SF_W/err"); nothing was changed"
    return 1
  fi
  sf_sync "$SF_DIR/snapshots"
  cat "$_snap"
  SF_PHASE=await-go
  sf_emit await-go "timeout=$SF_GO_TIMEOUT"
  _me=$$
  (
    _n=0
    while [ $_n -lt "$SF_GO_TIMEOUT" ]; do
      sleep 1; kill -0 "$_me" 2>/dev/null || exit 0; _n=$((_n + 1))
    done
    kill -TERM "$_me" 2>/dev/null
  ) </dev/null >/dev/null 2>&1 &
  _wd=$!
  _ans='(end of input)'
  read -r _ans || _ans='(end of input)'
  kill "$_wd" 2>/dev/null
  if [ "$_ans" != go ]; then
    sf_final state=failed "reason=control node did not confirm the snapshot (got $(sf_clean "$_ans")); nothing was changed"
    return 1
  fi
  sf_emit go-received
  return 0
}

sf_apply_file() {
  sf_data_file | tr -d '\n' >"$SF_W/want.b64"
  if ! base64 -d <"$SF_W/want.b64" >"$SF_W/want.file" 2>"$SF_W/err"; then
    SF_ERR="cannot decode file content: $(sf_errtext "$SF_W/err")"
    sf_emit file "path=$SF_FILE" action=failed "error=$SF_ERR"; return 1
  fi
  sf_file_state "$SF_FILE"
  if [ "$SF_FS" = other ]; then
    SF_ERR="$SF_FILE is not a regular file; refusing to replace it"
    sf_emit file "path=$SF_FILE" action=failed "error=$SF_ERR"; return 1
  fi
  if [ "$SF_FS" = present ] && [ "$SF_FMODE" = 644 ] \
    && [ "$(sf_b64 "$SF_FILE")" = "$(cat "$SF_W/want.b64")" ]; then
    sf_emit file "path=$SF_FILE" action=same; return 0
  fi
  if ! sf_put_file "$SF_W/want.file" "$SF_FILE" 644 "$SF_FUID" "$SF_FGID"; then
    sf_emit file "path=$SF_FILE" action=failed "error=$SF_ERR"; return 1
  fi
  SF_FILE_WRITTEN=1
  if [ "$(sf_b64 "$SF_FILE")" != "$(cat "$SF_W/want.b64")" ]; then
    SF_ERR="$SF_FILE: content read back differs from what was written"
    sf_emit file "path=$SF_FILE" action=failed "error=$SF_ERR"; return 1
  fi
  SF_CHANGED=1
  sf_emit file "path=$SF_FILE" action=written
}

sf_apply_keys() {
  while IFS='|' read -r _k _r _v; do
    if [ -n "$SF_FAIL" ]; then
      sf_emit key "key=$_k" action=not_reached "want=$_v"; continue
    fi
    if [ "$SF_ABORT" = 1 ]; then
      SF_FAIL="interrupted (SIGTERM/SIGINT) before $_k"
      sf_emit key "key=$_k" action=not_reached "want=$_v"; continue
    fi
    if [ "$_r" != 1 ]; then
      sf_emit key "key=$_k" action=skipped "want=$_v"; continue
    fi
    sf_read_key "$_k"; _b=$SF_V; _bst=$SF_ST
    if [ "$SF_ST" = value ] && [ "$SF_V" = "$(sf_norm "$_v")" ]; then
      sf_emit key "key=$_k" action=same "before=$_b" "after=$SF_V" "want=$_v"; continue
    fi
    if sf_write_key "$_k" "$_v"; then
      printf '%s\n' "$_k" >>"$SF_W/written"
      SF_CHANGED=1
      sf_emit key "key=$_k" action=written "before=$_b" "after=$SF_V" "want=$_v"
    else
      # restore it too unless the read-back proves the failed write changed nothing
      if [ "$_bst" = value ] && [ "$SF_ST:$SF_V" != "value:$_b" ]; then
        printf '%s\n' "$_k" >>"$SF_W/written"
      fi
      SF_FAIL="$_k: $SF_ERR"
      sf_emit key "key=$_k" action=failed "before=$_b" "after=$SF_V" "want=$_v" "error=$SF_ERR"
    fi
  done <"$SF_W/keys"
}

# Restore what this run changed (keys in reverse order, then the file) and verify each.
sf_revert() {
  _rf=
  sed -n '1!G;h;$p' "$SF_W/written" >"$SF_W/written.rev"
  while read -r _k; do
    _line=$(awk -F '|' -v k="$_k" '$1 == k { print; exit }' "$SF_W/before")
    _st=$(printf '%s\n' "$_line" | cut -d '|' -f 2)
    _v=$(printf '%s\n' "$_line" | cut -d '|' -f 3-)
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
  done <"$SF_W/written.rev"
  if [ "$SF_FILE_WRITTEN" = 1 ]; then
    read -r _fs _fm _fu _fg <"$SF_W/before.meta"
    if [ "$_fs" = absent ]; then
      if sf_rm_file "$SF_FILE" && [ ! -e "$SF_FILE" ]; then
        sf_emit revert-file "path=$SF_FILE" action=removed
      else
        sf_emit revert-file "path=$SF_FILE" action=revert_failed "error=$SF_ERR"; _rf="$_rf $SF_FILE: $SF_ERR"
      fi
    elif sf_put_file "$SF_W/before.file" "$SF_FILE" "$_fm" "$_fu" "$_fg" \
      && [ "$(sf_b64 "$SF_FILE")" = "$(sf_b64 "$SF_W/before.file")" ] \
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
  : >"$SF_W/written"
  if [ -n "$SF_FILE" ] && ! sf_apply_file; then
    SF_FAIL="$SF_ERR"
  fi
  sf_apply_keys
  if [ -n "$SF_FAIL" ]; then
    if [ "$SF_FILE_WRITTEN" = 1 ] || [ -s "$SF_W/written" ]; then
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
