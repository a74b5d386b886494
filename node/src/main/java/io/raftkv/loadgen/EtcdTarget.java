package io.raftkv.loadgen;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.StatusRuntimeException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * etcd through its own Java client, jetcd. Each connection is one jetcd client (one gRPC channel); as in etcd's
 * benchmark tool, connection {@code i} goes to endpoint {@code i % endpoints}, so a single-connection run talks to
 * the first endpoint only. etcd forwards writes received by a follower to its leader itself.
 */
final class EtcdTarget implements BenchTarget {
    /** An operation that takes longer than this fails as {@code TIMEOUT} (etcd's benchmark has no limit). */
    private static final long REQUEST_TIMEOUT_SECONDS = 30;
    private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();

    private final String description;
    private final List<Client> clients;
    private final List<TargetConnection> connections;

    private EtcdTarget(String description, List<Client> clients) {
        this.description = description;
        this.clients = clients;
        this.connections = clients.stream().map(c -> (TargetConnection) new Connection(c.getKVClient())).toList();
    }

    static EtcdTarget open(List<BenchTargets.HostAndPort> endpoints, int connections) {
        List<Client> clients = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            BenchTargets.HostAndPort e = endpoints.get(i % endpoints.size());
            // Fail fast when etcd is unreachable (counted as UNAVAILABLE) rather than queueing until it appears.
            clients.add(Client.builder().endpoints("http://" + e.host() + ":" + e.port())
                    .waitForReady(false).connectTimeout(Duration.ofSeconds(5)).build());
        }
        String description = "etcd://" + endpoints.stream().map(Object::toString).collect(Collectors.joining(","));
        return new EtcdTarget(description, clients);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int connections() {
        return connections.size();
    }

    @Override
    public TargetConnection connection(int index) {
        return connections.get(index);
    }

    @Override
    public void close() {
        clients.forEach(Client::close);
    }

    private static final class Connection implements TargetConnection {
        private final KV kv;

        Connection(KV kv) {
            this.kv = kv;
        }

        @Override
        public void put(byte[] key, byte[] value) throws TargetException {
            await(kv.put(ByteSequence.from(key), ByteSequence.from(value)));
        }

        @Override
        public boolean get(byte[] key, ReadConsistency consistency) throws TargetException {
            GetResponse r = await(consistency == ReadConsistency.SERIALIZABLE
                    ? kv.get(ByteSequence.from(key), SERIALIZABLE)
                    : kv.get(ByteSequence.from(key)));
            return r.getCount() > 0;
        }

        @Override
        public CasResult compareAndSwap(byte[] key, long expectedVersion, byte[] newValue) throws TargetException {
            ByteSequence k = ByteSequence.from(key);
            TxnResponse r = await(kv.txn()
                    .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(expectedVersion)))
                    .Then(Op.put(k, ByteSequence.from(newValue), PutOption.DEFAULT))
                    .Else(Op.get(k, GetOption.DEFAULT))
                    .commit());
            if (r.isSucceeded()) {
                // The comparison held in the same transaction, so the put made it exactly one version newer.
                return new CasResult(true, expectedVersion + 1);
            }
            List<GetResponse> gets = r.getGetResponses();
            long current = gets.isEmpty() || gets.get(0).getKvs().isEmpty() ? 0 : gets.get(0).getKvs().get(0).getVersion();
            return new CasResult(false, current);
        }

        private static <T> T await(CompletableFuture<T> future) throws TargetException {
            try {
                return future.get(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.cancel(true);
                throw new TargetException("INTERRUPTED", "interrupted while waiting for etcd", e);
            } catch (TimeoutException e) {
                future.cancel(true);
                throw new TargetException("TIMEOUT", "no answer from etcd in " + REQUEST_TIMEOUT_SECONDS + " s", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw new TargetException(kindOf(cause), String.valueOf(cause.getMessage()), cause);
            }
        }

        private static String kindOf(Throwable t) {
            if (t instanceof EtcdException ee) {
                return ee.getErrorCode().name();
            }
            if (t instanceof StatusRuntimeException se) {
                return se.getStatus().getCode().name();
            }
            return t.getClass().getSimpleName();
        }
    }
}
