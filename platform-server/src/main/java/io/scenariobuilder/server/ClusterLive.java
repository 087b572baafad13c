package io.scenariobuilder.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.engine.ExecutionEvent;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.store.jdbc.ClusterBus;
import io.scenariobuilder.server.ws.LiveHub;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live log and event streams of a cluster: each server sends its own lines and events to the others on
 * {@link ClusterBus#LIVE}, in batches every {@value #BATCH_MS} ms (one notification holds up to 7.9 kB), and publishes
 * theirs to its own streams, so that a client of any server sees every server's. What one server cannot send in time (more
 * than {@value #MAX_WAITING} waiting) is dropped and counted, as a slow client's lines are: the stored execution logs
 * stay whole. The count is the metric {@code sb_cluster_live_dropped_messages_total}, and a warning says it at most once
 * a minute while it grows.
 */
final class ClusterLive implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLive.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long BATCH_MS = 50;
    static final int MAX_WAITING = 50_000;
    /** The longest message of a line sent to the others: a longer one is cut, marked with an ellipsis. */
    static final int MAX_MESSAGE = 2_000;
    private static final long REPORT_EVERY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    private final ClusterBus bus;
    private final String origin;
    private final LiveHub<LogEntry> logs;
    private final LiveHub<ExecutionEvent> events;
    private final ConcurrentLinkedQueue<Object> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    /** The count the last warning gave, and when it was given (sender thread only). */
    private long reported;
    private long reportedAtNanos = System.nanoTime() - REPORT_EVERY_NANOS;
    private volatile boolean closed;
    private Thread sender;

    ClusterLive(ClusterBus bus, String origin, LiveHub<LogEntry> logs, LiveHub<ExecutionEvent> events) {
        this.bus = bus;
        this.origin = origin;
        this.logs = logs;
        this.events = events;
        bus.on(ClusterBus.LIVE, this::heard);
    }

    /** A line of this server: to its own stream (the caller's), and to the other servers'. */
    void line(LogEntry line) {
        offer(line);
    }

    /** An event of this server, for the other servers' streams. */
    void event(ExecutionEvent event) {
        offer(event);
    }

    private void offer(Object item) {
        if (closed) {
            return;
        }
        if (size.incrementAndGet() > MAX_WAITING) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        waiting.add(item);
    }

    /** Lines and events not sent to the other servers because too many waited. */
    long dropped() {
        return dropped.get();
    }

    /**
     * Warns when lines were dropped since the last warning, at most once a minute ({@code now} in nanoseconds): a drop
     * is not silent, and a flood of them is one line a minute.
     *
     * @return whether it warned
     */
    boolean reportDropped(long now) {
        long count = dropped.get();
        if (count == reported || now - reportedAtNanos < REPORT_EVERY_NANOS) {
            return false;
        }
        LOG.warn("{} live lines and events were not sent to the other servers since the last warning ({} in all): more than {} "
                + "waited. Clients of the other servers' streams miss them; the stored execution logs are whole", count - reported,
                count, MAX_WAITING);
        reported = count;
        reportedAtNanos = now;
        return true;
    }

    void start() {
        sender = Thread.ofPlatform().name("sb-cluster-live").daemon().start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(BATCH_MS);
                    send();
                    reportDropped(System.nanoTime());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.debug("cannot send the live lines to the cluster: {}", e.getMessage());
                }
            }
        });
    }

    /** Sends what waits, in notifications of at most {@link ClusterBus#MAX_PAYLOAD} bytes. */
    void send() {
        List<String> payloads = new ArrayList<>();
        ObjectNode batch = batch();
        int bytes = 40;
        Object item;
        while ((item = waiting.poll()) != null) {
            size.decrementAndGet();
            ArrayNode row = item instanceof LogEntry line ? encode(line) : encode((ExecutionEvent) item);
            int length = row.toString().getBytes(StandardCharsets.UTF_8).length + 1;
            if (length > ClusterBus.MAX_PAYLOAD - 60) {
                dropped.incrementAndGet(); // cannot be: messages are cut; never sent rather than refused
                continue;
            }
            if (bytes + length > ClusterBus.MAX_PAYLOAD) {
                payloads.add(batch.toString());
                batch = batch();
                bytes = 40;
            }
            ((ArrayNode) batch.get(item instanceof LogEntry ? "l" : "e")).add(row);
            bytes += length;
        }
        if (bytes > 40) {
            payloads.add(batch.toString());
        }
        for (String payload : payloads) {
            bus.publish(ClusterBus.LIVE, payload);
        }
    }

    private ObjectNode batch() {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("o", origin);
        batch.putArray("l");
        batch.putArray("e");
        return batch;
    }

    private static ArrayNode encode(LogEntry line) {
        String message = line.message().length() > MAX_MESSAGE ? line.message().substring(0, MAX_MESSAGE) + "…" : line.message();
        return JSON.createArrayNode().add(line.timestamp().toEpochMilli()).add(line.level().id()).add(line.category()).add(message)
                .add(line.executionId()).add(line.scenarioId()).add(line.nodeId()).add(line.traceId()).add(line.spanId());
    }

    private static ArrayNode encode(ExecutionEvent event) {
        ArrayNode row = JSON.createArrayNode().add(event.type()).add(event.executionId()).add(event.scenarioId()).add(event.nodeId())
                .add(event.status()).add(event.timestamp().toEpochMilli());
        if (event.attempt() == null) {
            row.addNull();
        } else {
            row.add(event.attempt());
        }
        return row.add(event.errorType());
    }

    /** Another server's batch, published to this server's streams (this server's own are already there). */
    private void heard(String payload) {
        JsonNode batch;
        try {
            batch = JSON.readTree(payload);
        } catch (java.io.IOException e) {
            LOG.debug("an unreadable live batch from the cluster: {}", e.getMessage());
            return;
        }
        if (origin.equals(batch.path("o").asText())) {
            return;
        }
        for (JsonNode row : batch.path("l")) {
            logs.publish(new LogEntry(Instant.ofEpochMilli(row.get(0).asLong()), LogLevel.fromId(row.get(1).asText()).orElse(LogLevel.INFO),
                    row.get(2).asText(), row.get(3).asText(), text(row, 4), text(row, 5), text(row, 6), text(row, 7), text(row, 8)));
        }
        for (JsonNode row : batch.path("e")) {
            events.publish(new ExecutionEvent(row.get(0).asText(), row.get(1).asText(), text(row, 2), text(row, 3), row.get(4).asText(),
                    Instant.ofEpochMilli(row.get(5).asLong()), row.get(6).isNull() ? null : row.get(6).asInt(), text(row, 7)));
        }
    }

    private static String text(JsonNode row, int index) {
        JsonNode value = row.get(index);
        return value == null || value.isNull() ? null : value.asText();
    }

    @Override
    public void close() {
        closed = true;
        if (sender != null) {
            sender.interrupt();
        }
    }
}
