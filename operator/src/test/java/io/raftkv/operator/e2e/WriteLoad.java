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
 * written once. Records every acknowledged write and the longest time without an acknowledged write.
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

    WriteLoad(String baseUrl) {
        this.baseUrl = baseUrl;
        this.writer = new Thread(this::run, "e2e-writer");
        writer.setDaemon(true);
        writer.start();
    }

    private void run() {
        long n = 0;
        while (running.get()) {
            String key = "e2e-" + n;
            String value = "v" + n + "-" + System.nanoTime();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/kv/" + key))
                        .timeout(Duration.ofSeconds(3)).PUT(HttpRequest.BodyPublishers.ofString(value)).build(),
                        HttpResponse.BodyHandlers.ofString());
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
                failures.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The longest stretch without an acknowledged write so far; resets the measurement. */
    Duration takeLongestOutage() {
        long now = System.nanoTime();
        long open = now - lastAckNanos.get();
        return Duration.ofNanos(Math.max(longestGapNanos.getAndSet(0), open));
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
