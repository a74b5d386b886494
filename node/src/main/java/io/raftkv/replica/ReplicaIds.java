package io.raftkv.replica;

import io.raftkv.raft.RaftNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The simulator names every party with four upper-case hex digits ({@code 0000}…{@code FFFF}); {@code FFFF}
 * means "everyone" as a destination and "unknown" as a leader. The Raft core needs non-zero numeric IDs
 * ({@link RaftNode#NONE} is 0), so replica {@code XXXX} is node {@code 0xXXXX + 1}.
 */
public final class ReplicaIds {
    /** Broadcast destination, and "no leader known" in the {@code leader} field. */
    public static final String UNKNOWN = "FFFF";

    private final String self;
    private final List<String> peers;

    public ReplicaIds(String self, List<String> peers) {
        this.self = requireValid(self);
        Set<String> unique = new LinkedHashSet<>();
        for (String p : peers) {
            String id = requireValid(p);
            if (id.equals(this.self)) {
                throw new IllegalArgumentException("replica " + id + " is listed as its own peer");
            }
            if (!unique.add(id)) {
                throw new IllegalArgumentException("replica " + id + " is listed twice");
            }
        }
        if (unique.isEmpty()) {
            throw new IllegalArgumentException("need at least one other replica");
        }
        this.peers = List.copyOf(unique);
    }

    public String self() {
        return self;
    }

    public List<String> peers() {
        return peers;
    }

    /** Every replica, this one included, sorted. */
    public List<String> all() {
        List<String> all = new ArrayList<>(peers);
        all.add(self);
        Collections.sort(all);
        return all;
    }

    public boolean isPeer(String id) {
        return peers.contains(id);
    }

    /** The Raft node ID of a replica name. */
    public static long toNode(String id) {
        return Long.parseLong(requireValid(id), 16) + 1;
    }

    /** The replica name of a Raft node ID; {@link RaftNode#NONE} becomes {@link #UNKNOWN}. */
    public static String toName(long node) {
        if (node == RaftNode.NONE) {
            return UNKNOWN;
        }
        if (node < 1 || node > 0xFFFF) {
            throw new IllegalArgumentException("node ID " + node + " has no 4-hex-digit replica name");
        }
        return String.format(Locale.ROOT, "%04X", node - 1);
    }

    /** True for exactly four hex digits (either case, as the simulator accepts). */
    public static boolean isValid(String id) {
        if (id == null || id.length() != 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (Character.digit(id.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Returns the ID in upper case, or throws naming what is wrong with it. */
    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("not a replica ID (four hex digits): '" + id + "'");
        }
        String upper = id.toUpperCase(Locale.ROOT);
        if (upper.equals(UNKNOWN)) {
            throw new IllegalArgumentException("FFFF is the broadcast address, not a replica ID");
        }
        return upper;
    }
}
