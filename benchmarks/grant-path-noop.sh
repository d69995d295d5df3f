#!/usr/bin/env bash
# Grant path against its floor and a peer: requests/s of a servlet behind this filter with a live grant, over the same
# servlet behind a no-op filter that only reads the signed-in user, behind Apache Shiro 2's filter (authcBasic, the
# subject in an authenticated session) and behind no filter at all, in one server (nl3-filter's LoadRun on embedded
# Jetty 12, BASIC auth, the sandbox as NL3, lock re-checks every second). Every request carries the session cookie.
#
#   benchmarks/grant-path-noop.sh [rounds=5] [seconds=5] [connections=50]
#
# Each round starts a fresh server, warms every path up for 5 s, then measures them in turn three times for [seconds]
# each (medians of three). With BASELINE=<another checkout>, each round runs the baseline first; its LoadRun is
# replaced by this one's when it has no Shiro path (the driver uses only helpers every version has; the baseline's pom
# needs the Shiro test dependency too, which the script adds when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
SECS=${2:-5}
CONNS=${3:-50}
AUTH="Authorization: Basic YWxpY2U6cHc="
OUT=$(mktemp -d)
DRIVER=nl3-filter/src/test/java/dev/nl3jit/filter/LoadRun.java


# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh

HERE=$(nl3_filter_classpath . here)
if [ -n "${BASELINE:-}" ]; then
    grep -q 'shiro:' "$BASELINE/$DRIVER" || cp "$DRIVER" "$BASELINE/$DRIVER"
    # (the version written out: the baseline's parent pom has no shiro.version)
    SHIRO=$(sed -n 's:.*<shiro.version>\(.*\)</shiro.version>.*:\1:p' pom.xml)
    grep -q 'shiro-web' "$BASELINE/nl3-filter/pom.xml" \
        || sed "s/\${shiro.version}/$SHIRO/" nl3-filter/pom.xml >"$BASELINE/nl3-filter/pom.xml"
    BASE=$(nl3_filter_classpath "$BASELINE" base)
fi
echo "grant path against a no-op filter and Shiro, wrk -t1 -c$CONNS, 3 x ${SECS}s per path and round, $ROUNDS rounds"
echo "| round | build | unfiltered req/s | no-op filter | this filter, granted | Shiro 2, authenticated session | granted / no-op | Shiro / no-op | granted / Shiro |"
echo "|---|---|---|---|---|---|---|---|---|"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a/b}'; }
for r in $(seq 1 "$ROUNDS"); do
    for build in ${BASELINE:+base} here; do
        cp=$HERE; [ "$build" = base ] && cp=$BASE
        read -r u n g s <<<"$(load_paths "$build-$r" "unfiltered no-op granted shiro" java -Dsun.net.httpserver.nodelay=true -cp "$cp" dev.nl3jit.filter.LoadRun)"
        echo "| $r | $build | $u | $n | $g | $s | $(ratio "$g" "$n") | $(ratio "$s" "$n") | $(ratio "$g" "$s") |"
        ratio "$g" "$n" >>"$OUT/noop-$build"; echo >>"$OUT/noop-$build"
        ratio "$s" "$n" >>"$OUT/shiro-$build"; echo >>"$OUT/shiro-$build"
        ratio "$g" "$s" >>"$OUT/vs-$build"; echo >>"$OUT/vs-$build"
    done
done
echo
for build in ${BASELINE:+base} here; do
    echo "$build: granted / no-op $(summary "$OUT/noop-$build"); Shiro / no-op $(summary "$OUT/shiro-$build"); granted / Shiro $(summary "$OUT/vs-$build")"
done
