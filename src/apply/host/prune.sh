# The host store's retention (POSIX sh, apply programs only): sf_prune_runs, called by the runner
# under the lock after sf_clean_leftovers. Needs lib.sh (TAB) and SF_DIR, SF_RUN, SF_PRUNE_KEEP,
# SF_PRUNE_BEFORE from the program's header (src/apply/script.ts pruneVars).
#
# ---- sent to hosts from the next line on (load.ts drops this header) ----

# sf_prune_runs : the host's own retention (apply only, under the lock), the controller's rule
# (src/apply/retention.ts DEFAULT_RETENTION): a run's snapshot and results go when it is beyond
# the newest SF_PRUNE_KEEP snapshots, its id is from before day SF_PRUNE_BEFORE (YYYYMMDD), and
# its results say nothing of it is left to undo: the apply changed nothing (or reverted itself),
# or a rollback of it restored everything. Any other run keeps its snapshot: it may be the only
# way back. Builtins only while there are no more than SF_PRUNE_KEEP snapshots (the usual case).
sf_prune_runs() {
  [ -n "$SF_PRUNE_BEFORE" ] && [ -n "$SF_PRUNE_KEEP" ] || return 0
  _pr_total=0
  for _pr_f in "$SF_DIR"/snapshots/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T*.snap; do
    [ -f "$_pr_f" ] && _pr_total=$((_pr_total + 1))
  done
  [ "$_pr_total" -gt "$SF_PRUNE_KEEP" ] || return 0
  _pr_i=0
  for _pr_f in "$SF_DIR"/snapshots/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T*.snap; do
    [ -f "$_pr_f" ] || continue
    _pr_i=$((_pr_i + 1))
    # oldest first (run ids sort by time): only the first total-keep may go
    [ "$_pr_i" -le $((_pr_total - SF_PRUNE_KEEP)) ] || break
    _pr_r=${_pr_f##*/}; _pr_r=${_pr_r%.snap}
    [ "$_pr_r" != "$SF_RUN" ] || continue
    [ "${_pr_r%%T*}" -lt "$SF_PRUNE_BEFORE" ] 2>/dev/null || continue
    sf_run_settled "$_pr_r" || continue
    rm -f "$_pr_f" "$SF_DIR/results/$_pr_r.apply.result" "$SF_DIR/results/$_pr_r.rollback.result"
  done
}

# sf_final_of FILE : SF_FIN, the final record of a result file ('' when it has none)
sf_final_of() {
  SF_FIN=
  [ -f "$1" ] || return 0
  while IFS= read -r _fo_l || [ -n "$_fo_l" ]; do
    case $_fo_l in *"$TAB"final"$TAB"*) SF_FIN="$_fo_l$TAB" ;; esac
  done <"$1"
}

# sf_run_settled RUN : true when nothing of RUN is left to undo on this host
sf_run_settled() {
  sf_final_of "$SF_DIR/results/$1.rollback.result"
  case $SF_FIN in
    *"$TAB"state=rolled_back"$TAB"* | *"$TAB"state=unchanged"$TAB"*) return 0 ;;
  esac
  sf_final_of "$SF_DIR/results/$1.apply.result"
  case $SF_FIN in
    *"$TAB"left=changed"$TAB"*) return 1 ;;
    *"$TAB"state=unchanged"$TAB"* | *"$TAB"left=unchanged"$TAB"*) return 0 ;;
    *"$TAB"state=failed"$TAB"*"nothing was changed$TAB"*) return 0 ;;
  esac
  return 1
}
