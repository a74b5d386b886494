package io.raftkv.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    @Command(name = "status", description = "Show each endpoint's view of the cluster (or one node's with --endpoint).")
    static final class Status extends ClientCommand {
        @Option(names = "--endpoint", paramLabel = "HOST:PORT", description = "Only this node.")
        String endpoint;

        @Override
        int run(RaftKvClient client) {
            List<String> targets = endpoint != null ? List.of(endpoint) : options.endpointList();
            ArrayNode all = Output.object().arrayNode();
            StringBuilder text = new StringBuilder(String.format("%-24s %-6s %-10s %-6s %-6s %-10s %-10s %-10s %s",
                    "ENDPOINT", "ID", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "KEYS", "ALARM"));
            int code = ExitCodes.OK;
            for (String t : targets) {
                try {
                    StatusResponse s = client.status(t);
                    all.add(statusJson(s));
                    text.append('\n').append(String.format("%-24s %-6d %-10s %-6d %-6d %-10d %-10d %-10d %s", t,
                            s.getMemberId(), s.getRole(), s.getTerm(), s.getLeaderId(), s.getCommitIndex(),
                            s.getAppliedIndex(), s.getKeyCount(), s.getDiskAlarm() ? "DISK" : "-"));
                } catch (io.raftkv.client.RaftKvException e) {
                    ObjectNode n = all.addObject();
                    n.put("endpoint", t);
                    n.put("error", e.toString());
                    text.append('\n').append(String.format("%-24s unreachable: %s", t, e.getMessage()));
                    code = ExitCodes.UNAVAILABLE;
                }
            }
            ObjectNode n = Output.object();
            n.set("nodes", all);
            out.print(text.toString(), n);
            return code;
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
