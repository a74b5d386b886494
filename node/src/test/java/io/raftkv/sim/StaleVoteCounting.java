package io.raftkv.sim;

import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.VoteRequest;
import io.raftkv.raft.message.VoteResponse;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A deliberately injected bug, for proving that the simulator catches it: "the candidate counts votes from a
 * stale term". Whenever a candidate asks for votes in term T, every node that ever granted it a vote in an
 * earlier term is counted again, as if that old grant were for T. The core receives exactly what a candidate
 * with that bug would count, so the run ends in an Election Safety violation once two candidates compete in
 * one term.
 *
 * <p>Only for {@link InjectedBugDetectionTest}; never installed in the normal sweep.
 */
final class StaleVoteCounting implements SimNetwork.Tamperer {

    /** voter -> (candidate -> latest term in which the voter granted that candidate its vote). */
    private final Map<Long, Map<Long, Long>> grants = new HashMap<>();

    @Override
    public void onSend(Message m, Consumer<Message> forge) {
        if (m instanceof VoteResponse r && r.granted() && !r.preVote()) {
            grants.computeIfAbsent(r.from(), v -> new HashMap<>()).merge(r.to(), r.term(), Math::max);
        } else if (m instanceof VoteRequest q && !q.preVote()) {
            Long staleTerm = grants.getOrDefault(q.to(), Map.of()).get(q.from());
            if (staleTerm != null && staleTerm < q.term()) {
                forge.accept(new VoteResponse(q.to(), q.from(), q.term(), false, true));
            }
        }
    }
}
