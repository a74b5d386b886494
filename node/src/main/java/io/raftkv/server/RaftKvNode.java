package io.raftkv.server;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkv.client.RaftKvClient;
import io.raftkv.config.HostPort;
import io.raftkv.http.HttpApi;
import io.raftkv.config.NodeConfig;
import io.raftkv.etcd.EtcdKvService;
import io.raftkv.etcd.LeaderForwarder;
import io.raftkv.grpc.ClusterService;
import io.raftkv.grpc.KvService;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.metrics.MetricHelp;
import io.raftkv.metrics.PeerHealthMetrics;
import io.raftkv.metrics.ProcessMetrics;
import io.raftkv.metrics.StoreMetrics;
import io.raftkv.raft.Membership;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.Role;
import io.raftkv.runtime.RaftRuntime;
import io.raftkv.runtime.RuntimeMetrics;
import io.raftkv.runtime.RuntimeOptions;
import io.raftkv.storage.RaftStorage;
import io.raftkv.transport.FaultInjector;
import io.raftkv.transport.PeerDirectory;
import io.raftkv.transport.PeerService;
import io.raftkv.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One running RaftKV node: storage, Raft runtime, replicated state machine, peer transport, and the gRPC server
 * that serves the KV, Cluster and Peer services on one port. {@link #close()} is the graceful shutdown: a
 * leader hands over leadership first, then everything is flushed and closed.
 */
public final class RaftKvNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftKvNode.class);
    /** A node is ready once it applied all but this many entries it knows committed. */
    static final long READY_MAX_LAG = 1000;
    /** How long the preStop hook waits for leadership to move (Kubernetes' grace period must cover it). */
    static final Duration PRESTOP_HANDOFF_WAIT = Duration.ofSeconds(5);
    /** How long a starting node looks for enough reachable peers to advance its first election (etcd: 5 s). */
    static final Duration FIRST_ELECTION_PEER_WAIT = Duration.ofSeconds(5);

    private final NodeConfig config;
    private final long id;
    private final String advertise;
    private final RaftStorage storage;
    private final PrometheusMeterRegistry metrics;
    private final PeerDirectory directory;
    private final NodeStateMachine stateMachine;
    private final PeerTransport transport;
    private final RaftRuntime runtime;
    private final ClusterService clusterService;
    private final LeaderForwarder etcdForwarder;
    private final Server grpc;
    private final ScheduledExecutorService housekeeping;
    private final ProcessMetrics processMetrics;
    private final DiskAlarm diskAlarm;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** When this leader last stepped down for its disk alarm (0: not during the current alarm). */
    private volatile long lastAlarmStepDownNanos;
    private static final long ALARM_STEP_DOWN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final RaftKvClient httpClient;
    private final HttpApi http;

    private RaftKvNode(NodeConfig config, RaftStorage storage, FaultInjector faults, DiskAlarm diskAlarm,
                       Consumer<Throwable> fatal) throws IOException {
        this.config = config;
        NodeConfig.ResolvedIdentity identity = config.resolve();
        this.id = identity.nodeId();
        this.advertise = identity.advertise().toString();
        this.storage = storage;
        this.diskAlarm = diskAlarm;
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.config().commonTags("node", Long.toString(id)).meterFilter(new MetricHelp());
        this.processMetrics = ProcessMetrics.bind(metrics);
        this.directory = new PeerDirectory();
        for (NodeConfig.Peer p : identity.initialPeers()) {
            directory.put(p.id(), p.address());
        }
        directory.put(id, advertise);
        this.stateMachine = new NodeStateMachine(
                new KvStateMachine(Duration.ofSeconds(config.limits().sessionTtlSeconds())),
                (peer, address) -> {
                    if (peer != id) {
                        directory.put(peer, address);
                    }
                });
        this.transport = new PeerTransport(id, advertise, config.clusterName(), directory, faults, metrics);

        NodeConfig.Raft r = config.raft();
        int maxCommand = config.limits().maxValueBytes() + config.limits().maxKeyBytes() + (64 << 10);
        RaftConfig raftConfig = RaftConfig.defaults(id, ThreadLocalRandom.current().nextLong())
                .withTicks(r.electionTicks(), r.heartbeatTicks())
                .withMessageLimits(Math.max(1 << 20, maxCommand), 256, 32L << 20, (long) r.maxUncommittedMib() << 20);
        NodeConfig.Snapshot s = config.snapshot();
        RuntimeOptions options = new RuntimeOptions(Duration.ofMillis(r.tickMs()), s.thresholdEntries(),
                Duration.ofSeconds(s.intervalSeconds()), s.retainEntries(), config.limits().maxPendingRequests());
        // Only a founding member bootstraps; any other empty node waits to be added by the cluster's leader (a
        // Kubernetes pod beyond the initial replicas has a fresh ID that is not among the initial peers).
        long self = id;
        boolean founding = "new".equals(config.initialClusterState())
                && identity.initialPeers().stream().anyMatch(p -> p.id() == self);
        Membership bootstrap = founding
                ? Membership.ofVoters(identity.initialPeers().stream().map(NodeConfig.Peer::id).collect(Collectors.toSet()))
                : null;
        RuntimeMetrics runtimeMetrics = new RuntimeMetrics(metrics);
        Gauge.builder("raftkv_disk_alarm", diskAlarm, a -> a.alarmed() ? 1 : 0)
                .description("1 while free space on the data directory is below disk.min-free-mib (writes refused)")
                .register(metrics);
        this.runtime = RaftRuntime.start(raftConfig, options, storage, stateMachine, transport, bootstrap, m -> { },
                runtimeMetrics, fatal);

        KvService.Limits limits = new KvService.Limits(config.limits().maxKeyBytes(), config.limits().maxValueBytes(),
                Duration.ofSeconds(30));
        KvService kvService = new KvService(id, runtime, stateMachine.kv(), limits, directory::address,
                diskAlarm::alarmed, metrics);
        this.clusterService = new ClusterService(config.clusterName(), advertise, runtime, stateMachine.kv(),
                directory::address, diskAlarm::alarmed, Duration.ofSeconds(30));
        // etcd's v3 KV API on the same port, over the same store and commands (docs/etcd-api.md).
        this.etcdForwarder = new LeaderForwarder(id, directory::address);
        EtcdKvService etcdKv = new EtcdKvService(config.clusterName().hashCode() & 0xffffffffL, id, runtime,
                stateMachine.kv(), diskAlarm::alarmed, Duration.ofSeconds(30), etcdForwarder);
        HostPort listen = HostPort.parse(config.listen());
        this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()),
                        InsecureServerCredentials.create())
                .maxInboundMessageSize(2 * maxCommand + (1 << 20))
                // Handlers run on the Netty event loop that read the request: every handler only validates,
                // enqueues to the consensus loop or the apply thread and returns (none blocks), so a hop
                // through gRPC's default executor would only add a thread wake-up per request and per peer
                // message (bench/PROFILING.md, workloads (b) and (c)).
                .directExecutor()
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .addService(kvService)
                .addService(clusterService)
                .addService(ServerInterceptors.intercept(etcdKv, etcdForwarder.interceptor()))
                .addService(ServerInterceptors.intercept(new PeerService(id, runtime::step, faults),
                        PeerService.interceptor(config.clusterName(), directory, transport::heardFrom)))
                .build();
        try {
            grpc.start();
        } catch (IOException e) {
            runtime.close(Duration.ZERO);
            transport.close();
            throw new StartupFailure("cannot listen on " + config.listen() + " (listen): " + e.getMessage(), e);
        }
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(t -> {
            Thread th = new Thread(t, "raft-" + id + "-housekeeping");
            th.setDaemon(true);
            return th;
        });
        housekeeping.scheduleWithFixedDelay(this::recordMissingAddresses, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(this::stepDownOnDiskAlarm, 1, 1, TimeUnit.SECONDS);
        StoreMetrics.bind(metrics, stateMachine.kv()::keyCount, Path.of(config.dataDir()));
        PeerHealthMetrics peerHealth = new PeerHealthMetrics(metrics, id, () -> runtime.membership().members(),
                transport::connected, runtime::status);
        housekeeping.scheduleWithFixedDelay(peerHealth::refresh, 0, 1, TimeUnit.SECONDS);
        ElectionClockAdvance firstElection = new ElectionClockAdvance(id, runtime::view, runtime::membership,
                transport::connected, runtime::advanceElectionClock, r.electionTicks(),
                (int) (FIRST_ELECTION_PEER_WAIT.toMillis() / r.tickMs()));
        housekeeping.execute(new Runnable() {
            @Override
            public void run() {
                if (!firstElection.attempt()) {
                    housekeeping.schedule(this, r.tickMs(), TimeUnit.MILLISECONDS);
                }
            }
        });
        if (config.http() != null && !config.http().isBlank()) {
            List<String> endpoints = new ArrayList<>();
            endpoints.add(advertise);
            directory.all().values().stream().filter(a -> !a.equals(advertise)).forEach(endpoints::add);
            this.httpClient = new RaftKvClient(endpoints);
            try {
                this.http = new HttpApi(config.http(), httpClient,
                        new HttpApi.Limits(config.limits().maxKeyBytes(), config.limits().maxValueBytes()),
                        () -> ready(READY_MAX_LAG), this::describe,
                        () -> runtime.handOffLeadership(PRESTOP_HANDOFF_WAIT), metrics);
            } catch (IOException e) {
                close(Duration.ZERO);
                throw new StartupFailure("cannot listen on " + config.http() + " (http): " + e.getMessage(), e);
            }
            log.info("node {} serving HTTP on {}", id, config.http());
        } else {
            this.httpClient = null;
            this.http = null;
        }
        log.info("node {} of cluster '{}' serving gRPC on {} (advertised as {})", id, config.clusterName(),
                config.listen(), advertise);
    }

    /**
     * Starts a node on the given storage.
     *
     * @param fatal told about an unrecoverable error (a failed fsync): the caller must stop the process
     */
    public static RaftKvNode start(NodeConfig config, RaftStorage storage, FaultInjector faults, DiskAlarm diskAlarm,
                                   Consumer<Throwable> fatal) throws IOException {
        return new RaftKvNode(config.requireValid(), storage, faults, diskAlarm, fatal);
    }

    /**
     * The leader makes sure the replicated address book names every member, so that members added later (which
     * know only what the log tells them) can reach the founding members too.
     */
    private void recordMissingAddresses() {
        try {
            if (runtime.view().role() != Role.LEADER) {
                return;
            }
            Map<Long, String> book = stateMachine.addresses();
            Set<Long> members = runtime.membership().members();
            for (long member : members) {
                String known = directory.address(member);
                if (known != null && !known.equals(book.get(member))) {
                    runtime.propose(NodeStateMachine.addressCommand(member, known));
                }
            }
        } catch (RuntimeException e) {
            log.debug("address book check failed: {}", e.toString());
        }
    }

    /**
     * A leader whose disk is (nearly) full hands leadership to the most up-to-date voter. If it is elected again
     * (the others are full too, or the hand-over was lost), it stays leader and refuses writes for a while before
     * trying again, rather than leaving the cluster without a leader.
     */
    private void stepDownOnDiskAlarm() {
        try {
            if (!diskAlarm.alarmed()) {
                lastAlarmStepDownNanos = 0;
            } else if (runtime.view().role() == Role.LEADER && runtime.membership().voters().size() > 1
                    && (lastAlarmStepDownNanos == 0 || System.nanoTime() - lastAlarmStepDownNanos > ALARM_STEP_DOWN_EVERY_NANOS)) {
                log.warn("disk alarm on the leader: handing leadership over");
                lastAlarmStepDownNanos = System.nanoTime();
                runtime.stepDown();
            }
        } catch (RuntimeException e) {
            log.warn("disk alarm check failed: {}", e.toString());
        }
    }

    public long id() {
        return id;
    }

    public String advertise() {
        return advertise;
    }

    /** The port the gRPC server listens on. */
    public int grpcPort() {
        return grpc.getPort();
    }

    public RaftRuntime runtime() {
        return runtime;
    }

    public NodeStateMachine stateMachine() {
        return stateMachine;
    }

    public PeerDirectory directory() {
        return directory;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public NodeConfig config() {
        return config;
    }

    public DiskAlarm diskAlarm() {
        return diskAlarm;
    }

    /** The HTTP port, or -1 if HTTP is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /**
     * One line about this node's Raft state, for /readyz and logs. It names the process and the cluster too, so
     * that {@code raftkv local} can tell the node it started from anything else answering on the same port.
     */
    public String describe() {
        RaftRuntime.View v = runtime.view();
        return "node " + id + " pid " + ProcessHandle.current().pid() + " cluster " + config.clusterName()
                + " role " + v.role() + " term " + v.term() + " leader " + v.leader() + " commit "
                + v.commitIndex() + " applied " + runtime.appliedIndex()
                + (runtime.membership().isMember(id) ? "" : " (not a member yet)");
    }

    /**
     * Ready to serve: a member of a cluster whose leader it knows, and caught up with what it knows committed
     * (apply lag at most {@code maxLag} entries).
     */
    public boolean ready(long maxLag) {
        RaftRuntime.View v = runtime.view();
        return v.leader() != io.raftkv.raft.RaftNode.NONE && runtime.membership().isMember(id)
                && v.commitIndex() - runtime.appliedIndex() <= maxLag;
    }

    /** Graceful stop: leadership handed over first (if leader), then gRPC, runtime, transport and storage. */
    @Override
    public void close() {
        close(Duration.ofSeconds(3));
    }

    /** Stops; with a zero {@code transferWait} it stops at once, like a crash that happens to flush. */
    public void close(Duration transferWait) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        housekeeping.shutdownNow();
        if (http != null) {
            http.close();
            httpClient.close();
        }
        runtime.close(transferWait);
        transport.close();
        // Peers' replication streams into this server never end on their own: give client calls in flight a
        // moment to finish, then cut the rest.
        grpc.shutdown();
        try {
            if (transferWait.isZero() || !grpc.awaitTermination(300, TimeUnit.MILLISECONDS)) {
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            grpc.shutdownNow();
        }
        clusterService.close();
        etcdForwarder.close();
        try {
            storage.close();
        } catch (IOException e) {
            log.warn("closing storage failed: {}", e.toString());
        }
        processMetrics.close();
        metrics.close();
        log.info("node {} stopped", id);
    }
}
