# Shared by the load-run scripts: sourced, not run. Expects SECS, CONNS, AUTH and OUT to be set.

rps() { # url → requests/s over SECS
    wrk -t1 -c"$CONNS" -d"${SECS}s" -H "$AUTH" "$1" | awk '/Requests\/sec/ {print $2}'
}

# load_run label command... → "unfiltered granted ratio"; the server's output stays in $OUT/run-<label>.log.
# The command is a load-run main (it prints "unfiltered:" and "granted:" URLs, then stops at end of input). Both paths
# are warmed up for 5 s (JIT), then measured alternately three times; each figure is the median of its three.
load_run() {
    local label=$1; shift
    local fifo="$OUT/in-$label" log="$OUT/run-$label.log"
    rm -f "$fifo"; mkfifo "$fifo"
    "$@" <"$fifo" >"$log" 2>"$OUT/err-$label.log" &
    local pid=$!
    exec 7>"$fifo"
    for _ in $(seq 1 200); do grep -q '^granted:' "$log" 2>/dev/null && break; sleep 0.2; done
    local plain granted u g
    plain=$(awk '/^unfiltered:/ {print $2}' "$log")
    granted=$(awk '/^granted:/ {print $2}' "$log")
    wrk -t1 -c"$CONNS" -d5s -H "$AUTH" "$plain" >/dev/null
    wrk -t1 -c"$CONNS" -d5s -H "$AUTH" "$granted" >/dev/null
    local us=() gs=()
    for _ in 1 2 3; do us+=("$(rps "$plain")"); gs+=("$(rps "$granted")"); done
    u=$(printf '%s\n' "${us[@]}" | sort -n | sed -n 2p); g=$(printf '%s\n' "${gs[@]}" | sort -n | sed -n 2p)
    exec 7>&-
    wait "$pid" || true
    echo "$u $g $(awk -v u="$u" -v g="$g" 'BEGIN {printf "%.3f", g/u}')"
}

# load_paths label command... → the median requests/s of each path the load-run main prints ("unfiltered:", "no-op:",
# "granted:", "shiro:", in that order, those it has), as load_run; a "cookie:" line is sent with every request.
load_paths() {
    local label=$1; shift
    local fifo="$OUT/in-$label" log="$OUT/run-$label.log"
    rm -f "$fifo"; mkfifo "$fifo"
    "$@" <"$fifo" >"$log" 2>"$OUT/err-$label.log" &
    local pid=$!
    exec 7>"$fifo"
    for _ in $(seq 1 200); do grep -q '^press Enter' "$log" 2>/dev/null && break; sleep 0.2; done
    local cookie urls=() name url
    cookie=$(sed -n 's/^cookie: *//p' "$log")
    for name in unfiltered no-op granted shiro; do
        url=$(awk -v n="$name:" '$1 == n {print $2}' "$log")
        [ -n "$url" ] && urls+=("$url")
    done
    for url in "${urls[@]}"; do wrk -t1 -c"$CONNS" -d5s -H "$AUTH" ${cookie:+-H "$cookie"} "$url" >/dev/null; done
    local i round
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

summary() { # file of numbers → "median m, min a, max b"
    sort -n "$1" | awk '{a[NR]=$1} END {printf "median %.3f, min %.3f, max %.3f", a[int((NR+1)/2)], a[1], a[NR]}'
}
