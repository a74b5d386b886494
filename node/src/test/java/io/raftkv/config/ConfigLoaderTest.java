package io.raftkv.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path p = dir.resolve("node.yaml");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void fileThenEnvironmentThenFlags() throws Exception {
        Path file = yaml("""
                node-id: 2
                listen: 127.0.0.1:7002
                data-dir: /var/lib/raftkv
                peers:
                  - {id: 1, address: "10.0.0.1:7001"}
                  - {id: 2, address: "10.0.0.2:7001"}
                  - {id: 3, address: "10.0.0.3:7001"}
                snapshot:
                  threshold-entries: 500
                """);
        NodeConfig c = ConfigLoader.load(file, Map.of("RAFTKV_SNAPSHOT_KEEP", "4", "RAFTKV_LOG_LEVEL", "debug",
                "UNRELATED", "x"), Map.of("log-level", "warn"));
        assertThat(c.nodeId()).isEqualTo(2);
        assertThat(c.snapshot().thresholdEntries()).isEqualTo(500);
        assertThat(c.snapshot().keep()).isEqualTo(4);
        assertThat(c.snapshot().intervalSeconds()).isEqualTo(NodeConfig.defaults().snapshot().intervalSeconds());
        assertThat(c.logLevel()).isEqualTo("warn");
        NodeConfig.ResolvedIdentity id = c.resolve();
        assertThat(id.advertise().toString()).isEqualTo("10.0.0.2:7001");
        assertThat(id.initialPeers()).hasSize(3);
    }

    @Test
    void peersFromAVariable() {
        NodeConfig c = ConfigLoader.load(null, Map.of("RAFTKV_NODE_ID", "1",
                "RAFTKV_PEERS", "1=127.0.0.1:7001, 2=127.0.0.1:7002"), Map.of());
        assertThat(c.peers()).containsExactly(new NodeConfig.Peer(1, "127.0.0.1:7001"),
                new NodeConfig.Peer(2, "127.0.0.1:7002"));
    }

    @Test
    void everyBadValueIsNamed() throws Exception {
        Path file = yaml("""
                node-id: -3
                listen: nowhere
                initial-cluster-state: maybe
                log-level: loud
                raft: {tick-ms: 0, election-ticks: 1, heartbeat-ticks: 1}
                snapshot: {keep: 0}
                limits: {max-key-bytes: 0}
                peers:
                  - {id: 1, address: "a:1"}
                  - {id: 1, address: "b"}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("node-id:"))
                .anyMatch(p -> p.startsWith("listen:"))
                .anyMatch(p -> p.startsWith("initial-cluster-state:"))
                .anyMatch(p -> p.startsWith("log-level:"))
                .anyMatch(p -> p.startsWith("raft.tick-ms:"))
                .anyMatch(p -> p.startsWith("raft.heartbeat-ticks/election-ticks:"))
                .anyMatch(p -> p.startsWith("snapshot.keep:"))
                .anyMatch(p -> p.startsWith("limits.max-key-bytes:"))
                .anyMatch(p -> p.contains("peers[1].id: 1 is listed twice"))
                .anyMatch(p -> p.startsWith("peers[1].address:"));
    }

    @Test
    void everyProblemOfEverySourceIsReportedAtOnceNamingItsSource() throws Exception {
        Path file = yaml("""
                node-id: one
                raft: {tick-ms: 0}
                snapshot: {threshhold-entries: 5}
                peers: 7
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file,
                Map.of("RAFTKV_SNAPSHOT_KEEP", "many", "RAFTKV_LIMITS_MAX_KEY_BYTES", "0"),
                List.of(new ConfigLoader.Setting("log-level", "loud", "flag --log-level"),
                        new ConfigLoader.Setting("listen", "nowhere", "flag --listen"))));
        String fromFile = " (from config file " + file + ")";
        assertThat(e.problems()).contains(
                "config file " + file + ": unknown setting 'snapshot.threshhold-entries' (known settings: "
                        + String.join(", ", ConfigLoader.KEYS) + ")",
                "node-id: 'one' is not a whole number" + fromFile,
                "snapshot.keep: 'many' is not a whole number (up to 2147483647) (from environment variable "
                        + "RAFTKV_SNAPSHOT_KEEP)",
                "raft.tick-ms: must be 1..10000, got 0" + fromFile,
                "limits.max-key-bytes: must be 1..65536, got 0 (from environment variable RAFTKV_LIMITS_MAX_KEY_BYTES)",
                "log-level: must be one of " + NodeConfig.LOG_LEVELS + ", got 'loud' (from flag --log-level)",
                "listen: 'nowhere' is not host:port (from flag --listen)");
        assertThat(e.problems()).anyMatch(p -> p.startsWith("peers: '7' cannot be read") && p.endsWith(fromFile));
        // The file's wrong node-id fell back to the default, which is then reported as missing too.
        assertThat(e.problems()).hasSize(9);
    }

    @Test
    void typosAndWrongTypesAreExplained() throws Exception {
        ConfigException typo = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(yaml("node-id: 1\nsnapshot: {threshhold-entries: 5}\n"), Map.of(), Map.of()));
        assertThat(typo.getMessage()).contains("unknown setting 'snapshot.threshhold-entries'")
                .contains("snapshot.threshold-entries");
        ConfigException type = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(yaml("node-id: one\n"), Map.of(), Map.of()));
        assertThat(type.getMessage()).contains("node-id");
        ConfigException flag = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of(), Map.of("nod-id", "1")));
        assertThat(flag.getMessage()).contains("unknown setting 'nod-id'");
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("absent.yaml"), Map.of(), Map.of()));
        assertThat(missing.getMessage()).contains("does not exist");
        ConfigException notYaml = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(yaml("node-id: [1\n"), Map.of(), Map.of()));
        assertThat(notYaml.getMessage()).contains("not valid YAML");
    }

    @Test
    void bootstrappingRequiresThisNodeAmongThePeers() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of(), Map.of("node-id", "9", "peers", "1=h:1,2=h:2")));
        assertThat(e.getMessage()).contains("this node's id 9 is not among the peers");
        // Joining an existing cluster needs no peer list naming this node.
        NodeConfig join = ConfigLoader.load(null, Map.of(), Map.of("node-id", "9", "peers", "1=h:1",
                "initial-cluster-state", "existing"));
        assertThat(join.initialClusterState()).isEqualTo("existing");
    }

    @Test
    void kubernetesModeDerivesIdAndPeersFromThePodName() {
        NodeConfig c = ConfigLoader.load(null, Map.of(), Map.of("kubernetes.stateful-set", "kv",
                "kubernetes.service", "kv-peers", "kubernetes.namespace", "prod", "kubernetes.port", "7001",
                "kubernetes.replicas", "3", "kubernetes.pod-name", "kv-2"));
        NodeConfig.ResolvedIdentity id = c.resolve();
        assertThat(id.nodeId()).isEqualTo(3);
        assertThat(id.advertise().toString()).isEqualTo("kv-2.kv-peers.prod.svc.cluster.local:7001");
        assertThat(id.initialPeers()).extracting(NodeConfig.Peer::id).containsExactly(1L, 2L, 3L);
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(),
                Map.of("kubernetes.stateful-set", "kv", "kubernetes.service", "kv-peers", "kubernetes.namespace",
                        "prod", "kubernetes.port", "7001", "kubernetes.replicas", "3", "kubernetes.pod-name", "other-0")));
        assertThat(bad.problems()).containsExactly("kubernetes.pod-name: 'other-0' is not a pod of stateful set 'kv'"
                + " (from flag --set kubernetes.pod-name)");
    }

    @Test
    void kubernetesModeGivesAFreshIdToEveryNodeThatJoinsAndKeepsARecordedOne() {
        Map<String, String> pod3 = Map.of("kubernetes.stateful-set", "kv", "kubernetes.service", "kv-peers",
                "kubernetes.namespace", "prod", "kubernetes.port", "7001", "kubernetes.replicas", "1",
                "kubernetes.pod-name", "kv-3", "initial-cluster-state", "existing");
        NodeConfig joining = ConfigLoader.load(null, Map.of(), pod3);
        java.util.Iterator<Long> draws = java.util.List.of(5L, -42L).iterator();
        NodeConfig fresh = joining.withKubernetesNodeId(0, draws::next);
        assertThat(fresh.nodeId()).as("an ID that an ordinal could give is drawn again; the sign bit is cleared")
                .isEqualTo(-42L & Long.MAX_VALUE);
        assertThat(fresh.nodeId()).isGreaterThan(NodeConfig.MAX_ORDINAL_ID);
        NodeConfig.ResolvedIdentity id = fresh.resolve();
        assertThat(id.advertise().toString()).as("the address still comes from the pod name")
                .isEqualTo("kv-3.kv-peers.prod.svc.cluster.local:7001");

        assertThat(joining.withKubernetesNodeId(77, () -> 99).nodeId()).as("the data directory's ID wins")
                .isEqualTo(77);

        Map<String, String> pod0 = new java.util.HashMap<>(pod3);
        pod0.put("kubernetes.pod-name", "kv-0");
        pod0.put("initial-cluster-state", "new");
        assertThat(ConfigLoader.load(null, Map.of(), pod0).withKubernetesNodeId(0, () -> 99).nodeId())
                .as("a founding member keeps ordinal + 1, which every founding member can derive").isEqualTo(1);
        pod0.put("initial-cluster-state", "existing");
        assertThat(ConfigLoader.load(null, Map.of(), pod0).withKubernetesNodeId(0, () -> Long.MAX_VALUE).nodeId())
                .as("pod 0 that lost its disk after the cluster exists comes back as a new node")
                .isEqualTo(Long.MAX_VALUE);
        Map<String, String> explicit = new java.util.HashMap<>(pod3);
        explicit.put("node-id", "12");
        assertThat(ConfigLoader.load(null, Map.of(), explicit).withKubernetesNodeId(0, () -> 99).nodeId())
                .isEqualTo(12);
    }

    @Test
    void hostPortParsing() {
        assertThat(HostPort.parse("[::1]:7001").host()).isEqualTo("::1");
        assertThat(HostPort.parse("[::1]:7001").toString()).isEqualTo("[::1]:7001");
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("host:99999"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse(":80"));
        assertThat(List.of(ConfigLoader.envName("snapshot.threshold-entries")))
                .containsExactly("RAFTKV_SNAPSHOT_THRESHOLD_ENTRIES");
    }
}
