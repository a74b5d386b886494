package io.raftkv.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.generator.annotation.Default;
import java.util.List;
import java.util.Map;

/** What users may add to the node pods; the operator's own labels and annotations always win. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodOverrides {

    @JsonPropertyDescription("Extra pod labels.")
    private Map<String, String> labels;

    @JsonPropertyDescription("Extra pod annotations.")
    private Map<String, String> annotations;

    @JsonPropertyDescription("Node selector of the pods.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Tolerations of the pods.")
    private List<Toleration> tolerations;

    @JsonPropertyDescription("Affinity of the pods. Default: members prefer different nodes (soft anti-affinity); "
            + "setting it replaces that default.")
    private Affinity affinity;

    @JsonPropertyDescription("Topology spread of the pods. Default: spread across zones where the nodes have zone "
            + "labels (ScheduleAnyway); setting it replaces that default.")
    private List<io.fabric8.kubernetes.api.model.TopologySpreadConstraint> topologySpreadConstraints;

    @JsonPropertyDescription("Pod security context. Default: the restricted Pod Security level (user 10001, "
            + "non-root, fsGroup 10001, seccomp RuntimeDefault).")
    private io.fabric8.kubernetes.api.model.PodSecurityContext securityContext;

    @JsonPropertyDescription("Security context of the node container. Default: the restricted Pod Security level "
            + "(no privilege escalation, every capability dropped).")
    private io.fabric8.kubernetes.api.model.SecurityContext containerSecurityContext;

    @Default("false")
    @JsonPropertyDescription("Run an init container as root that gives the data directory to user 10001, for volumes "
            + "that ignore fsGroup (host-path volumes of single-node clusters). It does not pass the restricted "
            + "Pod Security level.")
    private boolean dataDirOwnerInitContainer;

    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public List<io.fabric8.kubernetes.api.model.TopologySpreadConstraint> getTopologySpreadConstraints() {
        return topologySpreadConstraints;
    }

    public void setTopologySpreadConstraints(
            List<io.fabric8.kubernetes.api.model.TopologySpreadConstraint> topologySpreadConstraints) {
        this.topologySpreadConstraints = topologySpreadConstraints;
    }

    public io.fabric8.kubernetes.api.model.PodSecurityContext getSecurityContext() {
        return securityContext;
    }

    public void setSecurityContext(io.fabric8.kubernetes.api.model.PodSecurityContext securityContext) {
        this.securityContext = securityContext;
    }

    public io.fabric8.kubernetes.api.model.SecurityContext getContainerSecurityContext() {
        return containerSecurityContext;
    }

    public void setContainerSecurityContext(io.fabric8.kubernetes.api.model.SecurityContext containerSecurityContext) {
        this.containerSecurityContext = containerSecurityContext;
    }

    public boolean isDataDirOwnerInitContainer() {
        return dataDirOwnerInitContainer;
    }

    public void setDataDirOwnerInitContainer(boolean dataDirOwnerInitContainer) {
        this.dataDirOwnerInitContainer = dataDirOwnerInitContainer;
    }

    public Affinity getAffinity() {
        return affinity;
    }

    public void setAffinity(Affinity affinity) {
        this.affinity = affinity;
    }
}
