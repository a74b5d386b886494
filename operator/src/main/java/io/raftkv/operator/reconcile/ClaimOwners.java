package io.raftkv.operator.reconcile;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.crd.StorageSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out spec.storage.deletedClusterClaims: with Delete, each claim of the cluster gets an owner reference
 * to the RaftKVCluster, so Kubernetes' garbage collector deletes it with the cluster (no finalizer: deleting a
 * cluster works even while the operator is down); with Retain, no claim has one. Claims of a deleted cluster of
 * the same name are never taken over before this cluster has started (its planner refuses them first).
 */
final class ClaimOwners {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimOwners.class);

    void apply(KubernetesClient client, RaftKVCluster primary, Collection<PersistentVolumeClaim> claims,
               boolean bootstrapped) {
        StorageSpec storage = primary.getSpec().getStorage();
        boolean delete = storage != null && storage.getDeletedClusterClaims() == StorageSpec.VolumeClaimPolicy.Delete;
        String uid = primary.getMetadata().getUid();
        ResourceNames names = ResourceNames.of(primary);
        for (PersistentVolumeClaim claim : claims) {
            if (names.claimOrdinal(claim.getMetadata().getName()) < 0 || uid == null) {
                continue;
            }
            boolean owned = ownedBy(claim, uid);
            boolean wanted = delete && bootstrapped;
            if (owned == wanted) {
                continue;
            }
            try {
                client.persistentVolumeClaims().inNamespace(names.namespace()).withName(claim.getMetadata().getName())
                        .edit(c -> {
                            List<OwnerReference> refs = c.getMetadata().getOwnerReferences() == null
                                    ? new ArrayList<>() : new ArrayList<>(c.getMetadata().getOwnerReferences());
                            refs.removeIf(r -> uid.equals(r.getUid()));
                            if (wanted) {
                                refs.add(new OwnerReferenceBuilder().withApiVersion(primary.getApiVersion())
                                        .withKind(primary.getKind()).withName(primary.getMetadata().getName())
                                        .withUid(uid).build());
                            }
                            c.getMetadata().setOwnerReferences(refs);
                            return c;
                        });
            } catch (KubernetesClientException e) {
                LOG.warn("could not {} the owner of claim {}: {}", wanted ? "set" : "remove",
                        claim.getMetadata().getName(), e.getMessage());
            }
        }
    }

    static boolean ownedBy(PersistentVolumeClaim claim, String uid) {
        return claim.getMetadata().getOwnerReferences() != null
                && claim.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid()));
    }
}
