package io.raftkv.operator.reconcile;

import io.raftkv.operator.crd.RaftKVCluster;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of everything the operator creates for one cluster. */
public final class ResourceNames {

    public static final String NAME_LABEL = "app.kubernetes.io/name";
    public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    public static final String APP = "raftkv";
    public static final String MANAGED_BY = "raftkv-operator";
    /** Label selector of every resource the operator manages (informers watch only these). */
    public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY;
    public static final String DATA_VOLUME = "data";
    public static final String CONFIG_HASH_ANNOTATION = RaftKVCluster.GROUP + "/config-hash";
    public static final String REVISION_LABEL = "controller-revision-hash";

    /** The DNS domain of a Kubernetes cluster unless it was set up otherwise. */
    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

    private final String cluster;
    private final String namespace;
    private final String clusterDomain;

    public ResourceNames(String cluster, String namespace) {
        this(cluster, namespace, DEFAULT_CLUSTER_DOMAIN);
    }

    public ResourceNames(String cluster, String namespace, String clusterDomain) {
        this.cluster = cluster;
        this.namespace = namespace;
        this.clusterDomain = clusterDomain;
    }

    /** Names of a cluster; its domain is spec.clusterDomain (the reconciler fills in the operator's default). */
    public static ResourceNames of(RaftKVCluster c) {
        String domain = c.getSpec() == null || c.getSpec().getClusterDomain() == null ? DEFAULT_CLUSTER_DOMAIN
                : c.getSpec().getClusterDomain();
        return new ResourceNames(c.getMetadata().getName(), c.getMetadata().getNamespace(), domain);
    }

    public String clusterDomain() {
        return clusterDomain;
    }

    public String cluster() {
        return cluster;
    }

    public String namespace() {
        return namespace;
    }

    public String statefulSet() {
        return cluster;
    }

    public String clientService() {
        return cluster;
    }

    public String peerService() {
        return cluster + "-peers";
    }

    public String configMap() {
        return cluster + "-config";
    }

    public String disruptionBudget() {
        return cluster;
    }

    public String pod(int ordinal) {
        return cluster + "-" + ordinal;
    }

    /** The claim the StatefulSet creates from its "data" volume claim template. */
    public String claim(int ordinal) {
        return DATA_VOLUME + "-" + pod(ordinal);
    }

    public String peerDomain() {
        return peerService() + "." + namespace + ".svc." + clusterDomain;
    }

    /** Endpoints for the client commands inside a member pod: the local node, then the client Service. */
    public String cliEndpoints() {
        return "127.0.0.1:" + NodeContract.GRPC_PORT + "," + clientService() + "." + namespace + ".svc." + clusterDomain
                + ":" + NodeContract.GRPC_PORT;
    }

    public String peerAddress(int ordinal) {
        return pod(ordinal) + "." + peerDomain() + ":" + NodeContract.GRPC_PORT;
    }

    /** The ordinal in a pod name, or -1 if the name is not one of this cluster's pods. */
    public int podOrdinal(String podName) {
        return ordinalAfter(podName, cluster + "-");
    }

    /** The ordinal in a claim name, or -1. */
    public int claimOrdinal(String claimName) {
        return ordinalAfter(claimName, DATA_VOLUME + "-" + cluster + "-");
    }

    private static int ordinalAfter(String name, String prefix) {
        if (name == null || !name.startsWith(prefix)) {
            return -1;
        }
        String rest = name.substring(prefix.length());
        if (rest.isEmpty() || rest.length() > 3 || !rest.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(rest);
    }

    /** Labels that select this cluster's pods (immutable in the StatefulSet selector). */
    public Map<String, String> selectorLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME_LABEL, APP);
        labels.put(INSTANCE_LABEL, cluster);
        return labels;
    }

    /** Labels of every managed resource. */
    public Map<String, String> labels() {
        Map<String, String> labels = selectorLabels();
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        labels.put(COMPONENT_LABEL, "node");
        return labels;
    }
}
