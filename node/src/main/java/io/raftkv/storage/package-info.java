/**
 * Durable storage for a Raft node: a write-ahead log and snapshots that survive crashes, torn writes and full
 * disks. The contract is {@link io.raftkv.storage.RaftStorage}; {@link io.raftkv.storage.FileRaftStorage}
 * implements it on local files and {@link io.raftkv.storage.GroupCommitWriter} drives it from a disk thread with
 * group commit.
 *
 * <h2>On disk</h2>
 * <pre>
 *   data/LOCK                     exclusive lock (FileChannel.tryLock) held while the node runs
 *   data/IDENTITY                 cluster ID and node ID, checksummed
 *   data/wal/&lt;seq&gt;-&lt;anchor&gt;.wal   log segments (64 MiB, preallocated with zeros)
 *   data/snap/&lt;index&gt;-&lt;term&gt;.snap snapshots (header with metadata and CRC32C, then the state machine's bytes)
 * </pre>
 * A segment is a 64-byte header ({@link io.raftkv.storage.SegmentHeader}) followed by records, each framed with
 * length, type and CRC32C ({@link io.raftkv.storage.RecordFraming}): entries, hard states (the hard state lives in
 * the log, so one fdatasync covers both, in order), and records of snapshots installed from a leader. A
 * conflicting suffix is replaced by appending; replay applies records in order.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Nothing synced is lost; a crash loses only a suffix of what was written after the last sync.</li>
 *   <li>A torn write at the end of the last segment is discarded at start-up and reported (file and offset);
 *       any other damage stops start-up with {@link io.raftkv.storage.CorruptStorageException} naming file and
 *       offset, and nothing is repaired silently.</li>
 *   <li>After a failed write or fsync the storage refuses all further writes until reopened; nothing is
 *       acknowledged past the failure. {@link io.raftkv.storage.FreeSpaceMonitor} raises an alarm below a
 *       free-space floor before the disk is full.</li>
 *   <li>A data directory belongs to one cluster and one node, and to one process at a time.</li>
 * </ul>
 */
package io.raftkv.storage;
