#!/usr/bin/env bash
# A short demonstration on a sample workspace: init, snapshot, change, diff,
# restore, and back. Usage: scripts/demo.sh [path/to/jvs]
set -euo pipefail
JVS=$(cd "$(dirname "${1:-build/jvs}")" && pwd)/$(basename "${1:-build/jvs}")
DEMO=$(mktemp -d /tmp/jvs-demo-XXXXXX)
trap 'rm -rf "$DEMO"' EXIT
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }

cd "$DEMO"
run "$JVS" init demo
cd demo/main
mkdir -p data models
for i in $(seq 1 50); do echo "row $i" > "data/part-$i.csv"; done
head -c 4194304 /dev/urandom > models/weights.bin
printf 'epochs: 10\nlr: 0.01\n' > config.yaml
run "$JVS" snapshot "baseline dataset" --tag baseline
printf 'epochs: 20\nlr: 0.001\n' > config.yaml
rm data/part-7.csv
echo "new row" >> data/part-1.csv
run "$JVS" status
run "$JVS" diff
run "$JVS" snapshot -m "tuned config"
run "$JVS" history
run "$JVS" restore baseline
run cat config.yaml
run "$JVS" restore HEAD
run cat config.yaml
run "$JVS" --json history -n 1
run "$JVS" info
echo
echo "demo finished: jvs works ($DEMO is removed on exit)"
