package io.raftkv.operator.raft;

/**
 * The operator's view of a node's admin API (the gRPC Cluster service). Membership calls go to the leader;
 * each call either succeeds, or throws {@link RaftAdminException} saying why. Every call is bounded in time.
 *
 * <p>The calls are idempotent from the operator's side: the planner re-derives the next step from a fresh
 * observation, so repeating a call after a crash either does the same thing again or fails harmlessly
 * (e.g. "already a member"), and the next observation shows the truth.
 */
public interface RaftAdmin {

    /** The node's own view: its ID, role, indexes and the membership it knows. */
    NodeReport status(AdminEndpoint node) throws RaftAdminException;

    /** Adds {@code nodeId}, reachable at {@code peerAddress}, as a non-voting learner (thesis §4.2.1). */
    void addLearner(AdminEndpoint leader, long nodeId, String peerAddress) throws RaftAdminException;

    /** Makes a caught-up learner a voter. */
    void promoteLearner(AdminEndpoint leader, long nodeId) throws RaftAdminException;

    /** Removes a voter or learner; its ID is retired forever. */
    void removeMember(AdminEndpoint leader, long nodeId) throws RaftAdminException;

    /** Asks the leader to hand leadership to {@code targetNodeId} (thesis §3.10). */
    void transferLeadership(AdminEndpoint leader, long targetNodeId) throws RaftAdminException;
}
