package io.raftkv.operator.plan;

/** The one step the planner chose for this pass. Every step is safe to repeat. */
public sealed interface Action {

    /** The pod ordinal the step concerns, -1 for none. */
    default int ordinal() {
        return -1;
    }

    /** The node ID the step concerns, null for none. */
    default Long subjectNodeId() {
        return null;
    }

    /** Nothing to do now; the reason is in the decision's message. */
    record None() implements Action {
    }

    /** Set the StatefulSet's replicas (creating it with one pod on bootstrap); changes only by one at a time. */
    record ScaleStatefulSet(int replicas) implements Action {
    }

    /** Add the empty node of pod {@code ordinal} as a learner. */
    record AddLearner(int ordinal, long nodeId, int leaderOrdinal) implements Action {
        @Override
        public Long subjectNodeId() {
            return nodeId;
        }
    }

    /** Promote the caught-up learner of pod {@code ordinal} to voter. */
    record PromoteLearner(int ordinal, long nodeId, int leaderOrdinal) implements Action {
        @Override
        public Long subjectNodeId() {
            return nodeId;
        }
    }

    /** Remove a member; {@code ordinal} is -1 when no pod is known to run it. */
    record RemoveMember(int ordinal, long nodeId, int leaderOrdinal) implements Action {
        @Override
        public Long subjectNodeId() {
            return nodeId;
        }
    }

    /** Ask the leader (pod {@code leaderOrdinal}) to hand leadership to the member of pod {@code targetOrdinal}. */
    record TransferLeadership(int leaderOrdinal, long targetNodeId, int targetOrdinal) implements Action {
        @Override
        public int ordinal() {
            return leaderOrdinal;
        }

        @Override
        public Long subjectNodeId() {
            return targetNodeId;
        }
    }

    /** Delete the pod so the StatefulSet recreates it from the current template (rolling restart). */
    record RestartPod(int ordinal) implements Action {
    }

    /** The pod runs a node ID that was removed: delete its claim and the pod, so it comes back empty, as a new member. */
    record WipeMember(int ordinal, long retiredNodeId) implements Action {
        @Override
        public Long subjectNodeId() {
            return retiredNodeId;
        }
    }

    /** Delete the claim of an ordinal the StatefulSet no longer runs, so a later scale-up starts clean. */
    record DeleteVolumeClaim(int ordinal) implements Action {
    }

    /** Raise the storage request of the claim of pod {@code ordinal} to spec.storage.size (volume expansion). */
    record ExpandVolumeClaim(int ordinal) implements Action {
    }
}
