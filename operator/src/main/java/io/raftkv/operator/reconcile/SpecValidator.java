package io.raftkv.operator.reconcile;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.crd.RaftSpec;
import io.raftkv.operator.crd.StorageSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the CRD schema cannot say (Kubernetes 1.20 has no CEL rules): cross-field rules and the values that the
 * StatefulSet would be refused for. An invalid spec is not applied; status and a Warning event name each problem.
 */
public final class SpecValidator {

    private SpecValidator() {
    }

    public static List<String> problems(RaftKVCluster c) {
        List<String> problems = new ArrayList<>();
        if (c.getSpec().getImage() == null || c.getSpec().getImage().isBlank()) {
            problems.add("spec.image is required");
        }
        RaftSpec raft = c.getSpec().getRaft();
        if (raft != null && raft.getElectionTimeoutMillis() < 2 * raft.getHeartbeatIntervalMillis()) {
            problems.add("spec.raft.electionTimeoutMillis (" + raft.getElectionTimeoutMillis()
                    + ") must be at least twice spec.raft.heartbeatIntervalMillis ("
                    + raft.getHeartbeatIntervalMillis() + ")");
        }
        StorageSpec storage = c.getSpec().getStorage();
        if (storage != null && storage.getSize() != null) {
            BigDecimal bytes = amount("spec.storage.size", storage.getSize(), problems);
            if (bytes != null && bytes.signum() <= 0) {
                problems.add("spec.storage.size must be more than 0, got " + storage.getSize());
            }
        }
        resources(c.getSpec().getResources(), problems);
        return problems;
    }

    /** Quantities must parse, and a request may not exceed its limit (the API server refuses the pod template). */
    private static void resources(ResourceRequirements r, List<String> problems) {
        if (r == null) {
            return;
        }
        Map<String, Quantity> requests = r.getRequests() == null ? Map.of() : r.getRequests();
        Map<String, Quantity> limits = r.getLimits() == null ? Map.of() : r.getLimits();
        for (Map.Entry<String, Quantity> e : requests.entrySet()) {
            BigDecimal request = amount("spec.resources.requests." + e.getKey(), e.getValue(), problems);
            Quantity limitQuantity = limits.get(e.getKey());
            if (request != null && limitQuantity != null) {
                BigDecimal limit = amount("spec.resources.limits." + e.getKey(), limitQuantity, problems);
                if (limit != null && request.compareTo(limit) > 0) {
                    problems.add("spec.resources.requests." + e.getKey() + " (" + e.getValue()
                            + ") must not exceed spec.resources.limits." + e.getKey() + " (" + limitQuantity + ")");
                }
            }
        }
        limits.forEach((name, q) -> {
            if (!requests.containsKey(name)) {
                amount("spec.resources.limits." + name, q, problems);
            }
        });
    }

    private static BigDecimal amount(String field, Object value, List<String> problems) {
        String text = value instanceof Quantity q ? q.toString() : String.valueOf(value);
        try {
            BigDecimal amount = Quantity.getAmountInBytes(new Quantity(text));
            if (amount.signum() < 0) {
                problems.add(field + " must not be negative, got " + text);
                return null;
            }
            return amount;
        } catch (IllegalArgumentException | ArithmeticException e) {
            problems.add(field + " is not a quantity: " + text);
            return null;
        }
    }
}
