#!/usr/bin/env bash
# Builds etcd-go-bench (bench/etcd-go/main.go) with Debian's Go and Debian's copy of etcd's Go client
# (golang-etcd-server-dev ships clientv3 3.4 and its dependencies under /usr/share/gocode; GOPATH mode, no module
# download). Installs both packages when missing. Prints the binary's path on stdout.
#   bench/etcd-go/build.sh      ->  bench/target/etcd-go-bench
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../target/etcd-go-bench"
gocode=/usr/share/gocode
if ! command -v go >/dev/null 2>&1 || [[ ! -d "$gocode/src/go.etcd.io/etcd/clientv3" ]]; then
    echo "etcd-go-bench: installing Debian's golang-go and golang-etcd-server-dev" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends golang-go golang-etcd-server-dev >/dev/null
fi
mkdir -p "$(dirname "$out")"
if [[ ! -x "$out" || "$here/main.go" -nt "$out" ]]; then
    echo "etcd-go-bench: building $out (about a minute the first time)" >&2
    (cd "$here" && GO111MODULE=off GOPATH="$gocode" GOCACHE="${GOCACHE:-$HOME/.cache/go-build}" \
        go build -o "$out" main.go) >&2
fi
echo "$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
