package io.raftkv.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RaftKVClusterStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @io.fabric8.kubernetes.model.annotation.StatusReplicas
    @JsonPropertyDescription("Members the StatefulSet currently runs (it moves one at a time towards spec.replicas).")
    private Integer replicas;

    @io.fabric8.kubernetes.model.annotation.LabelSelector
    @JsonPropertyDescription("Label selector of the member pods (for the scale subresource).")
    private String selector;

    @JsonPropertyDescription("How many voters may fail with the cluster still available: voters minus a majority. "
            + "0 for one or two members.")
    private Integer faultTolerance;

    @JsonPropertyDescription("True while a scale-down goes on that the raftkv.io/force-scale-down annotation "
            + "allowed; the operator removes the annotation when that scale-down is done.")
    private Boolean forceScaleDownUsed;

    @JsonPropertyDescription("Members that are healthy: reachable, following the current leader and caught up.")
    private Integer readyReplicas;

    @JsonPropertyDescription("Pod of the current Raft leader, empty when there is none.")
    private String leader;

    @JsonPropertyDescription("True once the first member has created the cluster; from then on no node ever "
            + "bootstraps a new cluster again.")
    private Boolean bootstrapped;

    @JsonPropertyDescription("Every Raft member and every pod that is joining, with its health.")
    private List<MemberStatus> members = new ArrayList<>();

    @JsonPropertyDescription("Available (reason QuorumLost when not), Progressing (ScalingUp, ScalingDown, "
            + "LearnerCatchingUp, RollingRestart, ...) and Degraded.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The last step the operator took, recorded so that a restarted operator knows the intent.")
    private OperationStatus operation;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getSelector() {
        return selector;
    }

    public void setSelector(String selector) {
        this.selector = selector;
    }

    public Integer getFaultTolerance() {
        return faultTolerance;
    }

    public void setFaultTolerance(Integer faultTolerance) {
        this.faultTolerance = faultTolerance;
    }

    public Boolean getForceScaleDownUsed() {
        return forceScaleDownUsed;
    }

    public void setForceScaleDownUsed(Boolean forceScaleDownUsed) {
        this.forceScaleDownUsed = forceScaleDownUsed;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public String getLeader() {
        return leader;
    }

    public void setLeader(String leader) {
        this.leader = leader;
    }

    public Boolean getBootstrapped() {
        return bootstrapped;
    }

    public void setBootstrapped(Boolean bootstrapped) {
        this.bootstrapped = bootstrapped;
    }

    public List<MemberStatus> getMembers() {
        return members;
    }

    public void setMembers(List<MemberStatus> members) {
        this.members = members;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public OperationStatus getOperation() {
        return operation;
    }

    public void setOperation(OperationStatus operation) {
        this.operation = operation;
    }
}
