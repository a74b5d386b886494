package io.raftkv.operator.plan;

/** What the cluster is doing; the reason of the Progressing condition. */
public enum Progress {
    Idle,
    Bootstrapping,
    ScalingUp,
    ScalingDown,
    LearnerCatchingUp,
    RollingRestart,
    ReplacingMember,
    /** Raising the claims' storage requests to spec.storage.size, one claim at a time. */
    ExpandingVolumes,
    /** No leader: quorum is lost or an election is under way; nothing disruptive happens. */
    WaitingForQuorum,
    /** A step is needed but would be unsafe now; a finding says why. */
    Blocked;

    public boolean inProgress() {
        return this != Idle;
    }
}
