package io.raftkv.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.raftkv.operator.plan.Action;
import io.raftkv.operator.raft.AdminEndpoint;
import io.raftkv.operator.raft.RaftAdmin;
import io.raftkv.operator.raft.RaftAdminException;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Carries out the planner's step: membership calls through the leader's admin API, deletions through the
 * Kubernetes API. StatefulSet sizes are applied by the workflow (the StatefulSet dependent), not here.
 */
public final class ActionExecutor {

    private final RaftAdmin admin;

    public ActionExecutor(RaftAdmin admin) {
        this.admin = admin;
    }

    /**
     * Returns the error if the step failed; the next pass plans again from a fresh observation.
     *
     * @param scaleHere   the workflow did not apply the StatefulSet (invalid spec, or Kubernetes refused it):
     *                    a size step then changes only the StatefulSet's replicas, under its last applied template
     * @param storageSize spec.storage.size, for a volume expansion
     */
    public Optional<String> execute(Action action, ResourceNames names, KubernetesClient client,
                                    IntFunction<String> podIp, boolean scaleHere, String storageSize) {
        try {
            if (action instanceof Action.ScaleStatefulSet s && scaleHere) {
                var sts = client.apps().statefulSets().inNamespace(names.namespace()).withName(names.statefulSet());
                if (sts.get() == null) {
                    return Optional.of("the StatefulSet does not exist and its spec cannot be applied");
                }
                sts.scale(s.replicas());
            } else if (action instanceof Action.ExpandVolumeClaim e && storageSize != null) {
                client.persistentVolumeClaims().inNamespace(names.namespace()).withName(names.claim(e.ordinal()))
                        .edit(c -> {
                            c.getSpec().getResources().getRequests().put("storage",
                                    new io.fabric8.kubernetes.api.model.Quantity(storageSize));
                            return c;
                        });
            } else if (action instanceof Action.AddLearner a) {
                admin.addLearner(endpoint(a.leaderOrdinal(), names, podIp), a.nodeId(), names.peerAddress(a.ordinal()));
            } else if (action instanceof Action.PromoteLearner a) {
                admin.promoteLearner(endpoint(a.leaderOrdinal(), names, podIp), a.nodeId());
            } else if (action instanceof Action.RemoveMember a) {
                admin.removeMember(endpoint(a.leaderOrdinal(), names, podIp), a.nodeId());
            } else if (action instanceof Action.TransferLeadership a) {
                admin.transferLeadership(endpoint(a.leaderOrdinal(), names, podIp), a.targetNodeId());
            } else if (action instanceof Action.RestartPod a) {
                deletePod(client, names, a.ordinal());
            } else if (action instanceof Action.WipeMember a) {
                // The claim goes first: its deletion completes once the pod is gone, so the StatefulSet
                // recreates the pod with a fresh claim.
                client.persistentVolumeClaims().inNamespace(names.namespace()).withName(names.claim(a.ordinal())).delete();
                deletePod(client, names, a.ordinal());
            } else if (action instanceof Action.DeleteVolumeClaim a) {
                client.persistentVolumeClaims().inNamespace(names.namespace()).withName(names.claim(a.ordinal())).delete();
            }
            return Optional.empty();
        } catch (RaftAdminException e) {
            return Optional.of(e.getMessage());
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            return Optional.of("Kubernetes API: " + e.getMessage());
        }
    }

    private static void deletePod(KubernetesClient client, ResourceNames names, int ordinal) {
        client.pods().inNamespace(names.namespace()).withName(names.pod(ordinal)).delete();
    }

    private static AdminEndpoint endpoint(int ordinal, ResourceNames names, IntFunction<String> podIp)
            throws RaftAdminException {
        String ip = podIp.apply(ordinal);
        if (ip == null) {
            throw new RaftAdminException("pod " + names.pod(ordinal) + " has no IP");
        }
        return new AdminEndpoint(names.pod(ordinal), ip, NodeContract.GRPC_PORT);
    }

}
