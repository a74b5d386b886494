package io.raftkv.loadgen;

import java.io.PrintStream;
import java.util.Locale;

/** Rewrites one status line in place ({@code \r}) on a terminal stream, and ends it when a phase is done. */
public final class ProgressLine implements ProgressListener {
    private final PrintStream out;
    private int lastLength;

    public ProgressLine(PrintStream out) {
        this.out = out;
    }

    @Override
    public void progress(ProgressSample s) {
        String line = format(s);
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
    }

    @Override
    public void phaseDone(ProgressSample last) {
        progress(last);
        out.println();
        lastLength = 0;
    }

    static String format(ProgressSample s) {
        String time = s.plannedSeconds() > 0
                ? String.format(Locale.ROOT, "%5.1f/%.0fs", s.elapsedSeconds(), s.plannedSeconds())
                : String.format(Locale.ROOT, "%5.1fs", s.elapsedSeconds());
        String ops = s.plannedOps() > 0
                ? String.format(Locale.ROOT, "%,d/%,d ops", s.operations(), s.plannedOps())
                : String.format(Locale.ROOT, "%,d ops", s.operations());
        return String.format(Locale.ROOT, "%-8s %s  %s  %,.0f ops/s  p99 %.2f ms  errors %,d",
                s.phase(), time, ops, s.recentPerSecond(), s.recentP99Millis(), s.errors());
    }
}
