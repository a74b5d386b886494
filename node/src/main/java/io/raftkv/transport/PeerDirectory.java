package io.raftkv.transport;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each node can be reached (node ID to gRPC "host:port"). Filled from the configured peers, from the
 * replicated address book (members added at run time), and from the sender address of incoming peer calls, so
 * that a node that has just joined can answer a leader it has not yet learned about.
 */
public final class PeerDirectory {
    private final Map<Long, String> addresses = new ConcurrentHashMap<>();
    private volatile Runnable onChange = () -> { };

    public String address(long id) {
        return addresses.get(id);
    }

    /** Records an address; returns true if it is new or changed. */
    public boolean put(long id, String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        String old = addresses.put(id, address);
        boolean changed = !address.equals(old);
        if (changed) {
            onChange.run();
        }
        return changed;
    }

    /** Learns an address only if none is known yet (hints from incoming calls never override configuration). */
    public void hint(long id, String address) {
        if (address != null && !address.isBlank() && addresses.putIfAbsent(id, address) == null) {
            onChange.run();
        }
    }

    public Map<Long, String> all() {
        return new TreeMap<>(addresses);
    }

    void onChange(Runnable r) {
        this.onChange = r;
    }
}
