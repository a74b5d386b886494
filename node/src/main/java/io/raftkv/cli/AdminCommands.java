package io.raftkv.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.client.ClusterHealth;
import io.raftkv.client.RaftKvClient;
import io.raftkv.grpc.proto.MemberStatus;
import io.raftkv.grpc.proto.MembershipResponse;
import io.raftkv.grpc.proto.StatusResponse;
import io.raftkv.grpc.proto.TakeSnapshotResponse;
import io.raftkv.grpc.proto.TransferLeadershipResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** status, members, add-learner, promote, remove, transfer-leader, snapshot. */
final class AdminCommands {
    private AdminCommands() {
    }

    static ObjectNode statusJson(StatusResponse s) {
        ObjectNode n = Output.object();
        n.put("member_id", s.getMemberId());
        n.put("address", s.getAddress());
        n.put("role", s.getRole().name());
        n.put("term", s.getTerm());
        n.put("leader_id", s.getLeaderId());
        n.put("leader_address", s.getLeaderAddress());
        n.put("commit_index", s.getCommitIndex());
        n.put("applied_index", s.getAppliedIndex());
        n.put("last_index", s.getLastIndex());
        n.put("snapshot_index", s.getSnapshotIndex());
        n.put("revision", s.getRevision());
        n.put("key_count", s.getKeyCount());
        n.put("disk_alarm", s.getDiskAlarm());
        n.set("members", membersJson(s.getMembersList()));
        return n;
    }

    static ArrayNode membersJson(List<MemberStatus> members) {
        ArrayNode a = Output.object().arrayNode();
        for (MemberStatus m : members) {
            ObjectNode n = a.addObject();
            n.put("id", m.getId());
            n.put("address", m.getAddress());
            n.put("role", m.getRole().name());
            n.put("match_index", m.getMatchIndex());
            n.put("lag", m.getLag());
            n.put("active", m.getActive());
        }
        return a;
    }

    static String membersText(List<MemberStatus> members, boolean withProgress) {
        StringBuilder sb = new StringBuilder(String.format("%-6s %-10s %-28s", "ID", "ROLE", "ADDRESS"));
        if (withProgress) {
            sb.append(String.format(" %12s %8s %s", "MATCH", "LAG", "ACTIVE"));
        }
        for (MemberStatus m : members) {
            sb.append('\n').append(String.format("%-6d %-10s %-28s", m.getId(), m.getRole(), m.getAddress()));
            if (withProgress) {
                sb.append(String.format(" %12d %8d %s", m.getMatchIndex(), m.getLag(), m.getActive() ? "yes" : "no"));
            }
        }
        return sb.toString();
    }

    @Command(name = "status", description = {"Show the cluster's state and each member's view: role, term, "
            + "leader, commit and applied index, keys.",
            "Exit status 0: healthy; 7: degraded (a leader and a quorum, but some member does not answer); "
                    + "3: down (no leader or no quorum).",
            "With --endpoint: that one node's view only (exit status 3 if it does not answer)."})
    static final class Status extends ClientCommand {
        /** How long each member may take to answer before it counts as down. */
        static final java.time.Duration PER_MEMBER = java.time.Duration.ofSeconds(2);
        private static final String ROW = "%-6s %-24s %-10s %-6s %-6s %-10s %-10s %-10s %s";

        @Option(names = "--endpoint", paramLabel = "HOST:PORT", description = "Only this node.")
        String endpoint;

        @Override
        int run(RaftKvClient client) {
            if (endpoint != null) {
                StatusResponse s = client.status(endpoint);
                out.print(header() + "\n" + row(s), statusJson(s));
                return ExitCodes.OK;
            }
            java.time.Duration perMember = java.time.Duration.ofMillis(Math.min(PER_MEMBER.toMillis(),
                    (long) (options.timeoutSeconds * 1000)));
            ClusterHealth h = client.health(perMember);
            ArrayNode nodes = Output.object().arrayNode();
            StringBuilder text = new StringBuilder(header());
            for (ClusterHealth.Member m : h.members()) {
                if (m.answered()) {
                    nodes.add(statusJson(m.status()));
                    text.append('\n').append(row(m.status()));
                } else {
                    ObjectNode n = nodes.addObject();
                    n.put("member_id", m.id());
                    n.put("address", m.address());
                    n.put("role", m.voter() ? "VOTER" : "LEARNER");
                    n.put("error", m.error());
                    text.append('\n').append(String.format("%-6s %-24s down: %s", m.id() == 0 ? "?" : m.id(),
                            m.address(), m.error()));
                }
            }
            text.append("\ncluster: ").append(h.describe());
            ObjectNode n = Output.object();
            n.put("state", h.state().name().toLowerCase(java.util.Locale.ROOT));
            n.put("summary", h.describe());
            n.put("leader_id", h.leaderId());
            n.put("term", h.term());
            n.put("voters", h.voters());
            n.put("voters_answering", h.votersAnswering());
            n.set("nodes", nodes);
            out.print(text.toString(), n);
            return switch (h.state()) {
                case HEALTHY -> ExitCodes.OK;
                case DEGRADED -> ExitCodes.DEGRADED;
                case DOWN -> ExitCodes.UNAVAILABLE;
            };
        }

        private static String header() {
            return String.format(ROW, "ID", "ADDRESS", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "KEYS",
                    "ALARM");
        }

        private static String row(StatusResponse s) {
            return String.format(ROW, s.getMemberId(), s.getAddress(), s.getRole(), s.getTerm(), s.getLeaderId(),
                    s.getCommitIndex(), s.getAppliedIndex(), s.getKeyCount(), s.getDiskAlarm() ? "DISK" : "-");
        }
    }

    @Command(name = "members", description = "List the members with the leader's view of their progress.")
    static final class Members extends ClientCommand {
        @Override
        int run(RaftKvClient client) {
            StatusResponse s = client.leaderStatus();
            ObjectNode n = Output.object();
            n.put("leader_id", s.getMemberId());
            n.put("term", s.getTerm());
            n.put("last_index", s.getLastIndex());
            n.set("members", membersJson(s.getMembersList()));
            out.print(membersText(s.getMembersList(), true), n);
            return ExitCodes.OK;
        }
    }

    static ObjectNode membershipJson(MembershipResponse r) {
        ObjectNode n = Output.object();
        n.put("index", r.getIndex());
        n.set("members", membersJson(r.getMembersList()));
        return n;
    }

    @Command(name = "add-learner", description = "Add a non-voting member; it starts replicating at once.")
    static final class AddLearner extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The new node's ID (never used before).")
        long id;
        @Parameters(index = "1", paramLabel = "HOST:PORT", description = "The new node's gRPC address.")
        String address;

        @Override
        int run(RaftKvClient client) {
            MembershipResponse r = client.addLearner(id, address);
            out.print("added learner " + id + "\n" + membersText(r.getMembersList(), false), membershipJson(r));
            return ExitCodes.OK;
        }
    }

    @Command(name = "promote", description = "Make a caught-up learner a voter.")
    static final class Promote extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Override
        int run(RaftKvClient client) {
            MembershipResponse r = client.promoteLearner(id);
            out.print("promoted " + id + "\n" + membersText(r.getMembersList(), false), membershipJson(r));
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", description = "Remove a member for good (its ID can never be reused).")
    static final class Remove extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Override
        int run(RaftKvClient client) {
            MembershipResponse r = client.removeMember(id);
            out.print("removed " + id + "\n" + membersText(r.getMembersList(), false), membershipJson(r));
            return ExitCodes.OK;
        }
    }

    @Command(name = "transfer-leader", description = "Hand leadership to another voter.")
    static final class TransferLeader extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", defaultValue = "0",
                description = "The new leader (default: the most caught-up voter).")
        long id;

        @Override
        int run(RaftKvClient client) {
            TransferLeadershipResponse r = client.transferLeadership(id);
            ObjectNode n = Output.object();
            n.put("leader_id", r.getLeaderId());
            n.put("term", r.getTerm());
            out.print("leader is now " + r.getLeaderId() + " (term " + r.getTerm() + ")", n);
            return ExitCodes.OK;
        }
    }

    @Command(name = "snapshot", description = "Make one node snapshot its state and compact its log now.")
    static final class Snapshot extends ClientCommand {
        @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The node.")
        String endpoint;

        @Override
        int run(RaftKvClient client) {
            TakeSnapshotResponse r = client.takeSnapshot(endpoint);
            ObjectNode n = Output.object();
            n.put("index", r.getIndex());
            n.put("size_bytes", r.getSizeBytes());
            out.print("snapshot at index " + r.getIndex() + " (" + r.getSizeBytes() + " bytes)", n);
            return ExitCodes.OK;
        }
    }
}
