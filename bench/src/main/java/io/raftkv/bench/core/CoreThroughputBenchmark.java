package io.raftkv.bench.core;

import io.raftkv.raft.RaftNode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Committed entries per second of the Raft core alone: a 3-node cluster in memory, 256-byte proposals,
 * {@code batch} proposals per Ready cycle (as a server batches concurrent clients). One operation = one
 * batch committed on the leader and replicated to both followers; {@link CoreBenchmarkReport} converts to
 * entries per second and bytes allocated per entry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CoreThroughputBenchmark {
    @Param({"256"})
    int valueBytes;

    @Param({"1", "16", "64", "256"})
    int batch;

    private InMemoryCluster cluster;
    private RaftNode leader;
    private byte[] value;

    @Setup(Level.Iteration)
    public void setUp() {
        cluster = new InMemoryCluster(3);
        leader = cluster.leader();
        value = new byte[valueBytes];
    }

    @Benchmark
    public long commitBatch() {
        long target = cluster.appliedOnLeader() + batch;
        for (int i = 0; i < batch; i++) {
            if (!leader.propose(value).accepted()) {
                throw new IllegalStateException("proposal refused");
            }
        }
        cluster.pump();
        if (cluster.appliedOnLeader() < target) {
            throw new IllegalStateException("batch not committed");
        }
        return leader.commitIndex();
    }
}
