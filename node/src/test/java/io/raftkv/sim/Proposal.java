package io.raftkv.sim;

/**
 * A client command the core accepted at ({@code index}, {@code term}). It becomes committed when some node
 * applies that very entry, acknowledged when the node it was proposed to applies it (the client gets its
 * answer), and lost when a different entry is applied at its index.
 */
final class Proposal {

    enum Outcome { PENDING, COMMITTED, ACKNOWLEDGED, LOST }

    final long proposer;
    final long index;
    final long term;
    final long commandHash;
    private Outcome outcome = Outcome.PENDING;

    Proposal(long proposer, long index, long term, long commandHash) {
        this.proposer = proposer;
        this.index = index;
        this.term = term;
        this.commandHash = commandHash;
    }

    Outcome outcome() {
        return outcome;
    }

    void outcome(Outcome o) {
        outcome = o;
    }

    boolean committed() {
        return outcome == Outcome.COMMITTED || outcome == Outcome.ACKNOWLEDGED;
    }

    @Override
    public String toString() {
        return "proposal " + index + "@" + term + " via " + proposer + " " + outcome;
    }
}
