#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, one command:
#
#   benchmarks/run.sh quick     # one round of each, about 3 minutes: a smoke run, figures not for the record
#   benchmarks/run.sh full      # 5 interleaved rounds of each (2 of the 10,000-waiter runs, which take 5-10 minutes each): about 2 hours
#
# With BASELINE=<another checkout> (e.g. `git worktree add /tmp/before <commit>`), every script interleaves the baseline
# round by round and prints both. Needs wrk (Debian: wrk), Maven, and nothing else running on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-quick}
case "$MODE" in
    quick)
        benchmarks/grant-path-noop.sh 1 2 50
        benchmarks/cold-path.sh 1 200
        benchmarks/waiting.sh 1 quick
        benchmarks/jmh.sh 1 quick
        ;;
    full)
        benchmarks/grant-path-noop.sh 5 5 50
        benchmarks/cold-path.sh 5 300
        benchmarks/jmh.sh 5 quick
        HOLDER_ROUNDS=1 HEADER_CACHE=0 benchmarks/waiting.sh 2 full
        ;;
    *)
        echo "usage: benchmarks/run.sh quick|full" >&2
        exit 2
        ;;
esac
