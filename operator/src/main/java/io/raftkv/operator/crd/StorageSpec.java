package io.raftkv.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

    @Default("1Gi")
    @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
    @JsonPropertyDescription("Size of each member's volume claim, e.g. 1Gi.")
    private String size = "1Gi";

    @JsonPropertyDescription("Storage class of the volume claims; the cluster default when empty.")
    private String storageClassName;

    @Default("Delete")
    @JsonPropertyDescription("What happens to the volume claim of a member removed by a scale-down: Delete (a later "
            + "scale-up starts clean, as a new member) or Retain (kept for inspection; a later scale-up wipes it).")
    private VolumeClaimPolicy removedMemberClaims = VolumeClaimPolicy.Delete;

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

    public enum VolumeClaimPolicy { Delete, Retain }
}
