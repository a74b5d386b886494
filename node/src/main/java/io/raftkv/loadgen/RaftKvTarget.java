package io.raftkv.loadgen;

import com.google.protobuf.ByteString;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import io.raftkv.grpc.proto.CompareAndSwapResponse;
import io.raftkv.grpc.proto.Consistency;

import java.util.ArrayList;
import java.util.List;

/**
 * RaftKV through its Java client ({@code raftkv://host:port[,…]}): each connection is one client (its own
 * channels, leader cache and exactly-once sessions), so retries and leader redirects count in the latency, as an
 * application would see them.
 */
final class RaftKvTarget implements BenchTarget {
    private final String description;
    private final List<RaftKvClient> clients = new ArrayList<>();

    private RaftKvTarget(String description, List<String> endpoints, int connections) {
        this.description = description;
        for (int i = 0; i < connections; i++) {
            clients.add(new RaftKvClient(endpoints));
        }
    }

    static RaftKvTarget open(List<BenchTargets.HostAndPort> endpoints, int connections) {
        List<String> list = endpoints.stream().map(BenchTargets.HostAndPort::toString).toList();
        return new RaftKvTarget("raftkv://" + String.join(",", list), list, connections);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int connections() {
        return clients.size();
    }

    @Override
    public TargetConnection connection(int index) {
        RaftKvClient c = clients.get(index);
        return new TargetConnection() {
            @Override
            public void put(byte[] key, byte[] value) throws TargetException {
                try {
                    c.put(ByteString.copyFrom(key), ByteString.copyFrom(value));
                } catch (RaftKvException e) {
                    throw failure(e);
                }
            }

            @Override
            public boolean get(byte[] key, ReadConsistency consistency) throws TargetException {
                try {
                    return c.get(ByteString.copyFrom(key), consistency == ReadConsistency.SERIALIZABLE
                            ? Consistency.SERIALIZABLE : Consistency.LINEARIZABLE).getFound();
                } catch (RaftKvException e) {
                    throw failure(e);
                }
            }

            @Override
            public CasResult compareAndSwap(byte[] key, long expectedVersion, byte[] newValue)
                    throws TargetException {
                try {
                    CompareAndSwapResponse r = c.casVersion(ByteString.copyFrom(key), expectedVersion,
                            ByteString.copyFrom(newValue));
                    return new CasResult(r.getSucceeded(), r.hasKv() ? r.getKv().getVersion() : 0);
                } catch (RaftKvException e) {
                    throw failure(e);
                }
            }
        };
    }

    private static TargetException failure(RaftKvException e) {
        return new TargetException(e.reason().isEmpty() ? e.code().name() : e.reason(), e.getMessage(), e);
    }

    @Override
    public void close() {
        clients.forEach(RaftKvClient::close);
    }
}
