package io.raftkv.operator.reconcile;

import io.raftkv.operator.raft.AdminEndpoint;
import io.raftkv.operator.raft.NodeReport;
import io.raftkv.operator.raft.RaftAdmin;
import io.raftkv.operator.raft.RaftAdminException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes admin calls to one {@link FakeRaftGroup} per cluster. Pod IPs are made up by the fake StatefulSet
 * controller, so the group is chosen by the pod's cluster name (each test uses its own cluster name).
 */
final class FakeRaftGroupRouter implements RaftAdmin {

    private final Map<String, FakeRaftGroup> groups = new ConcurrentHashMap<>();

    FakeRaftGroup add(String cluster) {
        FakeRaftGroup group = new FakeRaftGroup();
        groups.put(cluster, group);
        return group;
    }

    private FakeRaftGroup route(AdminEndpoint e) throws RaftAdminException {
        String cluster = e.pod().substring(0, e.pod().lastIndexOf('-'));
        FakeRaftGroup group = groups.get(cluster);
        if (group == null) {
            throw new RaftAdminException("no node answers for " + e.pod());
        }
        return group;
    }

    @Override
    public NodeReport status(AdminEndpoint node) throws RaftAdminException {
        return route(node).status(node);
    }

    @Override
    public void addLearner(AdminEndpoint leader, long nodeId, String peerAddress) throws RaftAdminException {
        route(leader).addLearner(leader, nodeId, peerAddress);
    }

    @Override
    public void promoteLearner(AdminEndpoint leader, long nodeId) throws RaftAdminException {
        route(leader).promoteLearner(leader, nodeId);
    }

    @Override
    public void removeMember(AdminEndpoint leader, long nodeId) throws RaftAdminException {
        route(leader).removeMember(leader, nodeId);
    }

    @Override
    public void transferLeadership(AdminEndpoint leader, long targetNodeId) throws RaftAdminException {
        route(leader).transferLeadership(leader, targetNodeId);
    }
}
