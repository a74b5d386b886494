package io.raftkv.runtime;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkv.raft.Membership;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.Role;
import io.raftkv.raft.message.Message;
import io.raftkv.transport.FaultInjector;
import io.raftkv.transport.PeerDirectory;
import io.raftkv.transport.PeerService;
import io.raftkv.transport.PeerTransport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** Runtimes over the real gRPC peer transport on loopback, sharing one fault injector. */
final class LoopbackCluster implements AutoCloseable {

    final class Node {
        final long id;
        final MemoryRaftStorage storage;
        final Server server;
        final AtomicReference<Consumer<Message>> inbound = new AtomicReference<>(m -> { });
        ListStateMachine sm;
        PeerTransport transport;
        RaftRuntime runtime;

        Node(long id) throws IOException {
            this.id = id;
            this.storage = new MemoryRaftStorage();
            this.server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .permitKeepAliveTime(5, java.util.concurrent.TimeUnit.SECONDS)
                    .addService(ServerInterceptors.intercept(new PeerService(id, m -> inbound.get().accept(m), faults),
                            PeerService.interceptor("test", directory, this::heardFrom)))
                    .build().start();
        }

        private void heardFrom(long peer) {
            PeerTransport t = transport;
            if (t != null) {
                t.heardFrom(peer);
            }
        }

        void start(Membership bootstrap) throws IOException {
            sm = new ListStateMachine();
            transport = new PeerTransport(id, address(id), "test", directory, faults, new SimpleMeterRegistry());
            RaftConfig cfg = RaftConfig.defaults(id, id * 7919).withTicks(10, 1);
            runtime = RaftRuntime.start(cfg, options, storage, sm, transport, bootstrap, m -> { },
                    new RuntimeMetrics(new SimpleMeterRegistry()), e -> { });
            inbound.set(runtime::step);
        }

        /** Stops the node abruptly (no leadership transfer); its storage survives for a restart. */
        void crash() {
            inbound.set(m -> { });
            runtime.close(Duration.ZERO);
            transport.close();
        }

        boolean running() {
            return runtime != null && inbound.get() != null;
        }
    }

    final FaultInjector faults = new FaultInjector();
    final PeerDirectory directory = new PeerDirectory();
    final RuntimeOptions options;
    final Map<Long, Node> nodes = new HashMap<>();
    final Set<Long> crashed = new LinkedHashSet<>();

    LoopbackCluster(int size, RuntimeOptions options) throws IOException {
        this.options = options;
        for (long id = 1; id <= size; id++) {
            Node n = new Node(id);
            nodes.put(id, n);
            directory.put(id, "127.0.0.1:" + n.server.getPort());
        }
        Membership initial = Membership.ofVoters(nodes.keySet());
        for (Node n : nodes.values()) {
            n.start(initial);
        }
    }

    String address(long id) {
        return directory.address(id);
    }

    Node node(long id) {
        return nodes.get(id);
    }

    /** The leader as the live nodes see it, if exactly one live node leads. */
    Node leader() {
        List<Node> leaders = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (!crashed.contains(n.id) && n.runtime.view().role() == Role.LEADER) {
                leaders.add(n);
            }
        }
        return leaders.size() == 1 ? leaders.get(0) : null;
    }

    void crash(long id) {
        crashed.add(id);
        nodes.get(id).crash();
    }

    void restart(long id) throws IOException {
        nodes.get(id).start(null);
        crashed.remove(id);
    }

    @Override
    public void close() {
        for (Node n : nodes.values()) {
            if (!crashed.contains(n.id)) {
                n.crash();
            }
            n.server.shutdownNow();
        }
    }
}
