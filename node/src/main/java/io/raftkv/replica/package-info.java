/**
 * Replica mode: RaftKV standing in for the replica program of the course simulator that the seed system was
 * measured with (launched as {@code ./kvstore <my ID> <others...>}, JSON messages over a SOCK_SEQPACKET socket or
 * UDP). {@link io.raftkv.replica.ReplicaEngine} is the whole behaviour as a pure state machine around the Raft
 * core; {@link io.raftkv.replica.ReplicaMain} feeds it from a socket and the monotonic clock. See
 * {@code docs/replica-mode.md} for the protocol, the message economy and the grades.
 */
package io.raftkv.replica;
