package io.raftkv.replica;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replica mode's entry point, run by the {@code kvstore} launcher:
 * <pre>
 *   kvstore &lt;my ID&gt; &lt;other ID&gt;...                      the simulator's SOCK_SEQPACKET socket ./&lt;my ID&gt;
 *   kvstore &lt;simulator UDP port&gt; &lt;my ID&gt; &lt;other ID&gt;...  UDP on localhost, announced with a hello
 * </pre>
 * The first argument is a port when it is not a four-hex-digit ID, or when no socket of that name exists in the
 * working directory (a four-digit port such as 4730 is also a valid ID). One thread runs the
 * {@link ReplicaEngine} on the monotonic clock and waits for packets with a selector.
 */
public final class ReplicaMain {
    private ReplicaMain() {
    }

    public static void main(String[] args) {
        try {
            if (args.length == 1 && args[0].equals("--warm-up")) {
                WarmUp.run();
                return;
            }
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("kvstore: " + e.getMessage());
            System.err.println("usage: kvstore <my ID> <other ID>...   or   kvstore <simulator UDP port> <my ID> <other ID>...");
            System.exit(2);
        } catch (IOException e) {
            System.err.println("kvstore: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("need this replica's ID and at least one other");
        }
        boolean udp = !ReplicaIds.isValid(args[0]) || !Files.exists(Path.of(args[0]));
        if (udp && ReplicaIds.isValid(args[0]) && args.length < 3) {
            throw new IllegalArgumentException("no socket ./" + args[0] + " in " + Path.of("").toAbsolutePath()
                    + ", and too few arguments for '<port> <my ID> <other ID>...'");
        }
        List<String> rest = Arrays.asList(args).subList(udp ? 1 : 0, args.length);
        ReplicaIds ids = new ReplicaIds(rest.get(0), rest.subList(1, rest.size()));
        // The launcher connected before this JVM started (connect first, load later): see kvstore.
        boolean inherited = "inherited".equals(System.getProperty("kvstore.link"));
        PacketLink link;
        if (udp) {
            int port;
            try {
                port = Integer.parseInt(args[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + args[0] + "' is neither a replica ID nor a UDP port");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("UDP port " + port + " out of range");
            }
            link = inherited ? UdpLink.adoptStandardInput(port) : UdpLink.open(port, ids.self());
        } else {
            link = inherited ? SeqpacketLink.adoptStandardInput() : SeqpacketLink.connect(Path.of(ids.self()));
        }
        long seed = System.nanoTime() ^ ProcessHandle.current().pid() * 0x9E3779B97F4A7C15L;
        ReplicaSettings settings = ReplicaSettings.defaults();
        if (!inherited) {
            // This JVM connected by itself, and so may its peers: they can need seconds on a busy machine.
            settings = settings.withStartupQuietNanos(ReplicaSettings.JVM_CONNECT_QUIET_NANOS);
        }
        if ("readindex".equals(System.getProperty("kvstore.reads"))) {
            settings = settings.withLeaseReads(false); // every get confirms leadership with a ReadIndex round
        }
        ReplicaEngine engine = new ReplicaEngine(ids, settings, seed);
        serve(engine, link, LaunchTime.launchNanos());
    }

    /** Feeds the engine until the link closes: packets as they arrive, ticks when it asks for them. */
    static void serve(ReplicaEngine engine, PacketLink link, long launchNanos) throws IOException {
        try (link) {
            sendAll(link, engine.tick(launchNanos));
            List<byte[]> arrived = new ArrayList<>();
            while (true) {
                long wait = engine.nextDeadlineNanos() - System.nanoTime();
                if (!link.poll(wait, arrived::add)) {
                    return;
                }
                for (byte[] packet : arrived) {
                    sendAll(link, engine.receive(packet, System.nanoTime()));
                }
                arrived.clear();
                sendAll(link, engine.tick(System.nanoTime()));
            }
        }
    }

    private static void sendAll(PacketLink link, List<Outbound> out) throws IOException {
        for (Outbound o : out) {
            link.send(o.packet());
        }
    }
}
