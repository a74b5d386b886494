package io.raftkv.loadgen;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The etcd target through jetcd against a real single-member etcd on loopback (Debian's etcd-server), which
 * also proves jetcd runs on the project's grpc. Skipped where no etcd binary is installed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdTargetTest {
    private static final Path ETCD = Path.of(System.getProperty("etcd.binary", "/usr/bin/etcd"));

    @TempDir
    static Path dataDir;
    private static Process etcd;
    private static String endpoint;

    @BeforeAll
    static void startEtcd() throws Exception {
        assumeTrue(Files.isExecutable(ETCD), "no etcd at " + ETCD + " (apt-get install etcd-server); skipped");
        int client = freePort();
        int peer = freePort();
        endpoint = "127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        etcd = new ProcessBuilder(ETCD.toString(), "--name", "t", "--data-dir", dataDir.resolve("etcd").toString(),
                "--listen-client-urls", "http://" + endpoint, "--advertise-client-urls", "http://" + endpoint,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "t=" + peerUrl, "--log-level", "error")
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("etcd.log").toFile()).start();
        // Ready when a put goes through (the target's own retries cover the first connection attempts).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (BenchTarget t = BenchTargets.open("etcd://" + endpoint, 1)) {
            while (true) {
                try {
                    t.connection(0).put(new byte[] {1}, new byte[] {1});
                    return;
                } catch (TargetException e) {
                    if (System.nanoTime() > deadline || !etcd.isAlive()) {
                        throw new IllegalStateException("etcd did not start: " + Files.readString(
                                dataDir.resolve("etcd.log")), e);
                    }
                }
            }
        }
    }

    @AfterAll
    static void stopEtcd() throws InterruptedException {
        if (etcd != null) {
            etcd.destroy();
            if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
                etcd.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        return io.raftkv.server.InProcessCluster.freePort();
    }

    @Test
    void putGetAndCompareAndSwapFollowEtcdVersions() throws Exception {
        try (BenchTarget t = BenchTargets.open("etcd://" + endpoint, 2)) {
            TargetConnection c = t.connection(1);
            byte[] key = "cas-key".getBytes();
            assertThat(c.get(key, ReadConsistency.LINEARIZABLE)).isFalse();
            assertThat(c.compareAndSwap(key, 0, new byte[] {1})).isEqualTo(new CasResult(true, 1));
            assertThat(c.compareAndSwap(key, 0, new byte[] {2})).isEqualTo(new CasResult(false, 1));
            c.put(key, new byte[] {3});
            assertThat(c.compareAndSwap(key, 1, new byte[] {4})).isEqualTo(new CasResult(false, 2));
            assertThat(c.compareAndSwap(key, 2, new byte[] {5})).isEqualTo(new CasResult(true, 3));
            assertThat(c.get(key, ReadConsistency.LINEARIZABLE)).isTrue();
            assertThat(c.get(key, ReadConsistency.SERIALIZABLE)).isTrue();
        }
    }

    @Test
    void aShortRunOfEachWorkloadSucceeds() {
        for (Workload w : Workload.values()) {
            BenchOptions o = BenchOptions.builder().target("etcd://" + endpoint).workload(w).clients(8)
                    .connections(2).totalOps(200).keySpace(50).prefill(w != Workload.PUT).build();
            BenchReport r = LoadGenerator.run(o, ProgressListener.NONE);
            assertThat(r.errors()).as(w.name()).isEmpty();
            assertThat(r.operations()).as(w.name()).isEqualTo(200);
            assertThat(r.target()).isEqualTo("etcd://" + endpoint);
        }
    }

    @Test
    void anUnreachableEtcdFailsOperationsWithAKind() throws Exception {
        int closed = freePort();
        BenchOptions o = BenchOptions.builder().target("etcd://127.0.0.1:" + closed).totalOps(2).build();
        BenchReport r = LoadGenerator.run(o, ProgressListener.NONE);
        assertThat(r.operations()).isZero();
        assertThat(r.errorCount()).isEqualTo(2);
        assertThat(List.copyOf(r.errors().keySet())).allSatisfy(kind -> assertThat(kind).isNotBlank());
    }
}
