package io.raftkv.raft;

import java.util.Arrays;

/** Majority arithmetic, kept pure and tiny so it can be checked by eye. */
final class Quorum {
    private Quorum() {
    }

    /**
     * The largest value that a majority of {@code acked} has reached: sort, take the majority position.
     * {@link ProgressTracker#majorityValue} asks it for the commit index (acknowledged log indexes, §5.3),
     * CheckQuorum (recent activity as 0 or 1, thesis §6.2) and ReadIndex (acknowledged rounds, thesis §6.4).
     */
    static long majorityValue(long[] acked) {
        if (acked.length == 0) {
            return 0;
        }
        long[] sorted = acked.clone();
        Arrays.sort(sorted);
        int quorum = sorted.length / 2 + 1;
        return sorted[sorted.length - quorum];
    }

    enum VoteOutcome { WON, LOST, PENDING }

    /** An election is won by a majority of grants and lost once a majority can no longer be reached. */
    static VoteOutcome tally(int granted, int rejected, int voters) {
        int quorum = voters / 2 + 1;
        if (granted >= quorum) {
            return VoteOutcome.WON;
        }
        if (rejected > voters - quorum) {
            return VoteOutcome.LOST;
        }
        return VoteOutcome.PENDING;
    }
}
