package io.raftkv.raft;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;

/**
 * A leader's {@link Progress} for every other member of the configuration it follows, and the one question
 * asked of them in three guises: what value has a majority of voters reached ({@link #majorityValue})?
 * The commit index (§5.3, §5.4.2), CheckQuorum (thesis §6.2) and ReadIndex confirmation (thesis §6.4) are that
 * question about acknowledged indexes, recent activity and acknowledged read rounds. Lives for one term.
 */
final class ProgressTracker {
    private final long self;
    private final int maxInflight;
    private final long maxInflightBytes;
    // A HashMap, not a TreeMap: the order of sends within one Ready follows its iteration order, which the
    // seeded simulator's recorded runs depend on; nothing else does.
    private final Map<Long, Progress> peers = new HashMap<>();
    /** The same Progress objects, for queries that need no order and should not allocate an iterator. */
    private final List<Progress> all = new ArrayList<>();
    private Membership membership;

    /** Tracks every member of {@code membership} but {@code self}, each probed from {@code next}. */
    ProgressTracker(long self, Membership membership, long next, int maxInflight, long maxInflightBytes) {
        this.self = self;
        this.maxInflight = maxInflight;
        this.maxInflightBytes = maxInflightBytes;
        follow(membership, next);
    }

    /**
     * Follows a new configuration: new members are probed from {@code next}, removed ones forgotten (thesis §4.1:
     * a configuration is used as soon as it is in the log).
     */
    void follow(Membership next, long nextIndex) {
        this.membership = next;
        for (long peer : next.members()) {
            if (peer != self && !peers.containsKey(peer)) {
                peers.put(peer, new Progress(nextIndex, maxInflight, maxInflightBytes));
            }
        }
        peers.keySet().removeIf(peer -> !next.isMember(peer));
        all.clear();
        all.addAll(peers.values());
    }

    Membership membership() {
        return membership;
    }

    /** The follower's progress, or null if it is not a member. */
    Progress get(long peer) {
        return peers.get(peer);
    }

    void forEach(BiConsumer<Long, Progress> action) {
        peers.forEach(action);
    }

    /**
     * The largest value that a majority of voters has reached, where this node contributes {@code selfValue}
     * (if it is a voter) and each other voter {@code valueOf} its progress (0 if unknown).
     */
    long majorityValue(long selfValue, ToLongFunction<Progress> valueOf) {
        long[] values = new long[membership.voters().size()];
        int i = 0;
        for (long v : membership.voters()) {
            if (v == self) {
                values[i++] = selfValue;
            } else {
                Progress pr = peers.get(v);
                values[i++] = pr == null ? 0 : valueOf.applyAsLong(pr);
            }
        }
        return Quorum.majorityValue(values);
    }

    /** The highest index a majority of voters stores durably, this node having {@code selfDurable} (§5.3). */
    long majorityMatch(long selfDurable) {
        return majorityValue(selfDurable, Progress::match);
    }

    /** Whether a majority of voters (this node included) was heard from in this CheckQuorum period (thesis §6.2). */
    boolean quorumRecentlyActive() {
        return majorityValue(1, pr -> pr.recentlyActive() ? 1 : 0) >= 1;
    }

    /** The highest ReadIndex round a majority acknowledged, this node being in {@code currentRound} (thesis §6.4). */
    long majorityReadRound(long currentRound) {
        return majorityValue(currentRound, Progress::ackedReadRound);
    }

    /** Starts a new CheckQuorum period: every follower must be heard from again. */
    void forgetRecentActivity() {
        for (int i = 0; i < all.size(); i++) {
            all.get(i).forgetRecentActivity();
        }
    }

    /** Whether some follower has not been told a commit index it could use. */
    boolean anyLacksCommit(long committed) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).lacksCommit(committed)) {
                return true;
            }
        }
        return false;
    }

    /** The voter (not this node) holding the longest log, if it holds all of {@code lastIndex}; else NONE. */
    long caughtUpVoter(long lastIndex) {
        long best = RaftNode.NONE;
        long bestMatch = -1;
        for (long v : membership.voters()) {
            Progress pr = peers.get(v);
            if (v != self && pr != null && pr.match() > bestMatch) {
                best = v;
                bestMatch = pr.match();
            }
        }
        return bestMatch == lastIndex ? best : RaftNode.NONE;
    }

    /** The other voters, those that acknowledged most recently first. */
    List<Long> votersByResponsiveness() {
        List<Long> voters = new ArrayList<>();
        for (long v : membership.voters()) {
            if (v != self && peers.containsKey(v)) {
                voters.add(v);
            }
        }
        voters.sort((a, b) -> Long.compare(peers.get(b).lastAckSeq(), peers.get(a).lastAckSeq()));
        return voters;
    }

    /** Each follower's progress for {@link NodeStatus}, and this node's own as {@code SELF}. */
    Map<Long, NodeStatus.PeerProgress> status(long selfDurable, long selfLast) {
        Map<Long, NodeStatus.PeerProgress> out = new TreeMap<>();
        peers.forEach((peer, p) -> out.put(peer,
                new NodeStatus.PeerProgress(p.match(), p.next(), p.state().name(), p.recentlyActive())));
        out.put(self, new NodeStatus.PeerProgress(selfDurable, selfLast + 1, "SELF", true));
        return Collections.unmodifiableMap(out);
    }
}
