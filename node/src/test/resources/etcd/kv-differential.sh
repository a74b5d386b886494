#!/usr/bin/env bash
# One etcdctl (3.4) session, run by EtcdctlDifferentialTest against etcd itself and against RaftKV; the two
# transcripts must be equal after masking IDs and terms. Needs ENDPOINTS (every member) and LEADER (one endpoint
# that serializable reads go to, so that they cannot see a lagging member). Starts from an empty store.
# etcdctl 3.4 has no flags for count_only and the revision filters; the jetcd tests cover those. Its txn parser
# panics on lease("k") compares, so LEASE compares are covered there too.
set -u
export ETCDCTL_API=3

# Runs etcdctl, prints the command, its output (stderr too, minus the client's JSON retry logs) and exit status.
e() {
  echo "\$ etcdctl ${*//$LEADER/<leader>}"
  etcdctl --endpoints "$ENDPOINTS" --command-timeout=10s "$@" 2>&1 | grep -v '^{"level"'
  echo "[exit ${PIPESTATUS[0]}]"
}
# A non-interactive transaction: compares, blank line, success ops, blank line, failure ops (etcdctl txn's format).
t() {
  local input=$1
  shift
  echo "\$ etcdctl txn $* <<< $(printf '%q' "$input")"
  printf '%b' "$input" | etcdctl --endpoints "$ENDPOINTS" --command-timeout=10s txn "$@" 2>&1 | grep -v '^{"level"'
  echo "[exit ${PIPESTATUS[1]}]"
}

e get a -w json
e put a 1
e put b 2
e put ab 3 --prev-kv
e put a 10 --prev-kv
e put abc 4 -w json
e put ac 5
e get a
e get a -w json
e get a --rev=2
e get a --rev=2 -w json
e get a --rev=1 -w json
e get "" --prefix
e get "" --prefix --keys-only
e get a --prefix
e get a --prefix --keys-only -w json
e get a --prefix --limit 2 -w json
e get a --prefix --limit 2 --sort-by=MODIFY --order=DESCEND -w json
e get a --prefix --limit 10 -w json
e get a b
e get ab ac -w json
e get ab --from-key
e get b --from-key --limit 1 -w json
e get a --prefix --sort-by=MODIFY --order=DESCEND
e get a --prefix --sort-by=VERSION --order=DESCEND
e get a --prefix --sort-by=CREATE --order=ASCEND
e get a --prefix --sort-by=VALUE --order=DESCEND
e get a --prefix --sort-by=KEY --order=DESCEND
e get a --prefix --order=DESCEND
e get a --prefix --print-value-only
e get nothing -w json
e get a --rev=100
e get ""
e put "" x
e put a --ignore-value -w json
e get a -w json
e put nokey --ignore-value
e put a 11 --lease=1234
e put a v --ignore-lease --prev-kv -w json
e del ab --prev-kv
e del ab
e del ac abz --prev-kv -w json
e put k1 v1
e put k2 v2
e put k3 v3
e del k1 k3 -w json
e get k --prefix -w json
e get k2 --consistency=s --endpoints "$LEADER"

t 'value("k2") = "v2"\n\nput k2 new\nget k2\n\nput k9 nine\n\n'
t 'value("k2") = "v2"\n\nput k2 newer\n\nget k2\ndel k3\n\n' -w json
t 'version("k2") = "2"\nmod("k2") > "1"\ncreate("k2") != "0"\n\nput k4 four --prev-kv\ndel k2 --prev-kv\n\n\n'
t 'create("k2") = "0"\n\nput k2 again\n\n\n' -w json
t 'mod("k4") < "1000"\n\nget k --prefix --keys-only\nget k4 --rev=3\n\n\n' -w json
t 'mod("k4") > "1000"\n\n\nget k4 --rev=1000\n\n'
t '\n\nput x 1\nput x 2\n\n\n'
t '\n\nput y 1\ndel x y\n\n\n'
t '\n\nget nothing\n\n\n' -w json
t 'value("absent") = ""\n\n\nput k6 six\n\n'
t 'version("absent") = "0"\n\nput k7 seven\n\n\n'
t '\n\nput k4 --ignore-value\n\n\n'
t '\n\nput k4 x --lease=99\n\n\n'
t 'value("k7") = "seven"\nvalue("k6") = "six"\n\nput k8 eight\n\nget k6\nget k7 --print-value-only\n\n'
e get "" --prefix -w json

e compaction 5
e get k2 --rev=4
e get k2 --rev=5 -w json
e get "" --prefix --rev=6 -w json
e compaction 3
e compaction 1000
e compaction 8 --physical
e get k4 --rev=7
e del "" --prefix -w json
e get "" --prefix -w json
e put after-all 1 -w json
