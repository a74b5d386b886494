package io.raftkv.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MemberStatus {

    @JsonPropertyDescription("Pod that runs (or ran) this member.")
    private String pod;

    @JsonPropertyDescription("Raft node ID; unique forever, a node that lost its disk joins under a new one.")
    private Long nodeId;

    @JsonPropertyDescription("Leader, Follower, Learner, Joining (not yet a member), Removed, or Unknown.")
    private MemberRole role;

    @JsonPropertyDescription("Reachable, following the current leader and caught up.")
    private Boolean healthy;

    @JsonPropertyDescription("Last log index the member applied to its state machine.")
    private Long appliedIndex;

    @JsonPropertyDescription("Entries the member is behind the leader's commit index.")
    private Long lag;

    @JsonPropertyDescription("Why the member is not healthy, if it is not.")
    private String message;

    public MemberStatus() {
    }

    public MemberStatus(String pod, Long nodeId, MemberRole role, Boolean healthy, Long appliedIndex, Long lag,
                        String message) {
        this.pod = pod;
        this.nodeId = nodeId;
        this.role = role;
        this.healthy = healthy;
        this.appliedIndex = appliedIndex;
        this.lag = lag;
        this.message = message;
    }

    public String getPod() {
        return pod;
    }

    public void setPod(String pod) {
        this.pod = pod;
    }

    public Long getNodeId() {
        return nodeId;
    }

    public void setNodeId(Long nodeId) {
        this.nodeId = nodeId;
    }

    public MemberRole getRole() {
        return role;
    }

    public void setRole(MemberRole role) {
        this.role = role;
    }

    public Boolean getHealthy() {
        return healthy;
    }

    public void setHealthy(Boolean healthy) {
        this.healthy = healthy;
    }

    public Long getAppliedIndex() {
        return appliedIndex;
    }

    public void setAppliedIndex(Long appliedIndex) {
        this.appliedIndex = appliedIndex;
    }

    public Long getLag() {
        return lag;
    }

    public void setLag(Long lag) {
        this.lag = lag;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemberStatus m && Objects.equals(pod, m.pod) && Objects.equals(nodeId, m.nodeId)
                && role == m.role && Objects.equals(healthy, m.healthy) && Objects.equals(appliedIndex, m.appliedIndex)
                && Objects.equals(lag, m.lag) && Objects.equals(message, m.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pod, nodeId, role, healthy, appliedIndex, lag, message);
    }

    @Override
    public String toString() {
        return pod + "/" + nodeId + ":" + role + (Boolean.TRUE.equals(healthy) ? "" : "(unhealthy: " + message + ")");
    }
}
