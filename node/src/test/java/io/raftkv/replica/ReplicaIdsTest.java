package io.raftkv.replica;

import io.raftkv.raft.RaftNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaIdsTest {
    @Test
    void namesMapToNonZeroNodeIdsAndBack() {
        for (String id : List.of("0000", "0001", "0AA1", "F29A", "FFFE")) {
            long node = ReplicaIds.toNode(id);
            assertThat(node).isNotEqualTo(RaftNode.NONE);
            assertThat(ReplicaIds.toName(node)).isEqualTo(id);
        }
        assertThat(ReplicaIds.toName(RaftNode.NONE)).isEqualTo("FFFF");
        assertThat(ReplicaIds.toNode("0aa1")).isEqualTo(ReplicaIds.toNode("0AA1"));
    }

    @Test
    void rejectsWhatTheSimulatorWouldNotAccept() {
        for (String bad : List.of("", "123", "12345", "00G0", "FFFF")) {
            assertThatThrownBy(() -> ReplicaIds.requireValid(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new ReplicaIds("0001", List.of("0001", "0002")))
                .hasMessageContaining("its own peer");
        assertThatThrownBy(() -> new ReplicaIds("0001", List.of("0002", "0002"))).hasMessageContaining("twice");
        assertThatThrownBy(() -> new ReplicaIds("0001", List.of())).hasMessageContaining("at least one other");
    }

    @Test
    void allIsSortedAndIncludesSelf() {
        assertThat(new ReplicaIds("0002", List.of("0004", "0000")).all()).containsExactly("0000", "0002", "0004");
    }
}
