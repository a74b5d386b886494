package io.raftkv.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How `raftkv local` reads who answers a node's /readyz (the format of RaftKvNode#describe). */
class NodeReadinessTest {

    @Test
    void aNodesAnswerNamesItsIdPidClusterAndLeader() {
        NodeReadiness.Answer a = NodeReadiness.parse(200,
                "ready: node 2 pid 4242 cluster local role FOLLOWER term 3 leader 1 commit 9 applied 9\n");
        assertThat(a.node()).isEqualTo(new NodeReadiness(true, 2, 4242, "local", "FOLLOWER", 1));
        assertThat(a.who()).isEqualTo("node 2 of cluster local (pid 4242)");
        NodeReadiness.Answer starting = NodeReadiness.parse(503,
                "not ready: node 2 pid 4242 cluster local role PRE_CANDIDATE term 0 leader 0 commit 0 applied 0 "
                        + "(not a member yet)");
        assertThat(starting.node().ready()).isFalse();
    }

    @Test
    void anythingElseIsNotTakenForANode() {
        NodeReadiness.Answer other = NodeReadiness.parse(200, "<html><body>It works!</body></html>");
        assertThat(other.node()).isNull();
        assertThat(other.who()).isEqualTo("something that is not a RaftKV node (HTTP 200: <html><body>It works!</body></html>)");
        assertThat(NodeReadiness.parse(200, "ready: node 1 role LEADER term 2 leader 1 commit 1 applied 1").node())
                .as("a node of a version that does not say its PID cannot be verified").isNull();
    }
}
