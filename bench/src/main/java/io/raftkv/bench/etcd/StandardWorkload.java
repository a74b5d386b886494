package io.raftkv.bench.etcd;

import java.util.List;
import java.util.Optional;

/**
 * The five workloads of the comparison, as etcd's benchmark documentation states its figures: 8-byte keys,
 * 256-byte values. {@code id} names the result files ({@code <system>_<id>_r<round>.json}); the comparison
 * script passes {@code args} to {@code raftkv bench}. Both systems are driven by the same load generator, but not
 * through the same client library (RaftKV through its own Java client, etcd through jetcd), so no RaftKV/etcd goal
 * is judged on these runs: see {@link ComparisonTable}.
 */
public record StandardWorkload(String id, String label, String args) {

    public static final List<StandardWorkload> ALL = List.of(
            new StandardWorkload("a-put-seq", "(a) put, 1 client", "put --clients 1 --conns 1"),
            new StandardWorkload("b-put", "(b) put, 64 clients", "put --clients 64 --conns 8"),
            new StandardWorkload("c-get-l", "(c) get lin., 64", "get --consistency l --clients 64 --conns 8"),
            new StandardWorkload("d-get-s", "(d) get ser., 64", "get --consistency s --clients 64 --conns 8"),
            new StandardWorkload("e-mixed", "(e) mixed 90% get", "mixed --read-ratio 0.9 --clients 64 --conns 8"));

    public static Optional<StandardWorkload> byId(String id) {
        return ALL.stream().filter(w -> w.id.equals(id)).findFirst();
    }
}
