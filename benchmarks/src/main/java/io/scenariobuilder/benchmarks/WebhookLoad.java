package io.scenariobuilder.benchmarks;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load generator for the webhook benchmark (wrk is not installed here): {@code connections}
 * keep-alive connections each send one request, wait for its answer, and send the next, for {@code seconds}.
 * Prints requests per second and latency percentiles. With a fifth argument, a rate: the requests are paced to that
 * many a second in all (each connection sends its next one when it is due, at once when late), and the latency of
 * each is measured from when it was due, so that a server falling behind shows in it.
 *
 * <p>{@code -Dload.header="Authorization: Bearer sb_..."} adds a header to every request (the API routes need a key).
 *
 * <pre>{@code java ... WebhookLoad http://127.0.0.1:8080/hooks/bench?wait=true 16 10 '{"n": 1}' [5000]}</pre>
 */
public final class WebhookLoad {

    static final int WARM_UP_SECONDS = 2;
    /** Requests sent (closed loop) or due (paced) before this are the warm-up. */
    private static volatile long measureFrom;

    public static void main(String[] args) throws Exception {
        java.net.URI url = java.net.URI.create(args[0]);
        int connections = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        Buffer body = Buffer.buffer(args.length > 3 ? args[3] : "{}");
        double rate = args.length > 4 ? Double.parseDouble(args[4]) : 0;
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(connections));
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(url.getPort())
                .setURI(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()))
                .putHeader("Content-Type", "application/json");
        String header = System.getProperty("load.header");
        if (header != null && header.contains(":")) {
            request.putHeader(header.substring(0, header.indexOf(':')).trim(), header.substring(header.indexOf(':') + 1).trim());
        }
        long[] latencies = new long[5_000_000];
        AtomicLong count = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        // The first 2 s warm this JVM up (its JIT, the connections) and are not counted: a cold load generator added
        // half a second to the first requests, which showed as the server's p99.
        measureFrom = start + TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(connections);
        for (int c = 0; c < connections; c++) {
            if (rate > 0) {
                long every = (long) (1e9 * connections / rate);
                paced(vertx, client, request, body, start + c * every / connections, every, end, latencies, count, errors, done);
            } else {
                loop(client, request, body, end, latencies, count, errors, done);
            }
        }
        done.await();
        long elapsed = System.nanoTime() - measureFrom;
        int n = (int) Math.min(count.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        System.out.printf((rate > 0 ? "paced to " + (long) rate + "/s: " : "") + "connections=%d requests=%d errors=%d seconds=%.1f req/s=%.0f p50=%.2fms p99=%.2fms max=%.2fms%n",
                connections, count.get(), errors.get(), elapsed / 1e9, count.get() / (elapsed / 1e9),
                percentile(sorted, 0.50), percentile(sorted, 0.99), n == 0 ? 0 : sorted[n - 1] / 1e6);
        client.close();
        vertx.close();
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    private static void loop(HttpClient client, RequestOptions options, Buffer body, long end, long[] latencies,
            AtomicLong count, AtomicLong errors, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long sent = System.nanoTime();
        client.request(options)
                .compose(req -> req.send(body))
                .compose(response -> response.body().map(b -> response.statusCode()))
                .onComplete(result -> {
                    record(sent, result.succeeded() && result.result() < 300, latencies, count, errors);
                    loop(client, options, body, end, latencies, count, errors, done);
                });
    }

    /** One connection's paced requests: the next is due {@code every} ns after this one, whenever this one ended. */
    private static void paced(Vertx vertx, HttpClient client, RequestOptions options, Buffer body, long due, long every, long end,
            long[] latencies, AtomicLong count, AtomicLong errors, CountDownLatch done) {
        if (due >= end) {
            done.countDown();
            return;
        }
        long wait = due - System.nanoTime();
        if (wait >= 1_000_000) {
            vertx.setTimer(wait / 1_000_000, id -> paced(vertx, client, options, body, due, every, end, latencies, count, errors, done));
            return;
        }
        client.request(options)
                .compose(req -> req.send(body))
                .compose(response -> response.body().map(b -> response.statusCode()))
                .onComplete(result -> {
                    record(due, result.succeeded() && result.result() < 300, latencies, count, errors);
                    paced(vertx, client, options, body, due + every, every, end, latencies, count, errors, done);
                });
    }

    /** Counts one answer (not during the warm-up): its latency from {@code since} when it succeeded, else an error. */
    private static void record(long since, boolean succeeded, long[] latencies, AtomicLong count, AtomicLong errors) {
        if (since < measureFrom) {
            return;
        }
        if (succeeded) {
            long i = count.getAndIncrement();
            if (i < latencies.length) {
                latencies[(int) i] = System.nanoTime() - since;
            }
        } else {
            errors.incrementAndGet();
        }
    }
}
