package io.raftkv.replica.harness;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** How the harness talks to replica processes: the original simulator's SEQPACKET sockets, or the newer UDP. */
interface SimulatorTransport extends Closeable {

    /** What a replica connecting or sending a packet looks like to the harness. */
    interface Handler {
        void connected(String rid) throws IOException;

        void packet(String rid, byte[] packet) throws IOException;

        void closed(String rid);
    }

    /** Prepares to receive replica {@code rid} (before its process starts). */
    void expect(String rid) throws IOException;

    /** The replica's command line after the program name. */
    List<String> arguments(String rid, List<String> others);

    /** Waits up to {@code timeoutNanos} and reports what arrived. */
    void poll(long timeoutNanos, Handler handler) throws IOException;

    /** Returns false if the replica cannot be reached. */
    boolean send(String rid, byte[] packet);

    /** Forgets a killed replica. */
    void drop(String rid);

    static SimulatorTransport create(String kind, Path workDir) throws IOException {
        return switch (kind) {
            case "seqpacket" -> new SeqpacketTransport(workDir);
            case "udp" -> new UdpTransport();
            default -> throw new IllegalArgumentException("unknown transport " + kind + " (seqpacket or udp)");
        };
    }
}
