package io.raftkv.operator.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A continuous write load through the client Service (the node's HTTP JSON API): one writer, each key
 * written once, and one reader of recent keys (including the one being written). Records every acknowledged
 * write, the longest time without an acknowledged write, and the client history for a linearizability check.
 */
final class WriteLoad implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String baseUrl;
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong longestGapNanos = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread writer;
    private final Thread reader;
    private final RegisterHistory history = new RegisterHistory();
    /** Keys and values the writer has started to write, in order (the reader picks recent ones). */
    private final Map<Long, String> started = new ConcurrentHashMap<>();
    private final AtomicLong nextKey = new AtomicLong();

    WriteLoad(String baseUrl) {
        this.baseUrl = baseUrl;
        this.writer = new Thread(this::run, "e2e-writer");
        writer.setDaemon(true);
        writer.start();
        this.reader = new Thread(this::readRecent, "e2e-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Reads one of the last few keys written (or being written) over and over, recording what it saw. */
    private void readRecent() {
        java.util.Random random = new java.util.Random(7);
        while (running.get()) {
            long newest = nextKey.get();
            long n = Math.max(0, newest - random.nextInt(8));
            String value = started.get(n);
            if (value == null) {
                Thread.onSpinWait();
                continue;
            }
            String key = "e2e-" + n;
            long invoked = System.nanoTime();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/kv/" + key))
                        .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
                long completed = System.nanoTime();
                if (r.statusCode() == 200) {
                    history.read(key, r.body().contains(value) ? value : r.body(), invoked, completed);
                } else if (r.statusCode() == 404 && r.body().contains("NOT_FOUND")) {
                    history.read(key, null, invoked, completed);
                } // any other answer says nothing about the key
            } catch (java.io.IOException e) {
                // no answer: no constraint
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run() {
        long n = 0;
        while (running.get()) {
            String key = "e2e-" + n;
            // a retry writes the same value again: the key stays a write-once register (absent, then value)
            long attempt = n;
            String value = started.computeIfAbsent(attempt, k -> "v" + attempt + "-" + System.nanoTime());
            nextKey.set(n);
            long invoked = System.nanoTime();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/kv/" + key))
                        .timeout(Duration.ofSeconds(3)).PUT(HttpRequest.BodyPublishers.ofString(value)).build(),
                        HttpResponse.BodyHandlers.ofString());
                // A refused write (e.g. 503) may still have been applied: only a 2xx counts as acknowledged.
                history.write(key, value, invoked, System.nanoTime(), r.statusCode() / 100 == 2);
                if (r.statusCode() / 100 == 2) {
                    acknowledged.put(key, value);
                    long now = System.nanoTime();
                    long gap = now - lastAckNanos.getAndSet(now);
                    longestGapNanos.accumulateAndGet(gap, Math::max);
                    n++;
                } else {
                    failures.incrementAndGet();
                }
            } catch (java.io.IOException e) {
                history.write(key, value, invoked, 0, false);
                failures.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    RegisterHistory history() {
        return history;
    }

    /** The longest stretch without an acknowledged write so far; resets the measurement. */
    Duration takeLongestOutage() {
        long now = System.nanoTime();
        long open = now - lastAckNanos.get();
        return Duration.ofNanos(Math.max(longestGapNanos.getAndSet(0), open));
    }

    /** The index of the key being written now (keys are e2e-0, e2e-1, ...). */
    long currentKey() {
        return nextKey.get();
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    long failures() {
        return failures.get();
    }

    /** Keys whose acknowledged value cannot be read back. */
    Map<String, String> lostWrites() throws InterruptedException {
        Map<String, String> lost = new ConcurrentHashMap<>();
        for (Map.Entry<String, String> e : acknowledged.entrySet()) {
            String got = null;
            for (int attempt = 0; attempt < 5 && got == null; attempt++) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/kv/"
                            + e.getKey())).timeout(Duration.ofSeconds(3)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 || r.statusCode() == 404) {
                        got = r.body();
                    }
                } catch (java.io.IOException ex) {
                    // retry: the read goes through the Service to any ready member
                }
            }
            if (got == null || !got.contains(e.getValue())) {
                lost.put(e.getKey(), e.getValue() + " (read: " + got + ")");
            }
        }
        return lost;
    }

    /** Stops writing and waits for the writer. */
    void stop() {
        running.set(false);
        try {
            writer.join(10_000);
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
