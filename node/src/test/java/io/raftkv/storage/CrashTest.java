package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.RecoveredState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Real crashes: a child JVM ({@link CrashChild}) writes and acknowledges Readys through the group-commit writer
 * while this test kills it with SIGKILL at a random moment — sometimes while it is still starting up and
 * recovering — then recovers the directory itself and checks the result against the child's own report of what
 * it submitted and what was acknowledged:
 * <ul>
 *   <li>acknowledgements arrived in submission order;</li>
 *   <li>the log is well-formed (recovery succeeds: no corruption, only torn tails discarded);</li>
 *   <li>the recovered log, hard state and snapshot equal the result of applying every acknowledged Ready, plus
 *       possibly some further submitted Readys, the last of which may have kept only a prefix of its entries —
 *       nothing acknowledged is lost, nothing is invented, the order is kept.</li>
 * </ul>
 * Iterations: {@code -Dstorage.crash.iterations} (default 20, about a minute); seed: {@code -Dstorage.crash.seed}.
 */
class CrashTest {

    private static final int ITERATIONS = Integer.getInteger("storage.crash.iterations", 20);
    private static final long SEED = Long.getLong("storage.crash.seed", System.nanoTime());

    @TempDir
    Path root;

    static StorageConfig config(Path dir) {
        return StorageConfig.defaults(dir, StorageFixtures.CLUSTER, StorageFixtures.NODE).withSegmentBytes(64 * 1024)
                .withFreeSpaceFloor(0);
    }

    /** Every 499th entry is 150 KB, larger than a whole segment: long writes, records spanning many pages. */
    static Entry entry(long index, long term) {
        if (index % 499 != 0) {
            return StorageFixtures.entry(index, term);
        }
        byte[] data = new byte[150 * 1024];
        java.util.Arrays.fill(data, (byte) (index + term));
        return Entry.normal(index, term, data);
    }

    static List<Entry> entries(long from, long to, long term) {
        List<Entry> list = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            list.add(entry(i, term));
        }
        return list;
    }

    static byte[] snapshotBytes(long index, long term) {
        return StorageFixtures.snapshotBytes(index, (int) ((index * 31 + term) % 5000));
    }

    /** One Ready as the child reported submitting it. */
    record Submitted(int id, long from, int count, long term, HardState hardState) {
    }

    /** The whole log since index 1 (terms), and the last hard state: what a prefix of Readys produces. */
    record Model(List<Long> terms, HardState hardState) {
        long lastIndex() {
            return terms.size();
        }

        long termAt(long index) {
            return index == 0 ? 0 : terms.get((int) index - 1);
        }

        Model apply(Submitted r, int entries, boolean withHardState) {
            List<Long> next = new ArrayList<>(terms.subList(0, (int) r.from - 1));
            for (int i = 0; i < entries; i++) {
                next.add(r.term);
            }
            return new Model(next, withHardState && r.hardState != null ? r.hardState : hardState);
        }
    }

    @Test
    void acknowledgedWritesSurviveSigkillAtRandomMoments() throws Exception {
        Random random = new Random(SEED);
        Path dir = root.resolve("data");
        Model model = new Model(List.of(), HardState.EMPTY);
        int acknowledgedTotal = 0;
        int tornTails = 0;
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            String where = "seed " + SEED + " iteration " + iteration + " (rerun: -Dstorage.crash.seed=" + SEED + ")";
            Path stderr = root.resolve("child-" + iteration + ".err");
            Path stdout = root.resolve("child-" + iteration + ".out");
            // stdout goes to a file: what the child wrote before dying is in the page cache, whatever the timing
            Process child = ChildJvm.builder(CrashChild.class, stderr, dir.toString(), Long.toString(random.nextLong()))
                    .redirectOutput(stdout.toFile()).start();
            if (random.nextInt(5) == 0) {
                waitMillis(child, random.nextInt(1500)); // often during start-up or recovery
            } else {
                awaitReady(child, stdout);
                waitMillis(child, 20 + random.nextInt(400));
            }
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> lines = completeLines(stdout);
            if (child.exitValue() != 137 && child.exitValue() != 9) {
                fail(where + ": the child exited by itself with " + child.exitValue() + ": " + ChildJvm.tail(stderr));
            }

            List<Submitted> submitted = new ArrayList<>();
            int acknowledged = 0;
            for (String line : lines) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "READY" -> assertThat(Long.parseLong(f[1])).as(where + ": log the child recovered")
                            .isEqualTo(model.lastIndex());
                    case "S" -> submitted.add(new Submitted(Integer.parseInt(f[1]), Long.parseLong(f[2]),
                            Integer.parseInt(f[3]), Long.parseLong(f[4]), f[5].equals("-") ? null
                            : new HardState(Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]))));
                    case "A" -> {
                        assertThat(Integer.parseInt(f[1])).as(where + ": acknowledgement order").isEqualTo(acknowledged + 1);
                        acknowledged++;
                    }
                    default -> fail(where + ": unexpected child output " + line);
                }
            }

            try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
                RecoveredState state;
                try {
                    state = storage.recover();
                } catch (IOException e) {
                    throw new AssertionError(where + ": recovery failed; the data directory is kept at "
                            + keepForDiagnosis(dir, iteration) + "; child stderr: " + ChildJvm.tail(stderr), e);
                }
                tornTails += storage.tornTails().size();
                model = match(where, model, submitted, acknowledged, state, storage);
            }
            acknowledgedTotal += acknowledged;
        }
        System.out.printf("crash test: %d iterations, %d Readys acknowledged, %d torn tails discarded, log now %d%n",
                ITERATIONS, acknowledgedTotal, tornTails, model.lastIndex());
        assertThat(acknowledgedTotal).as("the children got work done").isGreaterThan(ITERATIONS);
    }

    /** Copies a data directory that failed recovery to the build directory, where the temporary one will not be. */
    private static Path keepForDiagnosis(Path dir, int iteration) throws IOException {
        Path target = Path.of("target", "crash-failure-" + SEED + "-" + iteration).toAbsolutePath();
        try (var files = Files.walk(dir)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(dir.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
        }
        return target;
    }

    /** Finds the prefix of submitted Readys whose result is what was recovered; fails if there is none. */
    private static Model match(String where, Model base, List<Submitted> submitted, int acknowledged,
                               RecoveredState state, FileRaftStorage storage) throws IOException {
        Model applied = base;
        for (int j = 0; j < acknowledged; j++) {
            applied = applied.apply(submitted.get(j), submitted.get(j).count, true);
        }
        List<String> tried = new ArrayList<>();
        for (int j = acknowledged; j <= submitted.size(); j++) {
            List<Model> candidates = new ArrayList<>();
            candidates.add(applied);
            if (j < submitted.size()) {
                Submitted next = submitted.get(j);
                for (int k = 1; k <= next.count; k++) {
                    candidates.add(applied.apply(next, k, false)); // cut short: some entries, no hard state
                }
            }
            for (Model candidate : candidates) {
                if (matches(candidate, state, storage)) {
                    return candidate;
                }
                tried.add("last index " + candidate.lastIndex());
            }
            if (j < submitted.size()) {
                applied = applied.apply(submitted.get(j), submitted.get(j).count, true);
            }
        }
        return fail(where + ": recovered state (snapshot " + state.snapshot().index() + "/" + state.snapshot().term()
                + ", last index " + (state.snapshot().index() + state.entries().size()) + ", " + state.hardState()
                + ") matches no prefix of the " + submitted.size() + " submitted Readys of which " + acknowledged
                + " were acknowledged; candidates: " + tried + "; last submitted: "
                + submitted.subList(Math.max(0, submitted.size() - 10), submitted.size()) + "; recovered term runs: "
                + termRuns(state.entries()));
    }

    private static String termRuns(List<Entry> entries) {
        StringBuilder runs = new StringBuilder();
        long term = -1;
        for (Entry e : entries) {
            if (e.term() != term) {
                term = e.term();
                runs.append(' ').append(e.index()).append('@').append(term);
            }
        }
        return runs.append(" .. ").append(entries.isEmpty() ? "-" : entries.get(entries.size() - 1).index()).toString();
    }

    private static boolean matches(Model candidate, RecoveredState state, FileRaftStorage storage) throws IOException {
        long snapshot = state.snapshot().index();
        if (snapshot > candidate.lastIndex() || candidate.lastIndex() != snapshot + state.entries().size()) {
            return false;
        }
        if (snapshot > 0 && candidate.termAt(snapshot) != state.snapshot().term()) {
            return false;
        }
        for (Entry e : state.entries()) {
            if (!e.equals(entry(e.index(), candidate.termAt(e.index())))) {
                return false;
            }
        }
        HardState hs = candidate.hardState();
        if (!state.hardState().equals(new HardState(hs.term(), hs.vote(), Math.max(hs.commit(), snapshot)))) {
            return false;
        }
        if (snapshot > 0) {
            try (InputStream in = storage.openSnapshot(state.snapshot())) {
                return java.util.Arrays.equals(in.readAllBytes(), snapshotBytes(snapshot, state.snapshot().term()));
            }
        }
        return true;
    }

    private static void waitMillis(Process child, long millis) throws InterruptedException {
        child.waitFor(millis, TimeUnit.MILLISECONDS); // returns early only if the child died on its own
    }

    /** Waits until the child has recovered and printed READY (or died, or a minute passed). */
    private static void awaitReady(Process child, Path stdout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline && child.isAlive()
                && !(Files.exists(stdout) && Files.readString(stdout, StandardCharsets.US_ASCII).contains("READY"))) {
            child.waitFor(5, TimeUnit.MILLISECONDS); // polling interval
        }
    }

    /** Every complete line; a final line without its newline was cut by the kill and is dropped. */
    private static List<String> completeLines(Path stdout) throws IOException {
        String text = Files.readString(stdout, StandardCharsets.US_ASCII);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }
}
