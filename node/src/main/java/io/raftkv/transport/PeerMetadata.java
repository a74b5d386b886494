package io.raftkv.transport;

import io.grpc.Metadata;

/** The gRPC metadata every peer call carries (see the Peer service in raftkv.proto). */
final class PeerMetadata {
    static final Metadata.Key<String> CLUSTER = Metadata.Key.of("raftkv-cluster", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> FROM_ID = Metadata.Key.of("raftkv-from-id", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> FROM_ADDRESS =
            Metadata.Key.of("raftkv-from-address", Metadata.ASCII_STRING_MARSHALLER);

    private PeerMetadata() {
    }

    static Metadata of(String cluster, long fromId, String fromAddress) {
        Metadata md = new Metadata();
        md.put(CLUSTER, cluster);
        md.put(FROM_ID, Long.toString(fromId));
        md.put(FROM_ADDRESS, fromAddress);
        return md;
    }
}
