package io.raftkv.operator.reconcile.dependent;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which PodDisruptionBudget API the server offers: policy/v1 from Kubernetes 1.21, only policy/v1beta1 before
 * (1.20), only policy/v1 from 1.25. Asked once per client: the answer does not change while the operator runs.
 */
public enum DisruptionBudgetApi {
    V1, V1BETA1, NONE;

    private static final Map<KubernetesClient, DisruptionBudgetApi> CACHE = new ConcurrentHashMap<>();

    public static DisruptionBudgetApi of(KubernetesClient client) {
        return CACHE.computeIfAbsent(client, DisruptionBudgetApi::detect);
    }

    private static DisruptionBudgetApi detect(KubernetesClient client) {
        if (client.supports(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)) {
            return V1;
        }
        if (client.supports(io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget.class)) {
            return V1BETA1;
        }
        return NONE;
    }
}
