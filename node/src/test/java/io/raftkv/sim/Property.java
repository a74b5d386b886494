package io.raftkv.sim;

/** The properties the simulator checks (Raft paper Figure 3, plus liveness and the core's API contract). */
enum Property {
    /** At most one leader can be elected in a given term (§5.2). */
    ELECTION_SAFETY("Election Safety"),
    /** If two logs contain an entry with the same index and term, the logs are identical up to that index (§5.3). */
    LOG_MATCHING("Log Matching"),
    /** An entry committed in a term is present in the logs of the leaders of all higher terms (§5.4). */
    LEADER_COMPLETENESS("Leader Completeness"),
    /** No two servers apply different commands at the same index (§5.4.3). */
    STATE_MACHINE_SAFETY("State Machine Safety"),
    /** A running node's commit index never decreases. */
    MONOTONIC_COMMIT("Monotonic Commit Index"),
    /** A command acknowledged to a client (committed and applied) is never lost or replaced. */
    ACKNOWLEDGED_WRITES_DURABLE("Acknowledged Writes Durable"),
    /** A ReadIndex read reflects every write committed before the read was issued (thesis §6.4). */
    LINEARIZABLE_READS("Linearizable Reads"),
    /** After faults heal, a leader is elected and a new proposal commits on all live members within a bound. */
    LIVENESS("Liveness"),
    /** The core broke its own API contract (Ready ordering, storage contract, snapshot bytes, exceptions). */
    CORE_CONTRACT("Core API Contract");

    private final String title;

    Property(String title) {
        this.title = title;
    }

    String title() {
        return title;
    }
}
