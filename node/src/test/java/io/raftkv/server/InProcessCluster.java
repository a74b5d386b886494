package io.raftkv.server;

import io.raftkv.client.RaftKvClient;
import io.raftkv.config.NodeConfig;
import io.raftkv.raft.Role;
import io.raftkv.runtime.MemoryRaftStorage;
import io.raftkv.storage.RaftStorage;
import io.raftkv.transport.FaultInjector;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * Nodes of one cluster in this JVM, talking real gRPC on loopback ports, with a shared fault injector between
 * peers and in-memory storage that survives a "crash" (so a restarted node recovers from it).
 */
public final class InProcessCluster implements AutoCloseable {

    public final FaultInjector faults = new FaultInjector();
    final Map<Long, RaftStorage> storages = new LinkedHashMap<>();
    final Map<Long, NodeConfig> configs = new LinkedHashMap<>();
    public final Map<Long, RaftKvNode> nodes = new LinkedHashMap<>();
    /** Raise a node's disk alarm by adding its ID here. */
    public final java.util.Set<Long> diskFull = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final List<Throwable> fatalErrors = new CopyOnWriteArrayList<>();
    private final List<RaftKvClient> clients = new ArrayList<>();
    private final UnaryOperator<NodeConfig> tweak;

    public InProcessCluster(int size) throws IOException {
        this(size, c -> c);
    }

    public InProcessCluster(int size, UnaryOperator<NodeConfig> tweak) throws IOException {
        this.tweak = tweak;
        List<NodeConfig.Peer> peers = new ArrayList<>();
        for (long id = 1; id <= size; id++) {
            peers.add(new NodeConfig.Peer(id, "127.0.0.1:" + freePort()));
        }
        for (NodeConfig.Peer p : peers) {
            configs.put(p.id(), config(p.id(), p.address(), peers, "new"));
        }
        for (long id : configs.keySet()) {
            start(id);
        }
    }

    private NodeConfig config(long id, String address, List<NodeConfig.Peer> peers, String state) {
        NodeConfig d = NodeConfig.defaults();
        return tweak.apply(new NodeConfig("test", id, address, address, "", "unused", state, peers, null, "info",
                new NodeConfig.Raft(20, 10, 1, 64), d.snapshot(), d.limits(), d.disk()));
    }

    /** Test ports come from below Linux's ephemeral range (32768+), so no outgoing connection can take one. */
    private static final int PORT_BASE = 20_000;
    private static final int PORT_SPAN = 10_000; // 20000-29999: below NodePorts (30000+) and ephemeral ports
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
            new java.util.concurrent.atomic.AtomicInteger((int) (ProcessHandle.current().pid() * 7919 % PORT_SPAN));

    /**
     * A port free right now on loopback, never handed out twice by this JVM. Asking the kernel for port 0
     * instead would return an ephemeral port that a client connection may grab before a child process binds it.
     */
    public static int freePort() throws IOException {
        return freePorts(1);
    }

    /** The first of {@code count} consecutive ports, all free right now and never handed out before by this JVM. */
    public static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < PORT_SPAN; attempt++) {
            int base = PORT_BASE + Math.floorMod(NEXT_PORT.getAndAdd(count), PORT_SPAN - count);
            if (allBindable(base, count)) {
                return base;
            }
        }
        throw new IOException("no " + count + " free loopback ports in " + PORT_BASE + "-" + (PORT_BASE + PORT_SPAN));
    }

    private static boolean allBindable(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            } catch (IOException inUse) {
                return false;
            }
        }
        return true;
    }

    public RaftKvNode start(long id) throws IOException {
        RaftStorage storage = storages.computeIfAbsent(id, k -> new MemoryRaftStorage());
        RaftKvNode node = RaftKvNode.start(configs.get(id), storage, faults, () -> diskFull.contains(id),
                fatalErrors::add);
        nodes.put(id, node);
        return node;
    }

    /** Adds a node that joins the running cluster (initial-cluster-state: existing); it is not a member yet. */
    public RaftKvNode startJoining(long id) throws IOException {
        String address = "127.0.0.1:" + freePort();
        configs.put(id, config(id, address, List.of(), "existing"));
        return start(id);
    }

    /** Stops a node at once, without handing over leadership: like SIGKILL, but its storage survives. */
    public void crash(long id) {
        RaftKvNode n = nodes.remove(id);
        if (n != null) {
            n.close(Duration.ZERO);
        }
    }

    public RaftKvNode node(long id) {
        return nodes.get(id);
    }

    public String address(long id) {
        return configs.get(id).advertise();
    }

    public List<String> endpoints() {
        return configs.values().stream().map(NodeConfig::advertise).toList();
    }

    public RaftKvClient client() {
        RaftKvClient c = new RaftKvClient(endpoints(), RaftKvClient.Options.defaults().withDeadline(Duration.ofSeconds(15)));
        clients.add(c);
        return c;
    }

    /** The single live node that considers itself leader and that the others follow. */
    public RaftKvNode awaitLeader() {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10)).until(() -> leaderOrNull() != null);
        return leaderOrNull();
    }

    public RaftKvNode leaderOrNull() {
        RaftKvNode leader = null;
        for (RaftKvNode n : nodes.values()) {
            if (n.runtime().view().role() == Role.LEADER) {
                if (leader != null) {
                    return null;
                }
                leader = n;
            }
        }
        return leader;
    }

    public List<RaftKvNode> followers() {
        RaftKvNode leader = awaitLeader();
        return nodes.values().stream().filter(n -> n != leader).toList();
    }

    @Override
    public void close() {
        clients.forEach(RaftKvClient::close);
        for (long id : new ArrayList<>(nodes.keySet())) {
            crash(id);
        }
        if (!fatalErrors.isEmpty()) {
            throw new AssertionError("a node hit a fatal error", fatalErrors.get(0));
        }
    }
}
