package io.raftkv.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Raft tuning passed to every node through the cluster's ConfigMap; a change rolls the members one at a time. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RaftSpec {

    @Min(50)
    @Max(60000)
    @Default("1000")
    @JsonPropertyDescription("Base election timeout in milliseconds (Raft paper section 5.2); must exceed the "
            + "heartbeat interval at least twice.")
    private int electionTimeoutMillis = 1000;

    @Min(10)
    @Max(10000)
    @Default("100")
    @JsonPropertyDescription("Interval at which an idle leader sends heartbeats, in milliseconds.")
    private int heartbeatIntervalMillis = 100;

    @Min(100)
    @Default("10000")
    @JsonPropertyDescription("Applied entries after which a node takes a snapshot and compacts its log.")
    private long snapshotThresholdEntries = 10000;

    public int getElectionTimeoutMillis() {
        return electionTimeoutMillis;
    }

    public void setElectionTimeoutMillis(int electionTimeoutMillis) {
        this.electionTimeoutMillis = electionTimeoutMillis;
    }

    public int getHeartbeatIntervalMillis() {
        return heartbeatIntervalMillis;
    }

    public void setHeartbeatIntervalMillis(int heartbeatIntervalMillis) {
        this.heartbeatIntervalMillis = heartbeatIntervalMillis;
    }

    public long getSnapshotThresholdEntries() {
        return snapshotThresholdEntries;
    }

    public void setSnapshotThresholdEntries(long snapshotThresholdEntries) {
        this.snapshotThresholdEntries = snapshotThresholdEntries;
    }
}
