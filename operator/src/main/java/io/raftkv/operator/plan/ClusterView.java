package io.raftkv.operator.plan;

import io.raftkv.operator.crd.MemberRole;
import io.raftkv.operator.raft.NodeReport;
import io.raftkv.operator.raft.RaftRole;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The observation analysed: who leads, which configuration is authoritative, which pod runs which member,
 * and which members are healthy. Pure and immutable; the planner and the status both read it.
 *
 * <p>Health follows Strimzi's quorum check: a member counts only if it is reachable, its pod is ready and
 * not terminating, it follows the current leader, its own configuration lists it (so it has replicated the
 * entry that added it, and by the log matching property everything before), and its applied index is within
 * {@code maxCatchUpLag} entries of the leader's commit index.
 */
public final class ClusterView {

    /** One member (or would-be member) as seen in this pass. */
    public record Member(long nodeId, int ordinal, MemberRole role, boolean caughtUp, boolean healthy,
                         long appliedIndex, long lag, String problem) {
    }

    private final Observation observation;
    private final long maxCatchUpLag;
    private final Optional<PodView> leader;
    private final Optional<NodeReport> configuration;
    private final Map<Long, PodView> podByNodeId = new HashMap<>();
    private final Map<Long, Member> members = new HashMap<>();

    public ClusterView(Observation observation, long maxCatchUpLag) {
        this.observation = observation;
        this.maxCatchUpLag = maxCatchUpLag;
        for (PodView pod : observation.podsInOrder()) {
            pod.report().ifPresent(r -> podByNodeId.putIfAbsent(r.nodeId(), pod));
        }
        this.leader = findLeader(observation);
        this.configuration = leader.flatMap(PodView::report).or(() -> mostRecentConfiguration(observation));
        for (long id : knownMemberIds()) {
            members.put(id, assess(id));
        }
    }

    /** The reachable pod whose node leads in the highest term. */
    private static Optional<PodView> findLeader(Observation o) {
        return o.pods().values().stream()
                .filter(p -> p.report().filter(r -> r.role() == RaftRole.LEADER && r.voters().contains(r.nodeId()))
                        .isPresent())
                .max(Comparator.comparingLong((PodView p) -> p.report().orElseThrow().term()));
    }

    /** Without a leader, the configuration of the most advanced reachable member (for status only). */
    private static Optional<NodeReport> mostRecentConfiguration(Observation o) {
        return o.pods().values().stream()
                .flatMap(p -> p.report().stream())
                .filter(NodeReport::joined)
                .max(Comparator.comparingLong(NodeReport::term).thenComparingLong(NodeReport::commitIndex));
    }

    private Set<Long> knownMemberIds() {
        Set<Long> ids = new TreeSet<>();
        configuration.ifPresent(c -> ids.addAll(c.members()));
        return ids;
    }

    private Member assess(long id) {
        PodView pod = podByNodeId.get(id);
        int ordinal = pod != null ? pod.ordinal() : observation.knownMembers().getOrDefault(id, -1);
        NodeReport config = configuration.orElseThrow();
        MemberRole role = leader.isPresent() && leaderId().getAsLong() == id ? MemberRole.Leader
                : config.learners().contains(id) ? MemberRole.Learner : MemberRole.Follower;
        if (pod == null) {
            boolean podExists = ordinal >= 0 && observation.pod(ordinal).isPresent();
            return new Member(id, ordinal, leader.isPresent() ? role : MemberRole.Unknown, false, false, -1, -1,
                    podExists ? "node not reachable" : ordinal < 0 ? "no pod is known to run it" : "pod missing");
        }
        NodeReport r = pod.report().orElseThrow();
        if (leader.isEmpty()) {
            return new Member(id, ordinal, MemberRole.Unknown, false, false, r.appliedIndex(), -1, "no leader");
        }
        NodeReport l = leader.get().report().orElseThrow();
        long lag = Math.max(0, l.commitIndex() - r.appliedIndex());
        String problem = null;
        if (!r.isMember(id)) {
            // Its log lacks the entry that added it: it holds nothing yet, however short the leader's log is
            // (a lag below maxCatchUpLag alone would pass an empty learner on a young cluster).
            problem = "has not received the configuration that added it yet";
        } else if (id != l.nodeId() && r.leaderId() != l.nodeId()) {
            problem = "does not follow the leader";
        } else if (lag > maxCatchUpLag) {
            problem = "lagging " + lag + " entries behind";
        }
        boolean caughtUp = problem == null;
        if (problem == null && pod.terminating()) {
            problem = "pod terminating";
        } else if (problem == null && !pod.ready()) {
            problem = "pod not ready";
        }
        return new Member(id, ordinal, role, caughtUp, problem == null, r.appliedIndex(), lag, problem);
    }

    public Observation observation() {
        return observation;
    }

    public Optional<PodView> leader() {
        return leader;
    }

    public OptionalLong leaderId() {
        return leader.map(p -> OptionalLong.of(p.report().orElseThrow().nodeId())).orElse(OptionalLong.empty());
    }

    /** The leader's report: its configuration and commit index are authoritative. */
    public NodeReport leaderReport() {
        return leader.orElseThrow().report().orElseThrow();
    }

    public Set<Long> voters() {
        return configuration.map(NodeReport::voters).orElse(Set.of());
    }

    public Set<Long> learners() {
        return configuration.map(NodeReport::learners).orElse(Set.of());
    }

    public boolean isRetired(long id) {
        return configuration.map(c -> c.retired().contains(id)).orElse(false);
    }

    public boolean isMember(long id) {
        return members.containsKey(id);
    }

    public Optional<Member> member(long id) {
        return Optional.ofNullable(members.get(id));
    }

    /** Members in ascending (ordinal, ID) order; unknown ordinals last. */
    public List<Member> members() {
        List<Member> list = new ArrayList<>(members.values());
        list.sort(Comparator.comparingInt((Member m) -> m.ordinal() < 0 ? Integer.MAX_VALUE : m.ordinal())
                .thenComparingLong(Member::nodeId));
        return list;
    }

    /** The pod whose node reports this ID. */
    public Optional<PodView> podRunning(long id) {
        return Optional.ofNullable(podByNodeId.get(id));
    }

    /** The node ID of pod {@code ordinal}: what it reports, else what status recorded for that ordinal. */
    public OptionalLong nodeIdAt(int ordinal) {
        Optional<NodeReport> reported = observation.pod(ordinal).flatMap(PodView::report);
        if (reported.isPresent()) {
            return OptionalLong.of(reported.get().nodeId());
        }
        List<Long> recorded = observation.knownMembers().entrySet().stream()
                .filter(e -> e.getValue() == ordinal && members.containsKey(e.getKey()) && !podByNodeId.containsKey(e.getKey()))
                .map(Map.Entry::getKey).toList();
        return recorded.size() == 1 ? OptionalLong.of(recorded.get(0)) : OptionalLong.empty();
    }

    public boolean isHealthy(long id) {
        return member(id).map(Member::healthy).orElse(false);
    }

    public boolean isCaughtUp(long id) {
        return member(id).map(Member::caughtUp).orElse(false);
    }

    public int healthyVoters(Predicate<Long> filter) {
        return (int) voters().stream().filter(filter).filter(this::isHealthy).count();
    }

    /** Voters (of the best known configuration) whose node answered. */
    public int reachableVoters() {
        return (int) voters().stream().filter(podByNodeId::containsKey).count();
    }

    /** Whether any node answered with a configuration (else nothing is known about the members). */
    public boolean configurationKnown() {
        return configuration.isPresent();
    }

    /** Voters that follow the current leader, the leader included: who can commit right now. */
    public int votersFollowingLeader() {
        if (leader.isEmpty()) {
            return 0;
        }
        long l = leaderId().getAsLong();
        return (int) voters().stream()
                .filter(id -> podRunning(id).flatMap(PodView::report)
                        .filter(r -> r.nodeId() == l || r.leaderId() == l).isPresent())
                .count();
    }

    /** Leader elected and a majority of voters healthy. */
    public boolean quorate() {
        return leader.isPresent() && healthyVoters(id -> true) >= NodeReport.quorum(voters().size());
    }

    /** Whether removing (or restarting) voter {@code id} leaves a healthy majority of the remaining voters. */
    public boolean healthyMajorityWithout(long id, int votersAfter) {
        return healthyVoters(v -> v != id) >= NodeReport.quorum(votersAfter);
    }

    /** Whether any reachable node says it has joined a cluster. */
    public boolean anyNodeJoined() {
        return observation.pods().values().stream().anyMatch(p -> p.report().filter(NodeReport::joined).isPresent());
    }

    /** Pods whose node is not a member: empty nodes waiting to join, and nodes with a retired ID. */
    public List<PodView> nonMemberPods() {
        List<PodView> list = new ArrayList<>();
        for (PodView p : observation.podsInOrder()) {
            p.report().filter(r -> !members.containsKey(r.nodeId())).ifPresent(r -> list.add(p));
        }
        return list;
    }

    /** Node IDs of members, ordered: learners first, then voters, each by ID. */
    public Set<Long> membersLearnersFirst() {
        Set<Long> ordered = new LinkedHashSet<>(new TreeSet<>(learners()));
        ordered.addAll(new TreeSet<>(voters()));
        return ordered;
    }

    public long maxCatchUpLag() {
        return maxCatchUpLag;
    }
}
