package io.raftkv.bench.etcd;

import java.util.List;
import java.util.Optional;

/**
 * The five workloads of the comparison, as etcd's benchmark documentation states its figures: 8-byte keys,
 * 256-byte values. {@code id} names the result files ({@code <system>_<id>_r<round>.json}); the comparison
 * script passes {@code args} to {@code raftkv bench}.
 *
 * @param goal what issue 6 asks of RaftKV on this workload, for the table; empty if nothing
 */
public record StandardWorkload(String id, String label, String args, Optional<Goal> goal) {

    /** A target ratio RaftKV/etcd for one metric. */
    public record Goal(Metric metric, double ratio) {
        public boolean met(double raftkvOverEtcd) {
            return metric.higherIsBetter() ? raftkvOverEtcd >= ratio : raftkvOverEtcd <= ratio;
        }

        public String describe() {
            return metric.label + (metric.higherIsBetter() ? " ≥ " : " ≤ ") + ratio + "× etcd";
        }
    }

    public enum Metric {
        THROUGHPUT("throughput"), P50("p50"), P99("p99");

        final String label;

        Metric(String label) {
            this.label = label;
        }

        boolean higherIsBetter() {
            return this == THROUGHPUT;
        }
    }

    public static final List<StandardWorkload> ALL = List.of(
            new StandardWorkload("a-put-seq", "(a) put, 1 client",
                    "put --clients 1 --conns 1", Optional.of(new Goal(Metric.P50, 1.2))),
            new StandardWorkload("b-put", "(b) put, 64 clients",
                    "put --clients 64 --conns 8", Optional.of(new Goal(Metric.THROUGHPUT, 1.0))),
            new StandardWorkload("c-get-l", "(c) get lin., 64",
                    "get --consistency l --clients 64 --conns 8", Optional.of(new Goal(Metric.THROUGHPUT, 1.0))),
            new StandardWorkload("d-get-s", "(d) get ser., 64",
                    "get --consistency s --clients 64 --conns 8", Optional.of(new Goal(Metric.THROUGHPUT, 1.0))),
            new StandardWorkload("e-mixed", "(e) mixed 90% get",
                    "mixed --read-ratio 0.9 --clients 64 --conns 8", Optional.empty()));

    /** The write workload whose p99 must also stay at or below etcd's. */
    public static final String WRITE_P99_WORKLOAD = "b-put";

    public static Optional<StandardWorkload> byId(String id) {
        return ALL.stream().filter(w -> w.id.equals(id)).findFirst();
    }
}
