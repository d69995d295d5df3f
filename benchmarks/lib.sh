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

# load_run3 label command... → "unfiltered no-op granted granted/no-op granted/unfiltered", as load_run, with the no-op
# filter's URL ("no-op:") measured in the same alternation.
load_run3() {
    local label=$1; shift
    local fifo="$OUT/in-$label" log="$OUT/run-$label.log"
    rm -f "$fifo"; mkfifo "$fifo"
    "$@" <"$fifo" >"$log" 2>"$OUT/err-$label.log" &
    local pid=$!
    exec 7>"$fifo"
    for _ in $(seq 1 200); do grep -q '^no-op:' "$log" 2>/dev/null && break; sleep 0.2; done
    local plain noop granted u n g
    plain=$(awk '/^unfiltered:/ {print $2}' "$log")
    noop=$(awk '/^no-op:/ {print $2}' "$log")
    granted=$(awk '/^granted:/ {print $2}' "$log")
    for url in "$plain" "$noop" "$granted"; do wrk -t1 -c"$CONNS" -d5s -H "$AUTH" "$url" >/dev/null; done
    local us=() ns=() gs=()
    for _ in 1 2 3; do us+=("$(rps "$plain")"); ns+=("$(rps "$noop")"); gs+=("$(rps "$granted")"); done
    u=$(printf '%s\n' "${us[@]}" | sort -n | sed -n 2p); n=$(printf '%s\n' "${ns[@]}" | sort -n | sed -n 2p)
    g=$(printf '%s\n' "${gs[@]}" | sort -n | sed -n 2p)
    exec 7>&-
    wait "$pid" || true
    echo "$u $n $g $(awk -v n="$n" -v g="$g" 'BEGIN {printf "%.3f", g/n}') $(awk -v u="$u" -v g="$g" 'BEGIN {printf "%.3f", g/u}')"
}

summary() { # file of numbers → "median m, min a, max b"
    sort -n "$1" | awk '{a[NR]=$1} END {printf "median %.3f, min %.3f, max %.3f", a[int((NR+1)/2)], a[1], a[NR]}'
}
