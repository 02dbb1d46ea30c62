# Read-only: print the snapshot of run SF_RUN; changes nothing.
#
# ---- sent to hosts from the next line on (load.ts drops this header) ----

sf_read_snapshot() {
  if [ -f "$SF_DIR/snapshots/$SF_RUN.snap" ]; then
    cat "$SF_DIR/snapshots/$SF_RUN.snap"
  else
    sf_emit snap-missing "run=$SF_RUN" "path=$SF_DIR/snapshots/$SF_RUN.snap"
  fi
}
