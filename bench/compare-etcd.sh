#!/usr/bin/env bash
# RaftKV vs etcd on this machine, in one run, with the same load generator (`raftkv bench`).
#
# Starts a 3-member etcd and a 3-node RaftKV on 127.0.0.1 (free ports, durable fsync, data of both under one
# directory on the repository's disk), measures the disk's fdatasync latency, runs the five standard workloads
# (see bench/src/main/java/io/raftkv/bench/etcd/StandardWorkload.java) against each system -- for each
# workload both systems back to back, the order alternating from round to round -- samples the leaders'
# resident memory during the write load, then writes bench/results/<date>/{raw/*.json, summary.json,
# comparison.md, comparison.png} and prints the table with the ratio RaftKV/etcd. Everything it starts is
# stopped on exit, also on failure or Ctrl-C.
#
#   bench/compare-etcd.sh                    # the full comparison (about 7 minutes on 2 cores)
#   ROUNDS=1 DURATION=3s bench/compare-etcd.sh   # a quick look
#   SYSTEMS=etcd bench/compare-etcd.sh       # etcd alone (e.g. to check the tool)
#
# Settings (environment): ROUNDS (3), DURATION measured per run (6s), WARMUP per run (2s), SERVER_WARMUP (30s:
# an unmeasured load on each system before the first round, for the JVM's JIT; 0 skips it), KEY_SPACE (10000),
# SYSTEMS ("etcd raftkv"), WORKLOADS (ids to run, e.g. "a-put-seq b-put"; default all five), OUT (bench/results/<date>), KEEP_WORK=1 keeps data and logs,
# RAFTKV_JAR (the node's runnable jar; default the newest node/target/raftkv-node-*-all.jar, built with the
# Maven wrapper if there is none), RAFTKV_SERVER_CMD (how to start one RaftKV node, default
# `java $RAFTKV_JAVA_OPTS -jar $RAFTKV_JAR node`; the script appends the node's flags), RAFTKV_JAVA_OPTS (the
# nodes' JVM options), BENCH_JAVA_OPTS (the load generator's JVM options), REBUILD=1 rebuilds both jars first,
# CLIENT: `java` (default: `raftkv bench`, RaftKV through its own Java client and etcd through jetcd -- not the
# same client, see README) or `go` (bench/etcd-go: both systems through etcd's own Go client, clientv3, on
# etcd's v3 API -- the identical client; built with Debian's Go by bench/etcd-go/build.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-6s}"
WARMUP="${WARMUP:-2s}"
SERVER_WARMUP="${SERVER_WARMUP:-30s}"
KEY_SPACE="${KEY_SPACE:-10000}"
SYSTEMS="${SYSTEMS:-etcd raftkv}"
OUT="${OUT:-$ROOT/bench/results/$(date -u +%F)}"
BENCH_JAR="$ROOT/bench/target/raftkv-bench.jar"
RAFTKV_JAVA_OPTS="${RAFTKV_JAVA_OPTS:--Xmx512m}"
RAFTKV_SERVER_CMD_GIVEN="${RAFTKV_SERVER_CMD:+1}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx1g}"
START_TIMEOUT_S=60
CLIENT="${CLIENT:-java}"
GO_BENCH=""

PIDS=()          # every process this script started, stopped by cleanup
SAMPLER_PID=""
USED_PORTS=" "
WORK=""
START_SECONDS=$SECONDS

log() { printf '[compare %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null || true
    if ((${#PIDS[@]})); then
        log "stopping ${#PIDS[@]} processes"
        for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
        for _ in $(seq 1 50); do
            local alive=0
            for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            ((alive)) || break
            sleep 0.2
        done
        for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    fi
    if [[ -n "$WORK" && -d "$WORK" ]]; then
        if ((status != 0)) || [[ "${KEEP_WORK:-0}" == 1 ]]; then
            log "data and logs kept in $WORK"
        else
            rm -rf "$WORK"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sets PORT to a port nobody listens on and this script has not handed out yet (not run in a subshell, so
# that USED_PORTS remembers it).
free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 30000))
        [[ "$USED_PORTS" == *" $p "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            USED_PORTS="$USED_PORTS$p "
            PORT=$p
            return 0
        fi
    done
    die "found no free port on 127.0.0.1"
}

# GET http://127.0.0.1:PORT/PATH (HTTP/1.0 over bash's /dev/tcp: no curl needed).
http_get() {
    local port=$1 path=$2
    (
        exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
        printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
        timeout 5 cat <&3
    ) 2>/dev/null
}

# The load generator: `raftkv bench`, or with CLIENT=go etcd-go-bench, which takes the same workload arguments
# and whose JSON report GoReportImport turns into `raftkv bench`'s format.
bench() {
    if [[ "$CLIENT" == go ]]; then
        local args=() json=""
        while (($#)); do
            if [[ "$1" == --json ]]; then json=$2; shift 2; else args+=("$1"); shift; fi
        done
        "$GO_BENCH" "${args[@]}" ${json:+--json "$json.go"} || return
        if [[ -n "$json" ]]; then
            java -cp "$BENCH_JAR" io.raftkv.bench.etcd.GoReportImport "$json.go" "$json" || return
        fi
        return 0
    fi
    # shellcheck disable=SC2086
    java $BENCH_JAVA_OPTS -cp "$BENCH_JAR" io.raftkv.loadgen.BenchCommand "$@"
}

# Waits until one put goes through TARGET, or a member of the named system exits, or the timeout passes.
wait_ready() {
    local system=$1 target=$2 logs=$3
    shift 3
    local deadline=$((SECONDS + START_TIMEOUT_S))
    while ((SECONDS < deadline)); do
        for pid in "$@"; do
            kill -0 "$pid" 2>/dev/null || { tail -n 20 "$logs"/* >&2 || true; die "$system: process $pid exited while starting (logs: $logs)"; }
        done
        if bench put --target "$target" --total 1 --quiet >/dev/null 2>&1; then
            log "$system is up: $target"
            return 0
        fi
        sleep 1
    done
    tail -n 20 "$logs"/* >&2 || true
    die "$system did not accept a write within ${START_TIMEOUT_S}s (logs: $logs)"
}

ensure_etcd() {
    command -v etcd >/dev/null && return 0
    log "etcd not found: installing Debian's etcd-server"
    local sudo=""
    ((EUID == 0)) || sudo="sudo"
    [[ -z "$sudo" ]] || command -v sudo >/dev/null || die "etcd is missing and this is not root: apt-get install etcd-server"
    $sudo apt-get install -y etcd-server >/dev/null 2>&1 \
        || { $sudo apt-get update >/dev/null && $sudo apt-get install -y etcd-server >/dev/null; } \
        || die "could not install etcd-server with apt-get"
    command -v etcd >/dev/null || die "etcd-server installed but no etcd on PATH"
    if command -v systemctl >/dev/null && systemctl is-active --quiet etcd 2>/dev/null; then
        log "warning: the package started a system etcd service; it competes for CPU (systemctl stop etcd)"
    fi
}

newest_node_jar() {
    ls -t "$ROOT"/node/target/raftkv-node-*-all.jar 2>/dev/null | head -n1 || true
}

# Builds the load generator's jar and the node's runnable jar with the Maven wrapper when one is missing (one
# build: the bench module depends on the node module, so `-pl bench -am package` makes both).
ensure_jars() {
    NODE_JAR="${RAFTKV_JAR:-$(newest_node_jar)}"
    local need_node=0
    [[ " $SYSTEMS " == *" raftkv "* && -z "$RAFTKV_SERVER_CMD_GIVEN" && ! -f "$NODE_JAR" ]] && need_node=1
    # A jar older than any source (e.g. after a pull) is rebuilt too: a stale jar would measure old code.
    local stale=""
    [[ -f "$BENCH_JAR" ]] && stale=$(cd "$ROOT" && find node/src/main bench/src/main pom.xml node/pom.xml bench/pom.xml \
        -newer "$BENCH_JAR" -type f -print -quit 2>/dev/null)
    if [[ ! -f "$BENCH_JAR" || -n "$stale" || "$need_node" == 1 || "${REBUILD:-0}" == 1 ]]; then
        log "building the load generator and the node with the Maven wrapper (about 1-2 minutes)"
        (cd "$ROOT" && ./mvnw -B -q -pl bench -am package -DskipTests) >&2 || die "build failed"
        [[ -n "${RAFTKV_JAR:-}" ]] || NODE_JAR="$(newest_node_jar)"
    fi
    [[ -f "$BENCH_JAR" ]] || die "no load generator jar at $BENCH_JAR after the build"
    if [[ " $SYSTEMS " == *" raftkv "* && -z "$RAFTKV_SERVER_CMD_GIVEN" ]]; then
        [[ -f "$NODE_JAR" ]] || die "no RaftKV node jar (node/target/raftkv-node-*-all.jar) after the build; set RAFTKV_JAR or RAFTKV_SERVER_CMD, or SYSTEMS=etcd"
        RAFTKV_SERVER_CMD="java $RAFTKV_JAVA_OPTS -jar $NODE_JAR node"
    fi
}

ETCD_CLIENT_PORTS=()
ETCD_PIDS=()
start_etcd() {
    local cluster="" peer_ports=() i
    for i in 1 2 3; do
        free_port; ETCD_CLIENT_PORTS[i]=$PORT
        free_port; peer_ports[i]=$PORT
        cluster+="${cluster:+,}e$i=http://127.0.0.1:${peer_ports[i]}"
    done
    mkdir -p "$WORK/logs/etcd"
    for i in 1 2 3; do
        # etcd fsyncs its WAL on every commit by default (only --unsafe-no-fsync turns that off).
        etcd --name "e$i" --data-dir "$WORK/data/etcd-e$i" \
            --listen-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORTS[i]}" \
            --advertise-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORTS[i]}" \
            --listen-peer-urls "http://127.0.0.1:${peer_ports[i]}" \
            --initial-advertise-peer-urls "http://127.0.0.1:${peer_ports[i]}" \
            --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "compare-$$" \
            --logger zap --log-outputs stderr --log-level warn \
            >"$WORK/logs/etcd/e$i.log" 2>&1 &
        ETCD_PIDS[i]=$!
        PIDS+=($!)
    done
    wait_ready etcd "etcd://127.0.0.1:${ETCD_CLIENT_PORTS[1]}" "$WORK/logs/etcd" "${ETCD_PIDS[@]:1}"
}

# Whether the metrics page on PORT has a line matching the regular expression PATTERN. The page is read whole
# before it is searched: `http_get | grep -q` stops reading at the first match, http_get then dies of SIGPIPE and,
# under pipefail, the pipeline fails exactly when the line was found (etcd's page is ~146 KB, larger than a pipe).
metrics_have() {
    local port=$1 pattern=$2 page
    page=$(http_get "$port" /metrics) || return 1
    grep -qE "$pattern" <<<"$page"
}

# The member (1..3) that etcd's metrics name as leader; empty if none says so.
etcd_leader() {
    local i
    for i in 1 2 3; do
        if metrics_have "${ETCD_CLIENT_PORTS[i]}" '^etcd_server_is_leader 1'; then
            echo "$i"
            return 0
        fi
    done
}

RAFTKV_PORTS=()
RAFTKV_HTTP_PORTS=()
RAFTKV_PIDS=()
start_raftkv() {
    local peers="" i
    for i in 1 2 3; do
        free_port; RAFTKV_PORTS[i]=$PORT
        free_port; RAFTKV_HTTP_PORTS[i]=$PORT
        peers+="${peers:+,}$i=127.0.0.1:${RAFTKV_PORTS[i]}"
    done
    mkdir -p "$WORK/logs/raftkv"
    for i in 1 2 3; do
        # The node fsyncs its log before it acknowledges or votes (group commit; there is no switch to turn that off).
        # shellcheck disable=SC2086
        $RAFTKV_SERVER_CMD --set cluster-name=compare --node-id "$i" --listen "127.0.0.1:${RAFTKV_PORTS[i]}" \
            --http "127.0.0.1:${RAFTKV_HTTP_PORTS[i]}" --data-dir "$WORK/data/raftkv-n$i" \
            --initial-cluster-state new --peers "$peers" --log-level warn \
            >"$WORK/logs/raftkv/n$i.log" 2>&1 &
        RAFTKV_PIDS[i]=$!
        PIDS+=($!)
    done
    wait_ready raftkv "$(raftkv_target)" "$WORK/logs/raftkv" "${RAFTKV_PIDS[@]:1}"
}

# The node (1..3) whose metrics say it leads (raftkv_role 3); empty if none says so.
raftkv_leader() {
    local i
    for i in 1 2 3; do
        if metrics_have "${RAFTKV_HTTP_PORTS[i]}" '^raftkv_role\{.*\} 3\.0'; then
            echo "$i"
            return 0
        fi
    done
}

# RaftKV's endpoints with the leader first, as for etcd: the Java client sends every request to the first
# endpoint until a NOT_LEADER answer redirects it, and a follower serves linearizable reads itself (after
# asking the leader for a ReadIndex), so without this a run's reads would go through a follower or not,
# depending on which node won the election.
raftkv_target() {
    local leader order=() i
    leader=$(raftkv_leader)
    [[ -n "$leader" ]] && order+=("$leader")
    for i in 1 2 3; do [[ "$i" == "$leader" ]] || order+=("$i"); done
    local endpoints=()
    for i in "${order[@]}"; do endpoints+=("127.0.0.1:${RAFTKV_PORTS[i]}"); done
    # With etcd's Go client RaftKV is spoken to through etcd's v3 API, on the same client port.
    local scheme=raftkv
    [[ "$CLIENT" == go ]] && scheme=etcd
    (IFS=,; echo "$scheme://${endpoints[*]}")
}

# etcd's endpoints with the leader first: a one-connection run then talks to the leader, as in etcd's own
# documented single-client figures; with more connections, connection i goes to endpoint i % 3.
etcd_target() {
    local leader order=() i
    leader=$(etcd_leader)
    [[ -n "$leader" ]] && order+=("$leader")
    for i in 1 2 3; do [[ "$i" == "$leader" ]] || order+=("$i"); done
    local endpoints=()
    for i in "${order[@]}"; do endpoints+=("127.0.0.1:${ETCD_CLIENT_PORTS[i]}"); done
    (IFS=,; echo "etcd://${endpoints[*]}")
}

# Samples VmRSS of each member of SYSTEM every 0.5 s into raw/rss.tsv until killed.
start_rss_sampler() {
    local system=$1 round=$2
    shift 2
    (
        while true; do
            local i=1
            for pid in "$@"; do
                awk -v s="$system" -v r="$round" -v m="$i" '/^VmRSS:/ {print s, r, m, $2}' "/proc/$pid/status" \
                    2>/dev/null >>"$OUT/raw/rss.tsv" || true
                i=$((i + 1))
            done
            sleep 0.5
        done
    ) &
    SAMPLER_PID=$!
}

stop_rss_sampler() {
    [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null && wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""
}

# Scheduler figures of the given processes so far, summed over their threads (/proc/PID/task/TID/schedstat):
# "cpuSeconds runQueueWaitSeconds contextSwitches". The wait is time runnable but not running: on a shared,
# overloaded machine it, not CPU, sets the latency of every thread hand-off.
sched_stats() {
    local pid
    for pid in "$@"; do cat /proc/"$pid"/task/*/schedstat 2>/dev/null || true; done \
        | awk '{c += $1; w += $2; n += $3} END {printf "%.3f %.3f %.0f", c / 1e9, w / 1e9, n}'
}

# CPU seconds (user + system) the given processes have used so far.
cpu_seconds() {
    local ticks=0 pid t
    for pid in "$@"; do
        # Fields after "pid (comm) ": state is 1, utime 12, stime 13 (proc(5) fields 14 and 15).
        t=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || t=0
        ticks=$((ticks + ${t:-0}))
    done
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}'
}

write_machine_json() {
    local cpu mem load etcd_version java_version
    cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo | tr -d '"')
    mem=$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    etcd_version=$(etcd --version 2>/dev/null | awk '/etcd Version/ {print $3}')
    java_version=$(java -version 2>&1 | head -n1 | tr -d '"')
    cat >"$OUT/machine.json" <<EOF
{
  "date": "$(date -u +%FT%TZ)",
  "cpu": "${cpu:-unknown}",
  "cores": $(nproc),
  "memory": "$mem",
  "kernel": "$(uname -r)",
  "loadAverage": "$load",
  "etcd": "${etcd_version:-unknown}",
  "java": "$java_version",
  "rounds": $ROUNDS,
  "duration": "$DURATION",
  "warmup": "$WARMUP",
  "serverWarmup": "$SERVER_WARMUP",
  "keySpace": $KEY_SPACE,
  "systems": "$SYSTEMS",
  "client": "$CLIENT"
}
EOF
}

main() {
    for s in $SYSTEMS; do
        [[ "$s" == etcd || "$s" == raftkv ]] || die "SYSTEMS may name etcd and raftkv, not '$s'"
    done
    [[ "$CLIENT" == java || "$CLIENT" == go ]] || die "CLIENT may be java or go, not '$CLIENT'"
    command -v java >/dev/null || die "no java on PATH (JDK 17+)"
    [[ " $SYSTEMS " == *" etcd "* ]] && ensure_etcd
    ensure_jars
    if [[ "$CLIENT" == go ]]; then
        GO_BENCH=$("$ROOT/bench/etcd-go/build.sh") || die "could not build bench/etcd-go"
    fi
    mkdir -p "$ROOT/bench/target" "$OUT/raw"
    rm -f "$OUT"/raw/*.json "$OUT"/raw/*.txt "$OUT"/raw/*.tsv
    WORK="$(mktemp -d "$ROOT/bench/target/compare.XXXXXX")"
    write_machine_json
    log "results in $OUT; data and logs in $WORK"

    log "measuring fdatasync latency in $WORK"
    java -cp "$BENCH_JAR" io.raftkv.bench.etcd.FsyncProbe "$WORK/fsync" "$OUT/fsync.json" >&2

    [[ " $SYSTEMS " == *" etcd "* ]] && start_etcd
    [[ " $SYSTEMS " == *" raftkv "* ]] && start_raftkv

    local ids=() args=()
    while IFS=$'\t' read -r id a; do
        ids+=("$id")
        args+=("$a")
    done < <(java -cp "$BENCH_JAR" io.raftkv.bench.etcd.WorkloadArgs | { if [[ -n "${WORKLOADS:-}" ]]; then
        grep -E "^(${WORKLOADS// /|})"$'\t' || true; else cat; fi; })
    ((${#ids[@]})) || die "no workloads from io.raftkv.bench.etcd.WorkloadArgs"

    # The RaftKV nodes are JVMs: their first seconds run interpreted code and compile (C2 alone took several CPU
    # seconds per node here). Warm every system up with an unmeasured mixed load first, so that all rounds
    # measure steady state (etcd gets the same treatment).
    if [[ "$SERVER_WARMUP" != 0 && "$SERVER_WARMUP" != 0s ]]; then
        for system in $SYSTEMS; do
            if [[ "$system" == etcd ]]; then target=$(etcd_target); else target=$(raftkv_target); fi
            log "warming $system up for $SERVER_WARMUP (not measured)"
            bench mixed --read-ratio 0.5 --clients 64 --conns 8 --target "$target" --duration "$SERVER_WARMUP" \
                --warmup 0s --key-space "$KEY_SPACE" --quiet >/dev/null \
                || die "warm-up of $system failed"
        done
    fi

    local progress=(--quiet)
    [[ -t 2 ]] && progress=()
    declare -A prefilled=()
    local round w system order target extra
    for round in $(seq 1 "$ROUNDS"); do
        order="$SYSTEMS"
        ((round % 2 == 0)) && order="$(echo "$SYSTEMS" | awk '{for (i = NF; i > 0; i--) printf "%s ", $i}')"
        for w in "${!ids[@]}"; do
            for system in $order; do
                if [[ "$system" == etcd ]]; then target=$(etcd_target); else target=$(raftkv_target); fi
                extra=()
                # Reads need keys: the first read workload of each system writes the whole key space once.
                if [[ "${args[w]}" != put* && -z "${prefilled[$system]:-}" ]]; then
                    extra=(--prefill)
                    prefilled[$system]=1
                fi
                if [[ "${ids[w]}" == b-put ]]; then
                    if [[ "$system" == etcd ]]; then
                        local leader
                        leader=$(etcd_leader)
                        [[ -n "$leader" ]] && echo "etcd $round $leader" >>"$OUT/raw/leaders.tsv"
                        start_rss_sampler etcd "$round" "${ETCD_PIDS[@]:1}"
                    else
                        local leader
                        leader=$(raftkv_leader)
                        [[ -n "$leader" ]] && echo "raftkv $round $leader" >>"$OUT/raw/leaders.tsv"
                        start_rss_sampler raftkv "$round" "${RAFTKV_PIDS[@]:1}"
                    fi
                fi
                log "round $round/$ROUNDS ${ids[w]} on $system"
                local members=()
                if [[ "$system" == etcd ]]; then members=("${ETCD_PIDS[@]:1}"); else members=("${RAFTKV_PIDS[@]:1}"); fi
                local cpu_before wall_before sched_before
                cpu_before=$(cpu_seconds "${members[@]}")
                sched_before=$(sched_stats "${members[@]}")
                wall_before=$(date +%s.%N)
                # shellcheck disable=SC2086
                bench ${args[w]} --target "$target" --duration "$DURATION" --warmup "$WARMUP" \
                    --key-space "$KEY_SPACE" "${extra[@]}" "${progress[@]}" \
                    --json "$OUT/raw/${system}_${ids[w]}_r${round}.json" \
                    >"$OUT/raw/${system}_${ids[w]}_r${round}.txt" \
                    || die "bench ${ids[w]} on $system failed (see $OUT/raw/${system}_${ids[w]}_r${round}.txt)"
                stop_rss_sampler
                # The servers' CPU seconds and the wall seconds of the whole invocation (JVM start, prefill and
                # warm-up included): their ratio is how many cores the servers kept busy.
                echo "$system $round ${ids[w]} $(awk -v a="$cpu_before" -v b="$(cpu_seconds "${members[@]}")" \
                    -v w0="$wall_before" -v w1="$(date +%s.%N)" 'BEGIN {printf "%.2f %.2f", b - a, w1 - w0}')" \
                    >>"$OUT/raw/cpu.tsv"
                echo "$system $round ${ids[w]} $(cut -d' ' -f1 /proc/loadavg)" >>"$OUT/raw/load.tsv"
                # system round workload: servers' CPU s, run-queue wait s, context switches over the invocation
                echo "$system $round ${ids[w]} $(echo "$sched_before $(sched_stats "${members[@]}")" \
                    | awk '{printf "%.2f %.2f %d", $4 - $1, $5 - $2, $6 - $3}')" >>"$OUT/raw/sched.tsv"
                awk 'NR == 2' "$OUT/raw/${system}_${ids[w]}_r${round}.txt" >&2
            done
        done
    done

    java -cp "$BENCH_JAR" io.raftkv.bench.etcd.CompareReport "$OUT"
    log "done in $((SECONDS - START_SECONDS)) s"
}

main "$@"
