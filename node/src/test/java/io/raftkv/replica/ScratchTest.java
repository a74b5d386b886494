package io.raftkv.replica;

import io.raftkv.replica.harness.RunStats;
import io.raftkv.replica.harness.ScenarioFiles;
import io.raftkv.replica.harness.ScenarioSpec;
import io.raftkv.replica.harness.VirtualTimeRun;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void one() {
        ReplicaSettings d = ReplicaSettings.defaults();
        ReplicaSettings s = new ReplicaSettings(d.tickNanos(), Integer.getInteger("E", d.electionTicks()),
                Integer.getInteger("H", d.heartbeatTicks()), d.startupQuietNanos(), d.startupTickFactor(),
                d.retransmitNanos(), d.retransmitLimit(), Long.getLong("hold", d.maxHoldNanos() / 1_000_000) * 1_000_000,
                d.maxMessageBytes());
        String names = System.getProperty("scn", "advanced-2");
        int seeds = Integer.getInteger("seeds", 3);
        for (String name : (names.equals("all") ? String.join(",", ScenarioFiles.names()) : names).split(",")) {
            ScenarioSpec spec = ScenarioFiles.load(name);
            StringBuilder line = new StringBuilder(String.format("%-14s", name));
            for (long seed = 1; seed <= seeds; seed++) {
                RunStats st = VirtualTimeRun.run(spec, s, seed);
                line.append(String.format(" | %5d %3d %2d %2d %.4f %s", st.totalMsgs(), st.failures(), st.duplicates(),
                        st.incorrect(), st.medianLatency(), st.passes(spec) ? "ok" : "NO"));
                if (Boolean.getBoolean("verbose")) {
                    System.out.println(st.report(spec));
                }
            }
            System.out.println(line);
        }
    }
}
