package io.raftkv.sim;

import io.raftkv.raft.RaftNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcd-style transcript tests: a scripted run whose every delivered message and every change of a node's role,
 * term or commit index is written out and compared with a golden file under
 * {@code src/test/resources/sim/transcripts/}. A change in the core's behaviour shows up as a reviewable diff of
 * that file. After an intended change, regenerate with
 * {@code ./mvnw -B -pl node test -Dtest=TranscriptTest -Dsim.updateGolden=true} and review the diff.
 */
class TranscriptTest {

    private static final Path GOLDEN_DIR = Path.of("src", "test", "resources", "sim", "transcripts");

    @Test
    void electionWritesPartitionAndHeal() throws IOException {
        Cluster c = new Cluster(11, 3, SimSettings.defaults()).start();
        Transcript t = new Transcript(c);
        c.play(() -> {
            t.say("run until a leader is elected");
            c.runUntil(c::hasLeader, 50, "a leader");
            long leader = c.leaderId();
            t.say("propose two commands at n" + leader);
            Proposal first = c.propose(leader);
            Proposal second = c.propose(leader);
            c.runUntil(() -> c.allMembersApplied(second.index) && first.committed(), 50, "both applied everywhere");
            t.say("isolate the leader n" + leader);
            c.isolate(leader);
            c.runUntil(() -> c.leader() != null && c.leader().id != leader, 50, "a new leader");
            t.say("heal all links");
            c.healLinks();
            c.runUntil(() -> c.node(leader).raft().leader() == c.leaderId(), 50, "the old leader follows");
            t.say("done");
        });
        compareWithGolden("election-writes-partition-heal.txt", t.text());
    }

    /** Collects the lines of a transcript while the cluster runs. */
    private static final class Transcript {
        private final List<String> lines = new ArrayList<>();
        private final Map<Long, String> lastState = new HashMap<>();
        private final Cluster cluster;

        Transcript(Cluster cluster) {
            this.cluster = cluster;
            cluster.afterEachStep(e -> {
                if ("deliver".equals(e.kind())) {
                    lines.add("t=" + e.time() + " deliver " + e.detail());
                }
                noteStateChanges(e.time());
            });
        }

        void say(String command) {
            lines.add("> " + command);
        }

        private void noteStateChanges(long time) {
            for (SimNode n : cluster.nodes()) {
                String state = !n.isRunning() ? n.state().toString()
                        : n.raft().role() + " term " + n.raft().term() + " commit " + n.raft().commitIndex()
                        + (n.raft().leader() == RaftNode.NONE ? "" : " leader n" + n.raft().leader());
                if (!state.equals(lastState.put(n.id, state))) {
                    lines.add("t=" + time + " n" + n.id + " is " + state);
                }
            }
        }

        String text() {
            return String.join("\n", lines) + "\n";
        }
    }

    private static void compareWithGolden(String name, String actual) throws IOException {
        Path golden = GOLDEN_DIR.resolve(name);
        if (Boolean.getBoolean("sim.updateGolden")) {
            Files.createDirectories(GOLDEN_DIR);
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
            return;
        }
        assertThat(golden).as("golden transcript %s (create it with -Dsim.updateGolden=true and review it)", golden)
                .exists();
        String expected = Files.readString(golden, StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            String[] e = expected.split("\n", -1);
            String[] a = actual.split("\n", -1);
            int i = 0;
            while (i < e.length && i < a.length && e[i].equals(a[i])) {
                i++;
            }
            throw new AssertionError("transcript " + name + " differs from the golden file at line " + (i + 1)
                    + ":\n  expected: " + (i < e.length ? e[i] : "<end>") + "\n  actual:   "
                    + (i < a.length ? a[i] : "<end>") + "\nIf the change is intended, regenerate with "
                    + "-Dsim.updateGolden=true and review the diff of " + golden);
        }
    }
}
