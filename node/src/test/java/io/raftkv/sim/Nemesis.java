package io.raftkv.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Injects random faults while active: symmetric and asymmetric partitions, isolating the leader, crashes (with a
 * restart some ticks later), pauses, and changing network conditions (loss, duplication, long delays that
 * reorder messages). Every choice comes from the cluster's seeded random source.
 */
final class Nemesis {

    private final Cluster cluster;
    private final SplittableRandom random;
    private final int minGapTicks;
    private final int maxGapTicks;
    private boolean active;

    private long partitions;
    private long crashes;
    private long pauses;
    private long networkChanges;

    Nemesis(Cluster cluster, int minGapTicks, int maxGapTicks) {
        this.cluster = cluster;
        this.random = cluster.random();
        this.minGapTicks = minGapTicks;
        this.maxGapTicks = maxGapTicks;
    }

    void start() {
        active = true;
        scheduleNext();
    }

    void stop() {
        active = false;
    }

    private void scheduleNext() {
        int ticks = minGapTicks + random.nextInt(maxGapTicks - minGapTicks + 1);
        cluster.schedule((long) ticks * cluster.settings().tickInterval(), "nemesis", 0, null, () -> {
            if (active) {
                strike();
                scheduleNext();
            }
        });
    }

    private void strike() {
        List<SimNode> nodes = new ArrayList<>();
        for (SimNode n : cluster.nodes()) {
            if (n.state() != SimNode.State.DECOMMISSIONED) {
                nodes.add(n);
            }
        }
        if (nodes.isEmpty()) {
            return;
        }
        int dice = random.nextInt(100);
        if (dice < 20) {
            randomPartition(nodes);
        } else if (dice < 30) {
            SimNode leader = cluster.leader();
            if (leader != null) {
                cluster.isolate(leader.id);
                partitions++;
            }
        } else if (dice < 40) {
            SimNode a = pick(nodes);
            SimNode b = pick(nodes);
            if (a != b) {
                cluster.cut(a.id).to(b.id);
                partitions++;
            }
        } else if (dice < 55) {
            cluster.healLinks();
        } else if (dice < 70) {
            crashAndRestartLater(dice < 62 || cluster.leader() == null ? pick(nodes) : cluster.leader());
        } else if (dice < 78) {
            pauseForAWhile(pick(nodes));
        } else {
            changeNetwork();
        }
    }

    private void randomPartition(List<SimNode> nodes) {
        List<Long> a = new ArrayList<>();
        List<Long> b = new ArrayList<>();
        for (SimNode n : nodes) {
            (random.nextBoolean() ? a : b).add(n.id);
        }
        if (a.isEmpty() || b.isEmpty()) {
            return;
        }
        cluster.partition(a.stream().mapToLong(Long::longValue).toArray())
                .from(b.stream().mapToLong(Long::longValue).toArray());
        partitions++;
    }

    private void crashAndRestartLater(SimNode n) {
        if (!n.isAlive()) {
            return;
        }
        cluster.crash(n.id);
        crashes++;
        long delay = (long) (1 + random.nextInt(30)) * cluster.settings().tickInterval();
        cluster.schedule(delay, "restart", n.id, null, () -> {
            if (n.state() == SimNode.State.DOWN) {
                cluster.restart(n.id);
            }
        });
    }

    private void pauseForAWhile(SimNode n) {
        if (!n.isRunning()) {
            return;
        }
        cluster.pause(n.id);
        pauses++;
        long delay = (long) (1 + random.nextInt(30)) * cluster.settings().tickInterval();
        cluster.schedule(delay, "resume", n.id, null, () -> cluster.resume(n.id));
    }

    private void changeNetwork() {
        networkChanges++;
        SimNetwork net = cluster.network();
        SimSettings s = cluster.settings();
        if (random.nextInt(3) == 0) {
            net.reliable(s.minNetDelay(), s.maxNetDelay());
        } else {
            net.unreliable(random.nextDouble() * 0.3, random.nextDouble() * 0.1, random.nextDouble() * 0.2,
                    s.tickInterval() * (1 + random.nextInt(20)));
        }
    }

    private SimNode pick(List<SimNode> nodes) {
        return nodes.get(random.nextInt(nodes.size()));
    }

    long partitions() {
        return partitions;
    }

    long crashes() {
        return crashes;
    }

    long pauses() {
        return pauses;
    }

    long networkChanges() {
        return networkChanges;
    }
}
