package io.raftkv.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

    @Default("1Gi")
    @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
    @JsonPropertyDescription("Size of each member's volume claim, e.g. 1Gi. Raising it expands the claims one at a "
            + "time where their StorageClass allows volume expansion; otherwise, and for a shrink, status says why not.")
    private String size = "1Gi";

    @JsonPropertyDescription("Storage class of the volume claims; the cluster default when empty.")
    private String storageClassName;

    @Default("Delete")
    @JsonPropertyDescription("What happens to the volume claim of a member removed by a scale-down: Delete (a later "
            + "scale-up starts clean, as a new member) or Retain (kept for inspection; a later scale-up wipes it).")
    private VolumeClaimPolicy removedMemberClaims = VolumeClaimPolicy.Delete;

    @Default("Retain")
    @JsonPropertyDescription("What happens to the volume claims when the RaftKVCluster is deleted: Retain (kept; a new "
            + "cluster of the same name refuses to start on them until they are deleted, or adopted with the "
            + "raftkv.io/adopt-volume-claims annotation) or Delete (garbage-collected with the cluster).")
    private VolumeClaimPolicy deletedClusterClaims = VolumeClaimPolicy.Retain;

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }

    public VolumeClaimPolicy getRemovedMemberClaims() {
        return removedMemberClaims;
    }

    public void setRemovedMemberClaims(VolumeClaimPolicy removedMemberClaims) {
        this.removedMemberClaims = removedMemberClaims;
    }

    public VolumeClaimPolicy getDeletedClusterClaims() {
        return deletedClusterClaims;
    }

    public void setDeletedClusterClaims(VolumeClaimPolicy deletedClusterClaims) {
        this.deletedClusterClaims = deletedClusterClaims;
    }

    public enum VolumeClaimPolicy { Delete, Retain }
}
