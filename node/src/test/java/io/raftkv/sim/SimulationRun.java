package io.raftkv.sim;

import io.raftkv.raft.RaftConfig;

import java.util.SplittableRandom;

/**
 * One seeded random run: a cluster whose size, Raft configuration and fault mix are drawn from the seed, a
 * fault phase of {@code steps} steps with random clients and a random nemesis, then every fault heals and the
 * cluster must elect a leader and commit a new proposal on all live members within {@link #LIVENESS_TICKS}
 * ticks. Every step is checked against the invariants; the first violation ends the run.
 */
final class SimulationRun {

    /**
     * Bound, in ticks after healing, for electing a leader and committing a proposal on every live member. Many
     * election timeouts: repeated split votes, a member catching up from far behind through snapshots.
     */
    static final int LIVENESS_TICKS = 400;

    /** What one run did; {@code failure} is null if every check passed. */
    record Result(long seed, long steps, long virtualTime, String failure, Property violated, Stats stats,
                  String shape) {
        boolean ok() {
            return failure == null;
        }
    }

    /** Counters that show a run (or a sweep) exercised what it claims to. */
    record Stats(long leaderTerms, long acks, long readsOk, long snapshotsInstalled, long crashes, long partitions,
                 long pauses, long networkChanges, long messages, long healTicks, int finalMembers, long fingerprint) {
        Stats plus(Stats o) {
            return new Stats(leaderTerms + o.leaderTerms, acks + o.acks, readsOk + o.readsOk,
                    snapshotsInstalled + o.snapshotsInstalled, crashes + o.crashes, partitions + o.partitions,
                    pauses + o.pauses, networkChanges + o.networkChanges, messages + o.messages,
                    Math.max(healTicks, o.healTicks), Math.max(finalMembers, o.finalMembers),
                    HashChain.mix(fingerprint + o.fingerprint));
        }

        static final Stats ZERO = new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * Whether random runs may use quorum fanout (a quarter of them do). On by default now that
     * {@code Membership} iterates in sorted order; {@code -Dsim.fanout=false} turns it off.
     */
    static final boolean QUORUM_FANOUT = !"false".equals(System.getProperty("sim.fanout"));

    private SimulationRun() {
    }

    /** The command that replays one seed. */
    static String replayCommand(long seed, long steps) {
        return "./mvnw -B -pl node test -Dtest=SimulationSweepTest -Dsim.seed=" + seed
                + (steps == SimulationSweepTest.DEFAULT_STEPS ? "" : " -Dsim.steps=" + steps)
                + (QUORUM_FANOUT ? "" : " -Dsim.fanout=false");
    }

    static Result run(long seed, long steps) {
        return run(seed, steps, null);
    }

    /** Runs one seed; {@code bug}, if not null, tampers with the network to inject a known bug on purpose. */
    static Result run(long seed, long steps, SimNetwork.Tamperer bug) {
        SplittableRandom choose = new SplittableRandom(seed);
        int voters = pickVoters(choose);
        SimSettings settings = pickSettings(choose);
        boolean membership = choose.nextInt(2) == 0;
        boolean transfers = choose.nextInt(2) == 0;
        Cluster cluster = new Cluster(choose.nextLong(), voters, settings);
        if (bug != null) {
            cluster.network().tamperer(bug);
        }
        Workload workload = new Workload(cluster, membership, transfers);
        Nemesis nemesis = new Nemesis(cluster, 1, 2 * settings.raft().electionTicks());
        long healTicks = 0;
        try {
            cluster.start();
            workload.start();
            nemesis.start();
            cluster.runSteps(steps);
            workload.stop();
            nemesis.stop();
            cluster.heal();
            long healedAt = cluster.now();
            cluster.awaitLiveness(LIVENESS_TICKS);
            healTicks = (cluster.now() - healedAt) / settings.tickInterval();
            return new Result(seed, cluster.steps(), cluster.now(), null, null,
                    stats(cluster, nemesis, healTicks), shape(voters, settings, membership, transfers));
        } catch (InvariantViolation v) {
            return new Result(seed, cluster.steps(), cluster.now(),
                    report(seed, steps, voters, settings, membership, transfers, cluster, v, bug), v.property(),
                    stats(cluster, nemesis, healTicks), shape(voters, settings, membership, transfers));
        } catch (RuntimeException | StackOverflowError e) {
            InvariantViolation v = new InvariantViolation(Property.CORE_CONTRACT, "unexpected " + e, e);
            return new Result(seed, cluster.steps(), cluster.now(),
                    report(seed, steps, voters, settings, membership, transfers, cluster, v, bug), v.property(),
                    stats(cluster, nemesis, healTicks), shape(voters, settings, membership, transfers));
        }
    }

    /** A one-line summary of what a seed chose, for sweep listings. */
    private static String shape(int voters, SimSettings s, boolean membership, boolean transfers) {
        return voters + " voters" + (s.raft().preVote() ? " prevote" : "") + (s.raft().checkQuorum() ? " checkquorum" : "")
                + (s.raft().quorumFanout() ? " fanout" : "") + (membership ? " membership" : "")
                + (transfers ? " transfers" : "") + " maxmsg " + s.raft().maxMessageBytes() + " inflight "
                + s.raft().maxInflightMessages();
    }

    private static int pickVoters(SplittableRandom r) {
        int dice = r.nextInt(100);
        return dice < 50 ? 3 : dice < 90 ? 5 : dice < 95 ? 1 : 2;
    }

    private static SimSettings pickSettings(SplittableRandom r) {
        RaftConfig base = RaftConfig.defaults(1, 0);
        int election = 10;
        int heartbeat = 1 + r.nextInt(3);
        int dice = r.nextInt(4);
        boolean preVote = dice != 1;
        boolean checkQuorum = dice != 2;
        int maxMessage = new int[] {128, 1024, 1 << 20}[r.nextInt(3)];
        int inflight = new int[] {1, 4, 256}[r.nextInt(3)];
        long uncommitted = r.nextInt(4) == 0 ? 2048 : base.maxUncommittedBytes();
        RaftConfig raft = new RaftConfig(1, election, heartbeat, preVote, checkQuorum, maxMessage, inflight,
                base.maxInflightBytes(), uncommitted, Math.max(maxMessage, base.maxIncomingEntryBytes()),
                r.nextBoolean(), r.nextInt(4) == 0 && QUORUM_FANOUT, 0);
        int tick = 100;
        int maxNet = 5 + r.nextInt(40);
        int maxDisk = 1 + r.nextInt(30);
        int snapshotEvery = new int[] {10, 40, 150, Integer.MAX_VALUE / 2}[r.nextInt(4)];
        int padding = new int[] {0, 300, 3000}[r.nextInt(3)];
        int retain = new int[] {0, 5, 50}[r.nextInt(3)];
        return new SimSettings(raft, tick, r.nextBoolean() ? 0 : 10, 1, maxNet, 1, maxDisk, snapshotEvery, padding,
                retain);
    }

    private static Stats stats(Cluster c, Nemesis n, long healTicks) {
        long installs = 0;
        for (SimNode node : c.nodes()) {
            installs += node.snapshotsInstalled();
        }
        int members = c.leader() == null ? 0 : c.leader().raft().membership().members().size();
        return new Stats(c.invariants().elections.termsWithLeader(), c.invariants().clients.acks(),
                c.invariants().clients.readsOk(), installs, n.crashes(), n.partitions(), n.pauses(),
                n.networkChanges(), c.network().sent(), healTicks, members, c.fingerprint());
    }

    private static String report(long seed, long steps, int voters, SimSettings settings, boolean membership,
                                 boolean transfers, Cluster cluster, InvariantViolation v, SimNetwork.Tamperer bug) {
        StringBuilder sb = new StringBuilder();
        sb.append("SIMULATION FAILED — ").append(v.getMessage()).append('\n');
        sb.append("  seed ").append(seed).append(", failed at step ").append(cluster.steps()).append(" of ")
                .append(steps).append(" (virtual time ").append(cluster.now()).append(")\n");
        sb.append("  replay: ").append(replayCommand(seed, steps));
        if (bug != null) {
            sb.append(" (this run had the bug ").append(bug.getClass().getSimpleName())
                    .append(" injected on purpose; replay it through InjectedBugDetectionTest)");
        }
        sb.append('\n');
        sb.append("  cluster of ").append(voters).append(" voters; membership changes ").append(membership)
                .append(", leadership transfers ").append(transfers).append('\n');
        sb.append("  ").append(settings).append('\n');
        sb.append("  nodes: ").append(cluster.describe()).append('\n');
        sb.append("  last events:\n").append(cluster.trace().format());
        if (v.getCause() != null) {
            java.io.StringWriter w = new java.io.StringWriter();
            v.getCause().printStackTrace(new java.io.PrintWriter(w));
            sb.append("  cause: ").append(w);
        }
        return sb.toString();
    }
}
