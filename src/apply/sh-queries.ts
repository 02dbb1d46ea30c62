/**
 * Read-only host programs (POSIX sh): collect a detached run's result, list the snapshots a host
 * keeps, print one snapshot. Each takes SF_RUN / SF_MODE from script.ts and changes nothing.
 */
export const SH_COLLECT = String.raw`
sf_collect() {
  _res=$SF_DIR/results/$SF_RUN.$SF_MODE.result
  if [ -f "$_res" ]; then
    sf_emit collect state=done
    cat "$_res"
  elif [ -f "$_res.part" ]; then
    _cur=$(readlink "$SF_LOCK" 2>/dev/null)
    sf_lock_field "$_cur" run
    if [ "$SF_LF" = "$SF_RUN" ] && sf_lock_alive "$_cur"; then
      sf_emit collect state=running
    else
      sf_emit collect state=interrupted
    fi
    cat "$_res.part"
  else
    sf_emit collect state=absent
  fi
  if [ "$SF_MODE" = apply ] && [ -f "$SF_DIR/snapshots/$SF_RUN.snap" ]; then
    cat "$SF_DIR/snapshots/$SF_RUN.snap"
  fi
}
`;

export const SH_LIST_SNAPSHOTS = String.raw`
sf_list_snapshots() {
  sf_emit snap-dir "path=$SF_DIR/snapshots"
  for _f in "$SF_DIR"/snapshots/*.snap; do
    [ -f "$_f" ] || continue
    _r=$(basename "$_f" .snap)
    _res=none
    if [ -f "$SF_DIR/results/$_r.apply.result" ]; then
      _res=$(awk -F '\t' '$2 == "final" { for (i = 3; i <= NF; i++) if ($i ~ /^state=/) s = substr($i, 7) } END { print s }' "$SF_DIR/results/$_r.apply.result")
    elif [ -f "$SF_DIR/results/$_r.apply.result.part" ]; then
      _res=incomplete
    fi
    sf_emit snap-list "run=$_r" "bytes=$(wc -c <"$_f" | tr -d ' ')" "mtime=$(stat -c %Y "$_f")" "result=$_res"
  done
}
`;

export const SH_READ_SNAPSHOT = String.raw`
sf_read_snapshot() {
  if [ -f "$SF_DIR/snapshots/$SF_RUN.snap" ]; then
    cat "$SF_DIR/snapshots/$SF_RUN.snap"
  else
    sf_emit snap-missing "run=$SF_RUN" "path=$SF_DIR/snapshots/$SF_RUN.snap"
  fi
}
`;
