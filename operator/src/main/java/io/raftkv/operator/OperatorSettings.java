package io.raftkv.operator;

import io.raftkv.operator.reconcile.ReconcilerSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, from environment variables (the Deployment and the Helm chart set them).
 *
 * @param watchNamespaces      namespaces to watch; empty = all (WATCH_NAMESPACES, comma-separated)
 * @param httpPort             port of /metrics, /healthz and /readyz (HTTP_PORT, default 8080)
 * @param leaseNamespace       namespace of the leader-election Lease; empty = no leader election, for a
 *                             single local process (LEADER_ELECTION_NAMESPACE, usually the pod's namespace)
 * @param identity             this replica's name in the Lease (POD_NAME)
 * @param reconciler           reconciler tuning (MAX_CATCH_UP_LAG, STEADY_RESYNC_SECONDS, CLUSTER_DOMAIN)
 */
public record OperatorSettings(Set<String> watchNamespaces, int httpPort, Optional<String> leaseNamespace,
                               String identity, ReconcilerSettings reconciler) {

    public static final String LEASE_NAME = "raftkv-operator-lock";

    public static OperatorSettings fromEnvironment(Map<String, String> env) {
        Set<String> namespaces = Arrays.stream(env.getOrDefault("WATCH_NAMESPACES", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        int httpPort = Integer.parseInt(env.getOrDefault("HTTP_PORT", "8080"));
        Optional<String> lease = Optional.ofNullable(env.get("LEADER_ELECTION_NAMESPACE")).filter(s -> !s.isBlank());
        String identity = env.getOrDefault("POD_NAME", "raftkv-operator-" + ProcessHandle.current().pid());
        ReconcilerSettings defaults = ReconcilerSettings.defaults();
        ReconcilerSettings reconciler = new ReconcilerSettings(
                Long.parseLong(env.getOrDefault("MAX_CATCH_UP_LAG", Long.toString(defaults.maxCatchUpLag()))),
                defaults.statusTimeout(), defaults.activeInterval(),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("STEADY_RESYNC_SECONDS",
                        Long.toString(defaults.steadyInterval().toSeconds())))),
                env.getOrDefault("CLUSTER_DOMAIN", defaults.clusterDomain()));
        return new OperatorSettings(namespaces, httpPort, lease, identity, reconciler);
    }
}
