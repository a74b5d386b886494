package io.raftkv.client;

import io.raftkv.grpc.proto.MemberStatus;
import io.raftkv.grpc.proto.Role;
import io.raftkv.grpc.proto.StatusResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Asks every endpoint, then every member address the answers name, for its Status (in parallel, each call
 * bounded by the caller), and assembles a {@link ClusterHealth}. Two rounds, so that one reachable endpoint is
 * enough to learn about all members and count the ones that are down.
 */
final class ClusterProbe {
    private ClusterProbe() {
    }

    /** An endpoint's answer, or why there was none. */
    private record Answer(StatusResponse status, String error, boolean unreachable) {
    }

    static CompletableFuture<ClusterHealth> run(List<String> endpoints,
                                                Function<String, CompletableFuture<StatusResponse>> status) {
        Map<String, Answer> answers = new LinkedHashMap<>();
        return ask(endpoints, status, answers).thenCompose(x -> {
            Set<String> more = new LinkedHashSet<>();
            newest(answers).ifPresent(s -> s.getMembersList().stream().map(MemberStatus::getAddress)
                    .filter(a -> !a.isEmpty() && !answers.containsKey(a)).forEach(more::add));
            return ask(List.copyOf(more), status, answers);
        }).thenApply(x -> assemble(endpoints, answers));
    }

    private static CompletableFuture<Void> ask(List<String> targets,
                                               Function<String, CompletableFuture<StatusResponse>> status,
                                               Map<String, Answer> answers) {
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (String t : targets) {
            CompletableFuture<StatusResponse> call;
            try {
                call = status.apply(t);
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            calls.add(call.handle((s, e) -> {
                synchronized (answers) {
                    answers.put(t, new Answer(s, e == null ? null : TransportErrors.describe(e),
                            e != null && TransportErrors.unreachable(e) != null));
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }

    /** The answer with the newest view of the membership: a leader's, else the highest term's. */
    private static java.util.Optional<StatusResponse> newest(Map<String, Answer> answers) {
        synchronized (answers) {
            return answers.values().stream().map(Answer::status).filter(s -> s != null)
                    .max(Comparator.comparing((StatusResponse s) -> s.getRole() == Role.LEADER)
                            .thenComparingLong(StatusResponse::getTerm));
        }
    }

    private static ClusterHealth assemble(List<String> endpoints, Map<String, Answer> answers) {
        StatusResponse newest = newest(answers).orElse(null);
        Map<Long, StatusResponse> byId = new LinkedHashMap<>();
        answers.values().stream().map(Answer::status).filter(s -> s != null).forEach(s -> byId.put(s.getMemberId(), s));
        List<ClusterHealth.Member> members = new ArrayList<>();
        Set<String> covered = new LinkedHashSet<>();
        if (newest != null) {
            for (MemberStatus m : newest.getMembersList()) {
                StatusResponse own = byId.get(m.getId());
                Answer probed = answers.get(m.getAddress());
                String error = own != null ? null : probed != null && probed.error() != null ? probed.error()
                        : probed != null ? "answers as node " + probed.status().getMemberId() : "not asked";
                members.add(new ClusterHealth.Member(m.getId(), m.getAddress(), ClusterHealth.isVoter(m.getRole()),
                        own, error, own == null && probed != null && probed.unreachable()));
                covered.add(m.getAddress());
                if (own != null) {
                    covered.add(own.getAddress());
                }
            }
        }
        for (String e : endpoints) {
            Answer a = answers.get(e);
            if (a != null && a.status() == null && !covered.contains(e)) {
                members.add(new ClusterHealth.Member(0, e, newest == null, null, a.error(), a.unreachable()));
            }
        }
        long leader = 0;
        long term = 0;
        for (StatusResponse s : byId.values()) {
            term = Math.max(term, s.getTerm());
            if (s.getRole() == Role.LEADER && s.getTerm() >= term) {
                leader = s.getMemberId();
            }
        }
        long leaderTerm = leader == 0 ? 0 : byId.get(leader).getTerm();
        return new ClusterHealth(List.copyOf(members), leaderTerm == term ? leader : 0, term);
    }
}
