package io.raftkv.operator.raft;

/** Where a node's admin API listens; {@code pod} names the pod for messages and for test doubles. */
public record AdminEndpoint(String pod, String host, int port) {

    @Override
    public String toString() {
        return pod + "(" + host + ":" + port + ")";
    }
}
