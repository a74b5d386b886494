package io.raftkv.replica;

import java.nio.charset.StandardCharsets;

/**
 * One message a replica sends: to a peer replica, or an answer to a client. {@code packet} is the complete
 * JSON object, already checked against the simulator's size limit.
 */
public record Outbound(String dst, boolean toPeer, byte[] packet) {
    @Override
    public String toString() {
        return "Outbound[" + dst + " " + new String(packet, StandardCharsets.UTF_8) + "]";
    }
}
