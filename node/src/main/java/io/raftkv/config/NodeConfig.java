package io.raftkv.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything a node needs to run, as read from YAML (kebab-case keys), environment variables and flags by
 * {@link ConfigLoader}. {@link #validate()} lists every bad value; {@link #resolve()} turns a valid
 * configuration into the node's identity and peer list.
 *
 * @param clusterName         peers refuse messages from a node of another cluster name
 * @param nodeId              this node's Raft ID (>= 1, never reused); 0 in Kubernetes mode lets
 *                            {@link #withKubernetesNodeId} choose it (the ID recorded in the data directory,
 *                            ordinal + 1 for a bootstrap member, else a fresh random ID)
 * @param listen              host:port the gRPC server binds (client, admin and peer APIs)
 * @param advertise           host:port the other nodes and clients use to reach this node; empty = derived
 * @param http                host:port of the HTTP server (health, readiness, metrics, JSON API); empty = off
 * @param dataDir             directory of the Raft log, hard state and snapshots
 * @param initialClusterState "new": bootstrap a new cluster whose voters are the peers; "existing": join a
 *                            running cluster (an operator adds this node as a learner). Ignored when the data
 *                            directory already holds state.
 * @param peers               the initial members (static list); ignored in Kubernetes mode
 * @param kubernetes          derive ID and peers from a StatefulSet's pods behind a headless Service
 * @param logLevel            root log level: error, warn, info, debug, trace
 */
public record NodeConfig(String clusterName, long nodeId, String listen, String advertise, String http,
                         String dataDir, String initialClusterState, List<Peer> peers, Kubernetes kubernetes,
                         String logLevel, Raft raft, Snapshot snapshot, Limits limits, Disk disk) {

    public static final Set<String> CLUSTER_STATES = Set.of("new", "existing");
    public static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    /** One member of a static peer list. */
    public record Peer(long id, String address) {
    }

    /**
     * Peers are the pods {@code <statefulSet>-<ordinal>} of a StatefulSet, reached through its headless Service
     * at {@code <pod>.<service>.<namespace>.svc.<clusterDomain>:<port>}.
     *
     * @param podName  this pod's name (default: the HOSTNAME environment variable, which Kubernetes sets)
     * @param replicas how many pods form the initial cluster (ordinals 0 .. replicas-1)
     */
    public record Kubernetes(String statefulSet, String service, String namespace, String clusterDomain,
                             int port, int replicas, String podName) {
    }

    /**
     * @param tickMs         one Raft clock tick
     * @param electionTicks  base election timeout in ticks (randomized up to twice this)
     * @param heartbeatTicks leader heartbeat period in ticks
     * @param maxUncommittedMib proposals are refused (RESOURCE_EXHAUSTED) beyond this many uncommitted MiB
     */
    public record Raft(int tickMs, int electionTicks, int heartbeatTicks, int maxUncommittedMib) {
    }

    /**
     * @param thresholdEntries snapshot after this many entries applied since the last snapshot
     * @param intervalSeconds  and at least this often when anything was applied (0 = never by time)
     * @param keep             snapshots kept on disk
     * @param retainEntries    log entries kept behind a snapshot so slightly lagging followers need no snapshot
     */
    public record Snapshot(long thresholdEntries, long intervalSeconds, int keep, long retainEntries) {
    }

    /**
     * @param maxKeyBytes          longest key accepted
     * @param maxValueBytes        longest value accepted
     * @param maxPendingRequests   requests waiting for commit or read index before RESOURCE_EXHAUSTED
     * @param sessionTtlSeconds    exactly-once client sessions idle this long are forgotten
     */
    public record Limits(int maxKeyBytes, int maxValueBytes, int maxPendingRequests, long sessionTtlSeconds) {
    }

    /** @param minFreeMib the disk alarm is raised (writes refused) when less than this is free in the data dir */
    public record Disk(long minFreeMib) {
    }

    /** The defaults every file, variable and flag overrides. */
    public static NodeConfig defaults() {
        return new NodeConfig("raftkv", 0, "127.0.0.1:7001", "", "127.0.0.1:8001", "data", "new", List.of(), null,
                "info", new Raft(50, 10, 1, 64), new Snapshot(100_000, 300, 2, 10_000),
                new Limits(4096, 1 << 20, 10_000, 3600), new Disk(256));
    }

    /** Every problem with this configuration, one readable sentence each; empty if it is usable. */
    public List<String> validate() {
        List<String> p = new ArrayList<>();
        if (clusterName == null || !clusterName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            p.add("cluster-name: '" + clusterName + "' must be 1-63 letters, digits, '.', '_' or '-'");
        }
        if (nodeId < 0) {
            p.add("node-id: must be >= 1 (got " + nodeId + ")");
        } else if (nodeId == 0 && kubernetes == null) {
            p.add("node-id: is required (>= 1) unless kubernetes mode derives it from the pod name");
        }
        checkAddress(p, "listen", listen, false);
        checkAddress(p, "advertise", advertise, true);
        checkAddress(p, "http", http, true);
        if (dataDir == null || dataDir.isBlank()) {
            p.add("data-dir: must not be empty");
        }
        if (initialClusterState == null || !CLUSTER_STATES.contains(initialClusterState)) {
            p.add("initial-cluster-state: must be 'new' (bootstrap) or 'existing' (join), got '"
                    + initialClusterState + "'");
        }
        if (logLevel == null || !LOG_LEVELS.contains(logLevel.toLowerCase(Locale.ROOT))) {
            p.add("log-level: must be one of " + LOG_LEVELS + ", got '" + logLevel + "'");
        }
        if (kubernetes != null) {
            validateKubernetes(p);
        } else {
            validatePeers(p);
        }
        if (raft == null) {
            p.add("raft: missing");
        } else {
            if (raft.tickMs() < 1 || raft.tickMs() > 10_000) {
                p.add("raft.tick-ms: must be 1..10000, got " + raft.tickMs());
            }
            if (raft.heartbeatTicks() < 1 || raft.electionTicks() <= raft.heartbeatTicks()) {
                p.add("raft.heartbeat-ticks/election-ticks: need 1 <= heartbeat-ticks < election-ticks, got "
                        + raft.heartbeatTicks() + " and " + raft.electionTicks());
            }
            if (raft.maxUncommittedMib() < 1) {
                p.add("raft.max-uncommitted-mib: must be >= 1, got " + raft.maxUncommittedMib());
            }
        }
        if (snapshot == null) {
            p.add("snapshot: missing");
        } else {
            if (snapshot.thresholdEntries() < 1) {
                p.add("snapshot.threshold-entries: must be >= 1, got " + snapshot.thresholdEntries());
            }
            if (snapshot.intervalSeconds() < 0) {
                p.add("snapshot.interval-seconds: must be >= 0 (0 = only by threshold), got "
                        + snapshot.intervalSeconds());
            }
            if (snapshot.keep() < 1) {
                p.add("snapshot.keep: must be >= 1, got " + snapshot.keep());
            }
            if (snapshot.retainEntries() < 0) {
                p.add("snapshot.retain-entries: must be >= 0, got " + snapshot.retainEntries());
            }
        }
        if (limits == null) {
            p.add("limits: missing");
        } else {
            if (limits.maxKeyBytes() < 1 || limits.maxKeyBytes() > (64 << 10)) {
                p.add("limits.max-key-bytes: must be 1..65536, got " + limits.maxKeyBytes());
            }
            if (limits.maxValueBytes() < 0 || limits.maxValueBytes() > (16 << 20)) {
                p.add("limits.max-value-bytes: must be 0..16777216, got " + limits.maxValueBytes());
            }
            if (limits.maxPendingRequests() < 1) {
                p.add("limits.max-pending-requests: must be >= 1, got " + limits.maxPendingRequests());
            }
            if (limits.sessionTtlSeconds() < 1) {
                p.add("limits.session-ttl-seconds: must be >= 1, got " + limits.sessionTtlSeconds());
            }
        }
        if (disk == null) {
            p.add("disk: missing");
        } else if (disk.minFreeMib() < 0) {
            p.add("disk.min-free-mib: must be >= 0, got " + disk.minFreeMib());
        }
        return p;
    }

    private void validatePeers(List<String> p) {
        List<Peer> list = peers == null ? List.of() : peers;
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Peer peer = list.get(i);
            if (peer == null) {
                p.add("peers[" + i + "]: empty entry");
                continue;
            }
            if (peer.id() < 1) {
                p.add("peers[" + i + "].id: must be >= 1, got " + peer.id());
            } else if (!ids.add(peer.id())) {
                p.add("peers[" + i + "].id: " + peer.id() + " is listed twice");
            }
            checkAddress(p, "peers[" + i + "].address", peer.address(), false);
        }
        if ("new".equals(initialClusterState) && nodeId > 0) {
            if (list.isEmpty()) {
                return; // a single-node cluster of this node alone
            }
            if (!ids.contains(nodeId)) {
                p.add("peers: bootstrapping a new cluster, but this node's id " + nodeId
                        + " is not among the peers " + ids);
            }
        }
    }

    private void validateKubernetes(List<String> p) {
        Kubernetes k = kubernetes;
        String dns = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
        if (k.statefulSet() == null || !k.statefulSet().matches(dns)) {
            p.add("kubernetes.stateful-set: '" + k.statefulSet() + "' is not a DNS label");
        }
        if (k.service() == null || !k.service().matches(dns)) {
            p.add("kubernetes.service: '" + k.service() + "' is not a DNS label");
        }
        if (k.namespace() == null || !k.namespace().matches(dns)) {
            p.add("kubernetes.namespace: '" + k.namespace() + "' is not a DNS label");
        }
        if (k.port() < 1 || k.port() > 65535) {
            p.add("kubernetes.port: must be 1..65535, got " + k.port());
        }
        if (k.replicas() < 1) {
            p.add("kubernetes.replicas: must be >= 1, got " + k.replicas());
        }
        if (nodeId == 0 || advertise == null || advertise.isBlank()) {
            try {
                ordinalOf(k);
            } catch (IllegalArgumentException e) {
                p.add("kubernetes.pod-name: " + e.getMessage());
            }
        }
    }

    private static void checkAddress(List<String> p, String name, String value, boolean mayBeEmpty) {
        if (value == null || value.isBlank()) {
            if (!mayBeEmpty) {
                p.add(name + ": must be host:port, got nothing");
            }
            return;
        }
        try {
            HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            p.add(name + ": " + e.getMessage());
        }
    }

    /** Throws {@link ConfigException} listing every problem unless this configuration is valid. */
    public NodeConfig requireValid() {
        List<String> problems = validate();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return this;
    }

    /** The node's resolved identity, address and initial peers. Requires a valid configuration. */
    public ResolvedIdentity resolve() {
        requireValid();
        long id = nodeId;
        List<Peer> initial;
        String adv = advertise;
        if (kubernetes != null) {
            Kubernetes k = kubernetes;
            if (id == 0) {
                id = ordinalOf(k) + 1;
            }
            initial = new ArrayList<>();
            for (int ord = 0; ord < k.replicas(); ord++) {
                initial.add(new Peer(ord + 1, podAddress(k, ord)));
            }
            if (adv == null || adv.isBlank()) {
                adv = podAddress(k, ordinalOf(k));
            }
        } else {
            initial = peers == null ? List.of() : List.copyOf(peers);
            if (adv == null || adv.isBlank()) {
                long self = id;
                adv = initial.stream().filter(peer -> peer.id() == self).map(Peer::address).findFirst()
                        .orElse(listen);
            }
        }
        HostPort advertised = HostPort.parse(adv);
        if (advertised.host().equals("0.0.0.0") || advertised.host().equals("::")) {
            throw new ConfigException("advertise: this node would be advertised as " + advertised
                    + ", which other nodes cannot reach; set advertise (or list this node among the peers)");
        }
        if (initial.isEmpty()) {
            initial = List.of(new Peer(id, adv));
        }
        return new ResolvedIdentity(id, advertised, initial);
    }

    /**
     * In Kubernetes mode without an explicit node ID, this configuration with the node's ID chosen (otherwise this
     * configuration unchanged). IDs are never reused (the Raft core refuses a retired ID), so a pod's ordinal
     * cannot be its ID: a scale-down then up, or a pod that lost its volume, would come back under a retired ID.
     * <ol>
     *   <li>the ID recorded in the data directory, if any: the node restarts as itself;</li>
     *   <li>{@code ordinal + 1} for a member of the initial cluster ({@code initial-cluster-state: new} and
     *       ordinal below {@code kubernetes.replicas}), so that every founding member knows the others' IDs;</li>
     *   <li>otherwise a fresh random 63-bit ID, above any ordinal-derived one: the node joins an existing
     *       cluster and waits until an operator, reading the ID from its {@code Status}, adds it as a learner.</li>
     * </ol>
     *
     * @param recorded the ID recorded in the data directory, or 0 if it is empty
     * @param random   source of fresh IDs
     */
    public NodeConfig withKubernetesNodeId(long recorded, java.util.function.LongSupplier random) {
        if (kubernetes == null || nodeId != 0) {
            return this;
        }
        requireValid();
        long id;
        if (recorded > 0) {
            id = recorded;
        } else if (isInitialMember()) {
            id = ordinalOf(kubernetes) + 1L;
        } else {
            do {
                id = random.getAsLong() & Long.MAX_VALUE;
            } while (id <= MAX_ORDINAL_ID);
        }
        return new NodeConfig(clusterName, id, listen, advertise, http, dataDir, initialClusterState, peers,
                kubernetes, logLevel, raft, snapshot, limits, disk);
    }

    /** IDs up to this are left to ordinal-derived bootstrap members; fresh IDs are drawn above it. */
    static final long MAX_ORDINAL_ID = 1L << 32;

    /** Whether this node founds a new cluster (in Kubernetes mode: "new" and among the initial replicas). */
    private boolean isInitialMember() {
        if (!"new".equals(initialClusterState)) {
            return false;
        }
        return kubernetes == null || ordinalOf(kubernetes) < kubernetes.replicas();
    }

    /** This node's ID, the address others reach it at, and the initial members (for bootstrap). */
    public record ResolvedIdentity(long nodeId, HostPort advertise, List<Peer> initialPeers) {
    }

    private static String podAddress(Kubernetes k, int ordinal) {
        String domain = k.clusterDomain() == null || k.clusterDomain().isBlank() ? "cluster.local" : k.clusterDomain();
        return k.statefulSet() + "-" + ordinal + "." + k.service() + "." + k.namespace() + ".svc." + domain + ":"
                + k.port();
    }

    private static int ordinalOf(Kubernetes k) {
        String pod = k.podName() == null || k.podName().isBlank() ? System.getenv("HOSTNAME") : k.podName();
        if (pod == null || pod.isBlank()) {
            throw new IllegalArgumentException("unknown (set kubernetes.pod-name or HOSTNAME, or set node-id)");
        }
        String prefix = k.statefulSet() + "-";
        if (!pod.startsWith(prefix)) {
            throw new IllegalArgumentException("'" + pod + "' is not a pod of stateful set '" + k.statefulSet() + "'");
        }
        try {
            int ord = Integer.parseInt(pod.substring(prefix.length()));
            if (ord < 0) {
                throw new NumberFormatException();
            }
            return ord;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + pod + "' does not end in a pod ordinal");
        }
    }
}
