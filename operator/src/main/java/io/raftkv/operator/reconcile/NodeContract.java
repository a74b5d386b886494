package io.raftkv.operator.reconcile;

/**
 * What the operator expects of the node image (documented in operator/README.md, "Node contract"):
 * ports, paths, environment, and the bootstrap rule. One place, so a change on the node side is one change here.
 */
public final class NodeContract {

    private NodeContract() {
    }

    public static final int PEER_PORT = 7000;
    public static final int CLIENT_PORT = 7001;
    public static final int ADMIN_PORT = 7002;
    public static final int HTTP_PORT = 8080;

    public static final String PEER_PORT_NAME = "raft";
    public static final String CLIENT_PORT_NAME = "client";
    public static final String ADMIN_PORT_NAME = "admin";
    public static final String HTTP_PORT_NAME = "http";

    public static final String DATA_DIR = "/var/lib/raftkv";
    public static final String CONFIG_DIR = "/etc/raftkv";
    public static final String CONFIG_FILE = "raftkv.properties";

    /** Liveness: the process works. */
    public static final String HEALTH_PATH = "/healthz";
    /** Readiness: joined (voter or learner), knows the leader, caught up. */
    public static final String READY_PATH = "/readyz";
    /** preStop: if this node leads, hand leadership to the most caught-up voter and wait (bounded) for it. */
    public static final String PRESTOP_PATH = "/prestop";

    /** Path of the configuration file. */
    public static final String ENV_CONFIG = "RAFTKV_CONFIG";
    /**
     * "true" only until the cluster exists. A node with an empty data directory bootstraps a new single-voter
     * cluster only if it is ordinal 0 and this is "true"; otherwise it picks a fresh node ID, persists it, and
     * waits to be added as a learner.
     */
    public static final String ENV_BOOTSTRAP = "RAFTKV_BOOTSTRAP";
    public static final String ENV_POD_NAME = "RAFTKV_POD_NAME";
    public static final String ENV_NAMESPACE = "RAFTKV_NAMESPACE";
    /** The stable DNS name peers use for this pod: {@code <pod>.<cluster>-peers.<namespace>.svc.cluster.local}. */
    public static final String ENV_ADVERTISE_HOST = "RAFTKV_ADVERTISE_HOST";
    public static final String ENV_POD_IP = "RAFTKV_POD_IP";

    /** ConfigMap keys. */
    public static final String CONFIG_KEY = CONFIG_FILE;
    public static final String BOOTSTRAP_KEY = "bootstrap";
}
