package io.raftkv.replica.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Background CPU load for a run: {@code processes} busy loops ({@code sh -c 'while :; do :; done'}), each under
 * {@code timeout}, so that none outlives {@code maxSeconds} even if this JVM dies; {@link #close()} ends them
 * (by their own process handles) as soon as the run is over. Two per core put a 2-core machine at load ~4 on top
 * of whatever else runs.
 */
public final class CpuStress implements AutoCloseable {
    private final List<Process> loops = new ArrayList<>();

    private CpuStress() {
    }

    public static CpuStress start(int processes, long maxSeconds) throws IOException {
        CpuStress stress = new CpuStress();
        try {
            for (int i = 0; i < processes; i++) {
                stress.loops.add(new ProcessBuilder("timeout", "-s", "KILL", maxSeconds + "s", "sh", "-c",
                        "while :; do :; done").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
        } catch (IOException e) {
            stress.close();
            throw e;
        }
        return stress;
    }

    public int processes() {
        return loops.size();
    }

    @Override
    public void close() {
        for (Process p : loops) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        loops.clear();
    }
}
