package io.raftkv.client;

import io.raftkv.grpc.proto.Role;
import io.raftkv.grpc.proto.StatusResponse;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a round of Status calls to every member found: who answered, who leads, and whether a majority of the
 * voters is up. The client phrases its "no leader" errors from it, and {@code raftkv status} prints it.
 *
 * @param members every member the answering nodes know (from the newest membership seen), then any endpoint
 *                that did not answer and is not a known member's address (ID 0)
 * @param leaderId the leader an answering node reports as LEADER itself, else 0
 * @param term     the highest term among the answers (0 if none)
 */
public record ClusterHealth(List<Member> members, long leaderId, long term) {

    /** What a script can act on. */
    public enum State {
        /** A leader, and every member answers. */
        HEALTHY,
        /** A leader and a majority of voters answer, but some member does not. */
        DEGRADED,
        /** No leader: too few voters answer, or an election has not finished. */
        DOWN
    }

    /**
     * One member, or one endpoint that did not answer.
     *
     * @param status its own Status answer, or null if it did not answer
     * @param error  why it did not answer (e.g. "connection refused"), or null
     * @param unreachable nothing listens at its address, or the name does not resolve (not merely slow)
     */
    public record Member(long id, String address, boolean voter, StatusResponse status, String error,
                         boolean unreachable) {
        public boolean answered() {
            return status != null;
        }
    }

    public State state() {
        if (leaderId == 0 || votersAnswering() < majority()) {
            return State.DOWN;
        }
        return members.stream().allMatch(Member::answered) ? State.HEALTHY : State.DEGRADED;
    }

    public int voters() {
        return (int) members.stream().filter(Member::voter).count();
    }

    public int votersAnswering() {
        return (int) members.stream().filter(m -> m.voter() && m.answered()).count();
    }

    public int majority() {
        return voters() / 2 + 1;
    }

    public boolean anyAnswered() {
        return members.stream().anyMatch(Member::answered);
    }

    /** True if fewer than a majority of the voters answered (some may only be slow). */
    public boolean quorumLost() {
        return votersAnswering() < majority();
    }

    /**
     * True if no leader can be elected until voters come back: so many are unreachable (connection refused,
     * unknown host) that the rest cannot form a majority. A voter that is merely slow to answer does not count,
     * so that an overloaded cluster is never mistaken for a broken one.
     */
    public boolean quorumCertainlyLost() {
        long unreachable = members.stream().filter(m -> m.voter() && m.unreachable()).count();
        return voters() - unreachable < majority();
    }

    public Optional<Member> member(long id) {
        return members.stream().filter(m -> m.id() == id).findFirst();
    }

    /** One line for people, e.g. "no leader: 1 of 3 members answered; a majority (2) is needed". */
    public String describe() {
        if (!anyAnswered()) {
            return "no member answered: " + members.stream().map(m -> m.address() + " (" + m.error() + ")")
                    .collect(Collectors.joining(", "));
        }
        String count = votersAnswering() + " of " + voters() + " members answered";
        return switch (state()) {
            case DOWN -> quorumLost() ? "no leader: " + count + "; a majority (" + majority() + ") is needed"
                    + down() : "no leader yet: " + count + " (term " + term + "); an election is under way";
            case DEGRADED -> "degraded: leader " + leaderId + " (term " + term + "), " + count + down();
            case HEALTHY -> "healthy: leader " + leaderId + " (term " + term + "), " + count;
        };
    }

    private String down() {
        String silent = members.stream().filter(m -> !m.answered())
                .map(m -> (m.id() != 0 ? "node " + m.id() + " " : "") + m.address() + " (" + m.error() + ")")
                .collect(Collectors.joining(", "));
        return silent.isEmpty() ? "" : "; not answering: " + silent;
    }

    static boolean isVoter(Role r) {
        return r == Role.LEADER || r == Role.FOLLOWER || r == Role.CANDIDATE || r == Role.PRE_CANDIDATE;
    }
}
