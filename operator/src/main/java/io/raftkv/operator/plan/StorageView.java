package io.raftkv.operator.plan;

import java.util.Map;

/**
 * The data volumes: what the spec asks for and what each claim requests now.
 *
 * @param requestedBytes    spec.storage.size in bytes (0 when unknown)
 * @param claimBytes        ordinal to the storage the claim requests now
 * @param expansionAllowed  the claims' StorageClass sets allowVolumeExpansion
 * @param storageClass      that StorageClass's name, for messages (may be null: the cluster default)
 */
public record StorageView(long requestedBytes, Map<Integer, Long> claimBytes, boolean expansionAllowed,
                          String storageClass) {

    public static final StorageView NONE = new StorageView(0, Map.of(), false, null);

    public StorageView {
        claimBytes = Map.copyOf(claimBytes);
    }
}
