# Read-only: collect a detached run's result (SF_RUN, SF_MODE from script.ts); changes nothing.
#
# ---- sent to hosts from the next line on (load.ts drops this header) ----

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
