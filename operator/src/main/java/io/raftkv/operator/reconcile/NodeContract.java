package io.raftkv.operator.reconcile;

import java.util.List;

/**
 * What the operator expects of the node image, in one place (operator/README.md, "Node contract"). It follows
 * the node's own configuration (io.raftkv.config.NodeConfig: YAML in kebab case, RAFTKV_* variables override):
 * one gRPC port serves the KV, Cluster (admin) and Peer services; an HTTP port serves /healthz, /readyz and
 * /metrics; the image's entrypoint is the {@code raftkv} command line.
 */
public final class NodeContract {

    private NodeContract() {
    }

    /** gRPC: clients, the operator (Cluster service) and peers. */
    public static final int GRPC_PORT = 7001;
    public static final int HTTP_PORT = 8001;
    public static final String GRPC_PORT_NAME = "grpc";
    public static final String HTTP_PORT_NAME = "http";

    public static final String DATA_DIR = "/var/lib/raftkv";
    /** The user and group the node image runs as (node/Dockerfile); the data volume must be theirs. */
    public static final long NODE_UID = 10001;
    public static final String CONFIG_DIR = "/etc/raftkv";
    public static final String CONFIG_FILE = "raftkv.yaml";
    public static final List<String> ARGS = List.of("node", "--config", CONFIG_DIR + "/" + CONFIG_FILE);

    /** Liveness: the process works. */
    public static final String HEALTH_PATH = "/healthz";
    /** Readiness: a member with a known leader, caught up. */
    public static final String READY_PATH = "/readyz";
    /**
     * The client commands' endpoints ({@code raftkv members} inside a pod): the local node first, then the
     * client Service; the client finds the leader from either.
     */
    public static final String ENV_ENDPOINTS = "RAFTKV_ENDPOINTS";

    /**
     * "new" only until the cluster exists, then "existing". A node whose data directory is empty bootstraps a
     * new cluster when it is "new" (the initial cluster is pod 0 alone: kubernetes.replicas is 1); otherwise
     * it waits to be added as a learner. Read from the ConfigMap when the container starts.
     */
    public static final String ENV_INITIAL_CLUSTER_STATE = "RAFTKV_INITIAL_CLUSTER_STATE";

    /** ConfigMap keys. */
    public static final String CONFIG_KEY = CONFIG_FILE;
    public static final String INITIAL_CLUSTER_STATE_KEY = "initial-cluster-state";
}
