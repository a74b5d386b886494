package io.raftkv.replica;

/** What one replica did, for logs and tests. Plain counters: the engine is single-threaded. */
public final class EngineCounters {
    long clientRequests;
    long duplicateRequests;
    long ok;
    long redirects;
    long fails;
    long rejected;
    long lostPuts;
    long expiredHolds;
    long peerMessages;
    long leaseReads;
    long malformed;
    long oversized;

    public long clientRequests() {
        return clientRequests;
    }

    public long ok() {
        return ok;
    }

    public long redirects() {
        return redirects;
    }

    public long fails() {
        return fails;
    }

    public long lostPuts() {
        return lostPuts;
    }

    public long expiredHolds() {
        return expiredHolds;
    }

    public long leaseReads() {
        return leaseReads;
    }

    public long peerMessages() {
        return peerMessages;
    }

    public long malformed() {
        return malformed;
    }

    public long oversized() {
        return oversized;
    }

    @Override
    public String toString() {
        return "requests=" + clientRequests + " dupRequests=" + duplicateRequests + " ok=" + ok + " redirects="
                + redirects + " fails=" + fails + " lostPuts=" + lostPuts + " expiredHolds=" + expiredHolds
                + " leaseReads=" + leaseReads + " peerMessages=" + peerMessages + " malformed=" + malformed + " oversized=" + oversized;
    }
}
