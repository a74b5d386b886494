package io.raftkv.loadgen;

/** Told about a run about once a second (from the thread that called {@link LoadGenerator#run}). */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void progress(ProgressSample sample) {
        }

        @Override
        public void phaseDone(ProgressSample last) {
        }
    };

    void progress(ProgressSample sample);

    /** The phase is over; {@code summary} covers the whole phase (its rate and p99 are the phase's). */
    void phaseDone(ProgressSample summary);
}
