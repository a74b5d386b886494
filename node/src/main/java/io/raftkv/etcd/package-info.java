/**
 * etcd's v3 gRPC API over RaftKV's store (docs/etcd-api.md): {@link io.raftkv.etcd.EtcdKvService} serves
 * {@code etcdserverpb.KV} with the stubs compiled from etcd's protos in io.etcd:jetcd-grpc,
 * {@link io.raftkv.etcd.LeaderForwarder} sends what only the leader can serve to it, and EtcdErrors answers with
 * etcd's codes and messages.
 */
package io.raftkv.etcd;
