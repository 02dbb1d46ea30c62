# Read-only: list the snapshots this host keeps; changes nothing.
#
# ---- sent to hosts from the next line on (load.ts drops this header) ----

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
