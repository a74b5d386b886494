package io.raftkv.raft;

import io.raftkv.raft.message.VoteRequest;
import io.raftkv.raft.message.VoteResponse;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The rules of elections (§5.2, §5.4.1) and of PreVote (thesis §9.6): the randomized election timeout, whom a
 * campaign asks, which answers count, when it is won or lost, and whether to grant a vote. The role changes
 * they lead to are {@link RaftNode}'s.
 */
final class Election {
    private final long self;
    private final int electionTicks;
    private final SplittableRandom random;
    private final RaftLog log;
    private final ConfigHistory configs;
    private final Outbox out;
    /** Who granted (true) or refused (false) the current (pre-)vote. */
    private final Map<Long, Boolean> votes = new HashMap<>();
    private int randomizedTimeout;

    /** The election timeouts are drawn from {@link RaftConfig#seed()}: a node's run is reproducible. */
    Election(RaftConfig cfg, RaftLog log, ConfigHistory configs, Outbox out) {
        this.self = cfg.id();
        this.electionTicks = cfg.electionTicks();
        this.random = new SplittableRandom(cfg.seed());
        this.log = log;
        this.configs = configs;
        this.out = out;
    }

    /** §5.2: each timeout is drawn at random from [electionTicks, 2 * electionTicks), so split votes are rare. */
    void resetTimeout() {
        randomizedTimeout = electionTicks + random.nextInt(electionTicks);
    }

    /** Whether {@code elapsed} ticks without hearing from a leader (or winning) end the current timeout. */
    boolean timedOut(int elapsed) {
        return elapsed >= randomizedTimeout;
    }

    /**
     * Starts a campaign for {@code term}: this node votes for itself and asks every other voter of its latest
     * configuration. A pre-vote asks "would you vote for me in {@code term}?" without anyone changing term.
     */
    void start(long term, boolean preVote, boolean transfer) {
        votes.clear();
        votes.put(self, true);
        for (long peer : configs.current().voters()) {
            if (peer != self) {
                out.send(new VoteRequest(self, peer, term, log.lastIndex(), log.lastTerm(), preVote, transfer));
            }
        }
    }

    /** No campaign runs (any more): forget its votes, so none is counted in a later one. */
    void clear() {
        votes.clear();
    }

    /**
     * Records an answer if it belongs to the campaign this node runs in {@code role} and {@code term}: a pre-vote
     * grant carries the term the node would campaign in ({@code term + 1}); a refusal may carry any term.
     * Returns whether it counted.
     */
    boolean record(VoteResponse m, Role role, long term) {
        boolean counts = (role == Role.PRE_CANDIDATE && m.preVote() && (!m.granted() || m.term() == term + 1))
                || (role == Role.CANDIDATE && !m.preVote() && m.term() == term);
        if (counts) {
            votes.put(m.from(), m.granted());
        }
        return counts;
    }

    /** Won with a majority of the latest configuration's voters; lost once a majority can no longer be reached. */
    Quorum.VoteOutcome outcome() {
        Membership m = configs.current();
        int granted = 0;
        int rejected = 0;
        for (long voter : m.voters()) {
            Boolean v = votes.get(voter);
            if (v == null) {
                continue;
            }
            if (v) {
                granted++;
            } else {
                rejected++;
            }
        }
        return Quorum.tally(granted, rejected, m.voters().size());
    }

    /**
     * Answers a (pre-)vote request of the current term. §5.2, §5.4.1: grant if we have not voted for another in
     * this term and the candidate's log is at least as up to date as ours. A pre-vote is granted on the same test
     * for the next term, and binds nobody. Returns whether a real vote was granted: the caller must record it,
     * and the answer leaves only once that is durable (a vote is a promise, Figure 2 "persistent state").
     */
    boolean answer(VoteRequest m, long votedFor, long leader, long term) {
        boolean canVote = votedFor == m.from()
                || (votedFor == RaftNode.NONE && leader == RaftNode.NONE)
                || (m.preVote() && m.term() > term);
        boolean grant = canVote && log.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
        if (m.preVote()) {
            out.send(new VoteResponse(self, m.from(), grant ? m.term() : term, true, grant));
            return false;
        }
        out.sendAfterPersist(new VoteResponse(self, m.from(), term, false, grant));
        return grant;
    }
}
