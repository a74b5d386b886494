package io.raftkv.operator.plan;

import java.util.List;

/**
 * The planner's answer for one pass.
 *
 * @param action       the one step to take now
 * @param progress     what the cluster is doing
 * @param message      a sentence for status and logs
 * @param findings     warnings for the user
 * @param bootstrapped whether the cluster exists (to be recorded in status)
 * @param view         the analysed observation, for status
 * @param forceScaleDownUsed  the override annotation allowed a step of a scale-down still under way (recorded)
 * @param clearForceScaleDown the scale-down the annotation allowed is done: remove the annotation, so that
 *                            a later scale-down is not forced without being asked
 * @param lastStepFinished    the last recorded step's subject is back and caught up (or it disrupts nothing)
 */
public record Decision(Action action, Progress progress, String message, List<Finding> findings,
                       boolean bootstrapped, ClusterView view, boolean forceScaleDownUsed,
                       boolean clearForceScaleDown, boolean lastStepFinished) {

    public Decision {
        findings = List.copyOf(findings);
    }

    public boolean isWait() {
        return action instanceof Action.None;
    }
}
