package io.raftkv.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The last step the operator took on the cluster: the recorded intent that survives an operator restart. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OperationStatus {

    @JsonPropertyDescription("The step, e.g. AddLearner, PromoteLearner, RemoveMember, TransferLeadership, RestartPod.")
    private String type;

    @JsonPropertyDescription("Pod the step concerns.")
    private String pod;

    @JsonPropertyDescription("Raft node ID the step concerns.")
    private Long nodeId;

    @JsonPropertyDescription("Why the step was taken.")
    private String reason;

    @JsonPropertyDescription("When the step was taken (RFC 3339).")
    private String startedAt;

    @JsonPropertyDescription("When the operator saw the step's subject back and caught up (RFC 3339); empty while "
            + "the step is under way.")
    private String finishedAt;

    public OperationStatus() {
    }

    public OperationStatus(String type, String pod, Long nodeId, String reason, String startedAt) {
        this.type = type;
        this.pod = pod;
        this.nodeId = nodeId;
        this.reason = reason;
        this.startedAt = startedAt;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
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

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getFinishedAt() {
        return finishedAt;
    }

    public void setFinishedAt(String finishedAt) {
        this.finishedAt = finishedAt;
    }

    public String getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(String startedAt) {
        this.startedAt = startedAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OperationStatus s && Objects.equals(type, s.type) && Objects.equals(pod, s.pod)
                && Objects.equals(nodeId, s.nodeId) && Objects.equals(reason, s.reason)
                && Objects.equals(startedAt, s.startedAt) && Objects.equals(finishedAt, s.finishedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, pod, nodeId, reason, startedAt, finishedAt);
    }
}
