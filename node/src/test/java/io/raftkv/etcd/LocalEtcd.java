package io.raftkv.etcd;

import io.raftkv.server.InProcessCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A one-member etcd (Debian's etcd-server) on loopback ports, for differential tests; stopped by close. */
final class LocalEtcd implements AutoCloseable {

    final String endpoint;
    private final Process process;

    private LocalEtcd(String endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    static boolean installed(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Starts etcd with its data under {@code dir} and waits until it answers. */
    static LocalEtcd start(Path dir) throws IOException {
        int client = InProcessCluster.freePorts(2);
        String endpoint = "127.0.0.1:" + client;
        String peer = "http://127.0.0.1:" + (client + 1);
        Process p = new ProcessBuilder("etcd", "--name", "e1", "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", "http://" + endpoint, "--advertise-client-urls", "http://" + endpoint,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "e1=" + peer)
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        LocalEtcd etcd = new LocalEtcd(endpoint, p);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Process check = new ProcessBuilder("etcdctl", "--endpoints", endpoint, "endpoint", "health")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return check.waitFor(20, TimeUnit.SECONDS) && check.exitValue() == 0;
            });
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
        return etcd;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
