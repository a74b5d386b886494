package io.raftkv.replica;

/** {@link ReplicaEngineTest} with every get confirmed by a ReadIndex round instead of the read lease. */
class ReadIndexReplicaEngineTest extends ReplicaEngineTest {
    @Override
    ReplicaSettings settings() {
        return ReplicaSettings.defaults().withLeaseReads(false);
    }
}
