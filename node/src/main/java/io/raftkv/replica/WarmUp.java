package io.raftkv.replica;

import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFUNIXDatagramSocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A short training run for the class-data-sharing archive the launcher builds ({@code kvstore --warm-up} under
 * {@code -XX:ArchiveClassesAtExit}): three engines in this process elect a leader and serve a few puts and gets
 * over an in-memory network, and a SEQPACKET socket is opened, so that the classes a replica needs in its
 * first second are loaded once here rather than in every launch.
 */
final class WarmUp {
    private static final long MS = 1_000_000;

    private WarmUp() {
    }

    static void run() throws IOException {
        AFUNIXDatagramSocket.newInstance(AFSocketType.SOCK_SEQPACKET).close();
        List<String> names = List.of("0000", "0001", "0002");
        Map<String, ReplicaEngine> engines = new LinkedHashMap<>();
        for (String n : names) {
            List<String> others = names.stream().filter(o -> !o.equals(n)).toList();
            engines.put(n, new ReplicaEngine(new ReplicaIds(n, others), ReplicaSettings.defaults(),
                    n.hashCode()));
        }
        ArrayDeque<Outbound> wire = new ArrayDeque<>();
        long now = 0;
        int answers = 0;
        for (int step = 0; step < 4000 && answers < 20; step++) {
            now += MS;
            for (ReplicaEngine e : engines.values()) {
                wire.addAll(e.tick(now));
            }
            if (step % 100 == 50) {
                String mid = "W" + step;
                String req = step % 200 == 50
                        ? "{\"src\":\"0010\",\"dst\":\"0000\",\"leader\":\"FFFF\",\"type\":\"put\",\"MID\":\"" + mid
                                + "\",\"key\":\"k\",\"value\":\"v" + step + "\"}"
                        : "{\"src\":\"0010\",\"dst\":\"0000\",\"leader\":\"FFFF\",\"type\":\"get\",\"MID\":\"" + mid
                                + "\",\"key\":\"k\"}";
                for (ReplicaEngine e : engines.values()) {
                    wire.addAll(e.receive(req.getBytes(StandardCharsets.UTF_8), now));
                }
            }
            while (!wire.isEmpty()) {
                Outbound o = wire.poll();
                ReplicaEngine to = engines.get(o.dst());
                if (to != null) {
                    wire.addAll(to.receive(o.packet(), now));
                } else {
                    answers++;
                }
            }
        }
    }
}
