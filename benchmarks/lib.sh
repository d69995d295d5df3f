# Shared by the benchmark scripts: sourced, not run. Expects OUT (a scratch directory); the load runs also SECS, CONNS
# and AUTH.

# nl3_filter_classpath checkout label → the test class path of that checkout's nl3-filter, compiled there in one
# reactor with what it needs (so a fresh clone needs nothing installed).
nl3_filter_classpath() {
    (cd "$1" && mvn -B -q ${MVN_OPTS:-} -pl nl3-filter -am test-compile dependency:build-classpath \
        -Dmdep.outputFile="$OUT/cp-$2.txt" -Dmdep.includeScope=test >/dev/null)
    echo "$1/nl3-filter/target/test-classes:$1/nl3-filter/target/classes:$(cat "$OUT/cp-$2.txt")"
}

# field "k=v k2=v2 …" key → the value of key in a driver's one-line report.
field() {
    tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'
}

# median_range [file] (numbers, one a line; standard input without a file) → "median (min–max)".
median_range() {
    sort -g "$@" | awk '{a[NR]=$1} END {printf "%s (%s–%s)", a[int((NR+1)/2)], a[1], a[NR]}'
}

# summary file → "median m, min a, max b" (three decimals).
summary() {
    sort -n "$1" | awk '{a[NR]=$1} END {printf "median %.3f, min %.3f, max %.3f", a[int((NR+1)/2)], a[1], a[NR]}'
}

# load_paths label "names" command... → the median requests/s of each named path, in that order, space-separated. The
# command is a load-run main: it prints "<name>: <url>" lines (unfiltered, granted, no-op, shiro…), optionally
# "cookie: Cookie: …" (sent with every request), then "press Enter to stop", and stops at end of input; its output
# stays in $OUT/run-<label>.log. Every path is warmed up for 5 s (JIT), then the paths are measured in turn three
# times for SECS each; each figure is the median of its three.
load_paths() {
    local label=$1 names=$2; shift 2
    local fifo="$OUT/in-$label" log="$OUT/run-$label.log"
    rm -f "$fifo"; mkfifo "$fifo"
    "$@" <"$fifo" >"$log" 2>"$OUT/err-$label.log" &
    local pid=$!
    exec 7>"$fifo"
    for _ in $(seq 1 200); do grep -q '^press Enter' "$log" 2>/dev/null && break; sleep 0.2; done
    local cookie urls=() name url i round
    cookie=$(sed -n 's/^cookie: *//p' "$log")
    for name in $names; do
        url=$(awk -v n="$name:" '$1 == n {print $2}' "$log")
        [ -n "$url" ] || { echo "no '$name:' URL in $log" >&2; exit 1; }
        urls+=("$url")
    done
    for url in "${urls[@]}"; do wrk -t1 -c"$CONNS" -d5s -H "$AUTH" ${cookie:+-H "$cookie"} "$url" >/dev/null; done
    for round in 1 2 3; do
        for i in "${!urls[@]}"; do
            wrk -t1 -c"$CONNS" -d"${SECS}s" -H "$AUTH" ${cookie:+-H "$cookie"} "${urls[$i]}" \
                | awk '/Requests\/sec/ {print $2}' >>"$OUT/$label-path$i"
        done
    done
    exec 7>&-
    wait "$pid" || true
    for i in "${!urls[@]}"; do sort -n "$OUT/$label-path$i" | sed -n 2p; done | paste -sd' '
}

# load_run label command... → "unfiltered granted ratio": load_paths of the two paths, and their ratio.
load_run() {
    local label=$1 u g; shift
    read -r u g <<<"$(load_paths "$label" "unfiltered granted" "$@")"
    echo "$u $g $(awk -v u="$u" -v g="$g" 'BEGIN {printf "%.3f", g/u}')"
}
