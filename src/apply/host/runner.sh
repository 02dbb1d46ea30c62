# The two-phase shape every changing program (apply, rollback) shares, in POSIX sh:
#
#   fg   (attached to the SSH channel; run by the boot shell itself, see script.ts): take the
#        lock, run `sf_prepare` (apply: snapshot, then wait for `go`), then start the worker
#        DETACHED and wait for its result file.
#   work (setsid, stdin /dev/null, stdout to results/<run>.<mode>.result.part): run `sf_work`,
#        which makes the changes; a dropped connection cannot stop it half-way. At the end the
#        result file is renamed to results/<run>.<mode>.result, then the lock released.
#
# Scratch files of a run are work/<run>.<mode>.<name> (SF_W is that prefix, no directory to
# make); the program itself is work/<run>.<mode>.sh, removed with them.
#
# Programs define sf_prepare and sf_work; src/apply/script.ts assembles lib + runner + program.
#
# ---- sent to hosts from the next line on (load.ts drops this header) ----

SF_W=$SF_DIR/work/$SF_RUN.$SF_MODE
SF_PROG=$SF_DIR/work/$SF_RUN.$SF_MODE.sh
SF_RES=$SF_DIR/results/$SF_RUN.$SF_MODE.result
SF_FINAL=0
SF_HANDED=0
SF_ABORT=0
SF_PHASE=start
umask 077

sf_fg_exit() {
  trap '' PIPE
  if [ "$SF_HANDED" != 1 ]; then
    [ "$SF_FINAL" = 1 ] || sf_final state=failed "reason=interrupted during $SF_PHASE; nothing was changed"
    rm -f "$SF_W".*
    sf_unlock
  fi
}

# sf_clean_leftovers : under the lock (no other program of ours runs), what earlier runs that were
# killed left: their scratch files and programs, the temps and old-file links in /etc/sysctl.d,
# and the snapshots of runs that never reached go (their worker never made a result file, so they
# changed nothing).
sf_clean_leftovers() {
  for _cl_f in "$SF_DIR"/work/* /etc/sysctl.d/.*.sysfleet-*.tmp /etc/sysctl.d/.*.sysfleet-*.orig; do
    case $_cl_f in *"$SF_RUN".* | *'*'*) continue ;; esac
    rm -f "$_cl_f" 2>/dev/null
  done
  for _cl_f in "$SF_DIR"/snapshots/*.snap; do
    [ -f "$_cl_f" ] || continue
    _cl_r=${_cl_f##*/}; _cl_r=${_cl_r%.snap}
    [ "$_cl_r" != "$SF_RUN" ] || continue
    [ -e "$SF_DIR/results/$_cl_r.apply.result" ] || [ -e "$SF_DIR/results/$_cl_r.apply.result.part" ] \
      || rm -f "$_cl_f"
  done
}

sf_fg() {
  sf_emit hello v=1 "mode=$SF_MODE" "run=$SF_RUN"
  trap 'sf_fg_exit' EXIT
  # A dropped connection shows as EOF on stdin (no go: clean exit). HUP and PIPE are ignored
  # so that a drop right after go cannot kill us between reading it and starting the worker.
  trap '' HUP PIPE
  trap 'exit 143' TERM; trap 'exit 130' INT
  sf_need_tools || return 0
  if ! { [ -d "$SF_DIR/work" ] && [ -d "$SF_DIR/snapshots" ] && [ -d "$SF_DIR/results" ]; } \
    && ! mkdir -p "$SF_DIR/work" "$SF_DIR/snapshots" "$SF_DIR/results" 2>/dev/null; then
    sf_final state=failed "reason=cannot create directories under $SF_DIR"; return 0
  fi
  SF_PHASE=lock
  sf_lock $$ || { sf_final state=locked; return 0; }
  SF_PHASE=cleanup
  sf_clean_leftovers
  [ "$SF_MODE" != apply ] || sf_prune_runs # src/apply/host/prune.sh
  SF_PHASE=prepare
  sf_prepare || return 0
  SF_PHASE=handover
  sf_start_worker
}

# Start the worker detached, then wait (bounded) for its result file and stream it back.
sf_start_worker() {
  if [ -e "$SF_RES" ] || [ -e "$SF_RES.part" ]; then rm -f "$SF_RES" "$SF_RES.part"; fi
  # the room prepare reserved is now the result's
  rm -f "$SF_W.reserve"
  if command -v setsid >/dev/null 2>&1; then
    setsid sh "$SF_PROG" work </dev/null >"$SF_RES.part" 2>&1 &
  elif command -v nohup >/dev/null 2>&1; then
    nohup sh "$SF_PROG" work </dev/null >"$SF_RES.part" 2>&1 &
  else
    sh "$SF_PROG" work </dev/null >"$SF_RES.part" 2>&1 &
  fi
  _wp=$!
  # From here the worker owns the lock, the work dir and the program file.
  SF_HANDED=1
  sf_emit worker-started "pid=$_wp"
  wait "$_wp" 2>/dev/null
  _n=0
  while [ ! -f "$SF_RES" ] && [ $_n -lt "$SF_WORK_TIMEOUT" ]; do
    # a worker that died without a result leaves the lock with a dead pid: stop waiting then
    _cur=$(readlink "$SF_LOCK" 2>/dev/null)
    if [ $_n -gt 2 ] && ! sf_lock_alive "$_cur"; then break; fi
    sleep 1; _n=$((_n + 1))
  done
  if [ -f "$SF_RES" ]; then
    cat "$SF_RES"
  else
    cat "$SF_RES.part" 2>/dev/null
    sf_final state=unknown "reason=the detached worker gave no result within $SF_WORK_TIMEOUT s; collect it later"
  fi
}

sf_work_exit() {
  trap '' PIPE
  [ "$SF_FINAL" = 1 ] || sf_final state=failed "reason=worker ended unexpectedly during $SF_PHASE"
  # Renamed, not fsynced: the result also travels back on the channel, and after a host crash
  # the runtime values it describes are gone anyway (the snapshot and the file are fsynced).
  mv -f "$SF_RES.part" "$SF_RES"
  if sf_lock_is_ours; then rm -f "$SF_W".* "$SF_LOCK"; else rm -f "$SF_W".*; fi
  SF_HAVE_LOCK=0
}

sf_worker() {
  trap '' HUP PIPE
  trap 'SF_ABORT=1' TERM INT
  SF_PHASE=work
  sf_lock_handover $$
  trap 'sf_work_exit' EXIT
  sf_emit worker "pid=$$"
  sf_work
}

case $1 in
  fg) sf_fg ;;
  work) sf_worker ;;
  *) sf_final state=failed "reason=internal: unknown phase $1" ;;
esac
exit 0
