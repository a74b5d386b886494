package io.raftkv.operator.raft;

/**
 * Stands in until the node's gRPC Cluster service is on main: every call fails with a clear message, so the
 * operator creates the resources and bootstraps pod 0 but reports that it cannot reach the nodes.
 */
public final class UnavailableRaftAdmin implements RaftAdmin {

    private static RaftAdminException unavailable() {
        return new RaftAdminException("this operator build has no client for the node's admin API yet");
    }

    @Override
    public NodeReport status(AdminEndpoint node) throws RaftAdminException {
        throw unavailable();
    }

    @Override
    public void addLearner(AdminEndpoint leader, long nodeId, String peerAddress) throws RaftAdminException {
        throw unavailable();
    }

    @Override
    public void promoteLearner(AdminEndpoint leader, long nodeId) throws RaftAdminException {
        throw unavailable();
    }

    @Override
    public void removeMember(AdminEndpoint leader, long nodeId) throws RaftAdminException {
        throw unavailable();
    }

    @Override
    public void transferLeadership(AdminEndpoint leader, long targetNodeId) throws RaftAdminException {
        throw unavailable();
    }
}
