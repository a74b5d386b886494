package io.raftkv.server;

/** Whether the node's disk is nearly full (or failed), so writes must be refused (etcd's NOSPACE alarm). */
public interface DiskAlarm {
    boolean alarmed();

    DiskAlarm NEVER = () -> false;
}
