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
 * Prints requests per second and latency percentiles.
 *
 * <pre>{@code java ... WebhookLoad http://127.0.0.1:8080/hooks/bench?wait=true 16 10 '{"n": 1}'}</pre>
 */
public final class WebhookLoad {

    public static void main(String[] args) throws Exception {
        java.net.URI url = java.net.URI.create(args[0]);
        int connections = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        Buffer body = Buffer.buffer(args.length > 3 ? args[3] : "{}");
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(connections));
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(url.getPort())
                .setURI(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()))
                .putHeader("Content-Type", "application/json");
        long[] latencies = new long[5_000_000];
        AtomicLong count = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(connections);
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            loop(client, request, body, end, latencies, count, errors, done);
        }
        done.await();
        long elapsed = System.nanoTime() - start;
        int n = (int) Math.min(count.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        System.out.printf("connections=%d requests=%d errors=%d seconds=%.1f req/s=%.0f p50=%.2fms p99=%.2fms max=%.2fms%n",
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
                    long latency = System.nanoTime() - sent;
                    if (result.succeeded() && result.result() < 300) {
                        long i = count.getAndIncrement();
                        if (i < latencies.length) {
                            latencies[(int) i] = latency;
                        }
                    } else {
                        errors.incrementAndGet();
                    }
                    loop(client, options, body, end, latencies, count, errors, done);
                });
    }

}
