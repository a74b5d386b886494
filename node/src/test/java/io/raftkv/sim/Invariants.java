package io.raftkv.sim;

/**
 * The global truth of one run, against which every step is checked. Each part keeps incremental bookkeeping so
 * that a check costs O(1) per entry or event, never a scan of all logs.
 */
final class Invariants {
    final ElectionSafety elections = new ElectionSafety();
    final LogMatching logs = new LogMatching();
    final CommitHistory commits = new CommitHistory();
    final AppliedHistory applied = new AppliedHistory();
    final ClientHistory clients = new ClientHistory();
}
