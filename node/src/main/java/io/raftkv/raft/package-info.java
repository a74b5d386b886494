/**
 * The Raft core: one peer as a deterministic state machine ({@link io.raftkv.raft.RaftNode}) that does no I/O,
 * reads no clock and starts no thread. The caller feeds it ticks, peer messages, proposals and reads, and
 * carries out the {@link io.raftkv.raft.Ready} it hands back (send, persist, apply) in the order that contract
 * states. One thread owns a node at a time; nothing here is thread-safe or needs to be.
 *
 * <h2>Parts (after etcd-raft)</h2>
 * <ul>
 *   <li>{@link io.raftkv.raft.RaftNode}: persistent state (term, vote), the role and its switches, term rules
 *       (§5.1), time, and the Ready contract; routes each message to the part whose rules apply.</li>
 *   <li>{@code Election}: randomized timeouts, campaigns, PreVote, the tally and vote granting (§5.2, §5.4.1,
 *       thesis §9.6).</li>
 *   <li>{@code Leader}: one term's leadership: proposals and backpressure, commitment (§5.3, §5.4.2), ReadIndex
 *       (thesis §6.4), leadership transfer (thesis §3.10); {@code Replication}: appends, snapshots, heartbeats
 *       and flow control; {@code ProgressTracker}/{@code Progress}/{@code Inflights}: each follower's state and
 *       the majority queries ({@code Quorum}).</li>
 *   <li>{@code Follower}: log repair (§5.3) and receiving snapshots (§7); {@code ConfigHistory}: membership in
 *       the log (thesis §4); {@code Compaction}: applied index and latest snapshot; {@code RaftLog}: the
 *       in-memory log; {@code Outbox}: output for the next Ready; {@code MessageValidator}: the gate in front
 *       of {@code step}.</li>
 * </ul>
 *
 * <p>Must not import anything of this project outside {@code io.raftkv.raft} (storage, runtime, transport and
 * servers depend on the core, never the reverse), nor any library: the core is plain Java.
 */
package io.raftkv.raft;
