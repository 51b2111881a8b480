#!/usr/bin/env bash
# The wall time of a command and the whole machine's busy CPU seconds over it, from /proc/stat
# (issue 18.1): unlike /usr/bin/time it counts the processes the command does not wait for, such as
# Chromium's under Playwright. Read it on an otherwise idle machine.
#
#     bench/machine_cpu.sh LOG make test TEST_WORKERS=2
#
# The command's output goes to LOG, and the figures are added as its last line.
set -uo pipefail
log=$1
shift
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
start_busy=$(busy)
start=$(date +%s.%N)
"$@" >"$log" 2>&1
status=$?
end=$(date +%s.%N)
end_busy=$(busy)
ticks=$(getconf CLK_TCK)
echo "wall $(awk "BEGIN {printf \"%.1f\", $end - $start}") s, machine busy CPU $(((end_busy - start_busy) / ticks)) s (exit $status)" >>"$log"
exit $status
