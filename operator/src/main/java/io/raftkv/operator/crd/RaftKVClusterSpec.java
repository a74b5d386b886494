package io.raftkv.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RaftKVClusterSpec {

    @io.fabric8.kubernetes.model.annotation.SpecReplicas
    @Min(1)
    @Max(9)
    @Default("3")
    @JsonPropertyDescription("Number of voting members, 1-9. Odd sizes are recommended: an even size tolerates no more "
            + "failures than the odd size below it.")
    private int replicas = 3;

    @Required
    @JsonPropertyDescription("Container image of the RaftKV node.")
    private String image;

    @Default("IfNotPresent")
    @JsonPropertyDescription("Image pull policy of the node container.")
    private ImagePullPolicy imagePullPolicy = ImagePullPolicy.IfNotPresent;

    @JsonPropertyDescription("CPU and memory of each node container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Persistent volume of each member.")
    private StorageSpec storage = new StorageSpec();

    @JsonPropertyDescription("Raft timing and snapshot tuning.")
    private RaftSpec raft = new RaftSpec();

    @JsonPropertyDescription("Overrides merged into the pod template.")
    private PodOverrides pod = new PodOverrides();

    @JsonPropertyDescription("DNS domain of the Kubernetes cluster, used in the members' peer addresses. Default: "
            + "the operator's setting (chart value clusterDomain, cluster.local unless changed).")
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    private String clusterDomain;

    @JsonPropertyDescription("PodDisruptionBudget keeping a majority of members available during voluntary disruptions.")
    private DisruptionBudgetSpec podDisruptionBudget = new DisruptionBudgetSpec();

    public int getReplicas() {
        return replicas;
    }

    public void setReplicas(int replicas) {
        this.replicas = replicas;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public ImagePullPolicy getImagePullPolicy() {
        return imagePullPolicy;
    }

    public void setImagePullPolicy(ImagePullPolicy imagePullPolicy) {
        this.imagePullPolicy = imagePullPolicy;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public StorageSpec getStorage() {
        return storage;
    }

    public void setStorage(StorageSpec storage) {
        this.storage = storage;
    }

    public RaftSpec getRaft() {
        return raft;
    }

    public void setRaft(RaftSpec raft) {
        this.raft = raft;
    }

    public PodOverrides getPod() {
        return pod;
    }

    public void setPod(PodOverrides pod) {
        this.pod = pod;
    }

    public String getClusterDomain() {
        return clusterDomain;
    }

    public void setClusterDomain(String clusterDomain) {
        this.clusterDomain = clusterDomain;
    }

    public DisruptionBudgetSpec getPodDisruptionBudget() {
        return podDisruptionBudget;
    }

    public void setPodDisruptionBudget(DisruptionBudgetSpec podDisruptionBudget) {
        this.podDisruptionBudget = podDisruptionBudget;
    }

    public enum ImagePullPolicy { Always, IfNotPresent, Never }
}
