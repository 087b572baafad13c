package io.scenariobuilder.server.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans items (log lines, execution events) out to live clients without ever making the publisher wait.
 *
 * <ul>
 *   <li>{@link #publish} (the engine's threads) adds to a bounded inbox: a few atomic operations, never a lock or a
 *       wait. A full inbox drops the item and every client is told.
 *   <li>One dispatcher thread takes the inbox in order, keeps the last {@code history} items for replay, turns an
 *       item into JSON once (only when some client wants it), and adds it to each matching client's bounded queue.
 *   <li>Each client's queue is written on the client's own event loop while its socket takes more, in rounds at
 *       most {@link #SEND_EVERY_NANOS} apart so that one write carries many messages. What does not fit
 *       in the queue is dropped for that client alone, and a {@code {"type": "dropped", "count": N}} message takes its
 *       place in the order, so the client knows where the gap is. Other clients never wait for it.
 *   <li>A client that takes nothing for {@code stallLimit} while messages wait is closed with a reason.
 * </ul>
 *
 * <p>Written here rather than taken from a library: the fan-out needs per-client drop accounting and Vert.x
 * back-pressure on each socket; a general queue library (JCTools, Disruptor) would give only the first step.
 *
 * @param <T> what is published
 */
public final class LiveHub<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.scenariobuilder.performance");
    private static final ObjectMapper JSON = io.scenariobuilder.server.http.Http.JSON;
    /**
     * Clients are sent what came in rounds at most 10 ms apart (the first item after a quiet spell at once): too short
     * for a person watching to see, long enough that each write carries many messages. Sent as each item came, 10,000
     * lines a second to 50 clients were half a million writes a second and took half the engine's throughput on two
     * cores; in 2 ms rounds it was 45% (see docs/benchmarks.md).
     */
    static final long SEND_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** A client's socket, as the hub sees it (a Vert.x {@code ServerWebSocket} in the server, a fake in tests). */
    public interface Sink {
        /** Whether the socket's own buffer is full (write no more until {@link #onDrain}). */
        boolean writeQueueFull();

        /** Writes one text message, maybe without sending it yet. */
        void write(Message message);

        /** Sends what {@link #write} wrote: called once after each run of writes, so that a run costs one system call. */
        void flush();

        /** Calls {@code then} once the socket's buffer has room again. */
        void onDrain(Runnable then);

        /** Closes the socket with a WebSocket status code and reason. */
        void close(short status, String reason);

        /** Runs {@code task} on the socket's event loop. */
        void runOnContext(Runnable task);
    }

    private final String name;
    private final int inboxCapacity;
    private final int clientCapacity;
    private final int historySize;
    private final long stallNanos;
    /** Published items and joining clients, in the order they came: a client's replay ends where its live part starts. */
    private final Queue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final AtomicLong inboxDropped = new AtomicLong();
    private final AtomicLong droppedForClients = new AtomicLong();
    private final AtomicInteger clientCount = new AtomicInteger();
    private final Thread dispatcher;
    private final AtomicBoolean idle = new AtomicBoolean();
    private volatile boolean closed;

    // Dispatcher thread only.
    private final ArrayDeque<T> history = new ArrayDeque<>();
    private final List<Client> clients = new ArrayList<>();
    private long inboxDropsSeen;
    /** Some client's queue is past half full: send now rather than at the next round. */
    private boolean filling;

    /**
     * @param name for the dispatcher thread and logs: {@code logs}, {@code events}
     * @param clientCapacity messages one client may have waiting
     * @param historySize recent items kept for replay
     * @param stallLimit how long a client may take nothing while messages wait before it is closed
     */
    public LiveHub(String name, int clientCapacity, int historySize, Duration stallLimit) {
        this.name = name;
        this.clientCapacity = clientCapacity;
        this.historySize = historySize;
        this.inboxCapacity = Math.max(65_536, clientCapacity);
        this.stallNanos = stallLimit.toNanos();
        this.dispatcher = Thread.ofPlatform().name("sb-live-" + name).daemon().start(this::dispatch);
    }

    /** Hands an item to the hub; never blocks. Dropped (and counted) when the hub is this far behind. */
    public void publish(T item) {
        if (closed) {
            return;
        }
        if (inboxSize.incrementAndGet() > inboxCapacity) {
            inboxSize.decrementAndGet();
            inboxDropped.incrementAndGet();
            return;
        }
        inbox.add(item);
        if (idle.get() && idle.compareAndSet(true, false)) {
            LockSupport.unpark(dispatcher);
        }
    }

    /**
     * Connects a client: it is sent the last {@code replay} matching items kept, then every matching item published
     * after them, in order.
     *
     * @return the client (close it when the socket closes)
     */
    public Client connect(Sink sink, Predicate<T> filter, int replay) {
        Client client = new Client(sink, filter, replay);
        clientCount.incrementAndGet();
        inbox.add(client);
        LockSupport.unpark(dispatcher);
        return client;
    }

    /** Clients connected now. */
    public int clients() {
        return clientCount.get();
    }

    /** Messages dropped so far: for slow clients, and in the hub itself when it fell behind. */
    public long dropped() {
        return droppedForClients.get() + inboxDropped.get();
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(dispatcher);
        try {
            dispatcher.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch() {
        long nextStallCheck = System.nanoTime();
        long nextSend = nextStallCheck;
        boolean unsent = false;
        while (!closed) {
            boolean worked = false;
            long hubDrops = inboxDropped.get();
            if (hubDrops != inboxDropsSeen) {
                long missed = hubDrops - inboxDropsSeen;
                inboxDropsSeen = hubDrops;
                for (Client client : clients) {
                    client.gap += missed;
                }
                unsent = true;
            }
            for (int n = 0; n < 4_096; n++) {
                Object next = inbox.poll();
                if (next == null) {
                    break;
                }
                worked = true;
                if (next instanceof LiveHub<?>.Client joining) {
                    join(clientOf(joining));
                    continue;
                }
                inboxSize.decrementAndGet();
                deliver(itemOf(next));
            }
            unsent |= worked;
            long now = System.nanoTime();
            if (unsent && (now >= nextSend || filling)) {
                for (Client client : clients) {
                    client.tellGap();
                    client.schedule();
                }
                unsent = false;
                filling = false;
                nextSend = now + SEND_EVERY_NANOS;
            }
            if (now >= nextStallCheck) {
                for (Client client : clients) {
                    client.tellGap(); // a gap left untold for want of room, once there is room
                    client.schedule();
                }
                closeStalled(now);
                nextStallCheck = now + TimeUnit.MILLISECONDS.toNanos(100);
            }
            if (!worked) {
                if (unsent) {
                    // Lingering until the next send: what comes meanwhile goes out in the same writes, and publishers
                    // do not wake this thread for each item.
                    LockSupport.parkNanos(this, nextSend - now);
                } else {
                    idle.set(true);
                    if (inbox.isEmpty()) {
                        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                    }
                    idle.set(false);
                }
            }
        }
        for (Client client : clients) {
            client.close((short) 1001, "the server is shutting down");
        }
    }

    private void join(Client client) {
        if (client.closed) {
            return;
        }
        if (client.replay > 0) {
            List<T> matching = new ArrayList<>();
            for (Iterator<T> it = history.descendingIterator(); it.hasNext() && matching.size() < client.replay; ) {
                T item = it.next();
                if (client.filter.test(item)) {
                    matching.add(item);
                }
            }
            for (int i = matching.size() - 1; i >= 0; i--) {
                client.offer(json(matching.get(i)));
            }
        }
        clients.add(client);
    }

    private void deliver(T item) {
        if (historySize > 0) {
            if (history.size() == historySize) {
                history.removeFirst();
            }
            history.addLast(item);
        }
        Message json = null;
        for (Iterator<Client> it = clients.iterator(); it.hasNext(); ) {
            Client client = it.next();
            if (client.closed) {
                it.remove();
                continue;
            }
            if (client.filter.test(item)) {
                if (json == null) {
                    json = json(item);
                }
                client.offer(json);
            }
        }
    }

    private void closeStalled(long now) {
        for (Iterator<Client> it = clients.iterator(); it.hasNext(); ) {
            Client client = it.next();
            if (client.closed) {
                it.remove();
            } else if (client.size.get() > 0 && now - client.lastProgress > stallNanos) {
                it.remove();
                LOG.warn("live {} stream: closed a client that took nothing for {} ms ({} messages dropped for it)", name,
                        TimeUnit.NANOSECONDS.toMillis(stallNanos), client.dropped.get() + client.gap);
                client.close((short) 1008, "too slow: took nothing for " + TimeUnit.NANOSECONDS.toMillis(stallNanos) + " ms; "
                        + (client.dropped.get() + client.gap) + " messages dropped");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Client clientOf(LiveHub<?>.Client client) {
        return (Client) client;
    }

    @SuppressWarnings("unchecked")
    private T itemOf(Object item) {
        return (T) item;
    }

    private static Message json(Object item) {
        try {
            return Message.of(JSON.writeValueAsBytes(item));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a live message as JSON", e);
        }
    }

    private static Message droppedNotice(long count) {
        return Message.of(("{\"type\":\"dropped\",\"count\":" + count + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * One message, made once for every client: its UTF-8 JSON and the same as a whole WebSocket text frame (a server's
     * frames are not masked, so the bytes on the wire are the same for everyone). Shared: never to be changed.
     */
    public record Message(byte[] utf8, byte[] frame) {
        static Message of(byte[] utf8) {
            int length = utf8.length;
            int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
            byte[] frame = new byte[header + length];
            frame[0] = (byte) 0x81; // FIN, text
            if (length < 126) {
                frame[1] = (byte) length;
            } else if (length <= 0xFFFF) {
                frame[1] = 126;
                frame[2] = (byte) (length >>> 8);
                frame[3] = (byte) length;
            } else {
                frame[1] = 127;
                for (int i = 0; i < 8; i++) {
                    frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
                }
            }
            System.arraycopy(utf8, 0, frame, header, length);
            return new Message(utf8, frame);
        }
    }

    /** One connected client: its filter, its bounded queue, what was dropped for it. */
    public final class Client {
        private final Sink sink;
        private final Predicate<T> filter;
        private final int replay;
        private final Queue<Message> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final AtomicLong dropped = new AtomicLong();
        private volatile boolean closed;
        private volatile long lastProgress = System.nanoTime();
        /** Messages dropped since the last one queued (dispatcher only). */
        private long gap;

        private Client(Sink sink, Predicate<T> filter, int replay) {
            this.sink = sink;
            this.filter = filter;
            this.replay = replay;
            sink.onDrain(this::flush);
        }

        /** Messages dropped for this client so far. */
        public long dropped() {
            return dropped.get() + gap;
        }

        /** Stops sending to it (its socket closed). */
        public void close() {
            if (!closed) {
                closed = true;
                clientCount.decrementAndGet();
                queue.clear();
            }
        }

        private void close(short status, String reason) {
            close();
            sink.runOnContext(() -> sink.close(status, reason));
        }

        /** Dispatcher: queues a message, or drops it when the queue is full (with room kept for the drop notice). */
        private void offer(Message json) {
            if (size.get() + (gap > 0 ? 2 : 1) > clientCapacity) {
                gap++;
                droppedForClients.incrementAndGet();
                return;
            }
            if (gap > 0) {
                enqueue(droppedNotice(gap));
                dropped.addAndGet(gap);
                gap = 0;
            }
            enqueue(json);
            if (size.get() > clientCapacity / 2) {
                filling = true;
            }
        }

        /** Dispatcher: once there is room again, says what was dropped without waiting for the next message. */
        private void tellGap() {
            if (gap > 0 && size.get() + 1 <= clientCapacity) {
                enqueue(droppedNotice(gap));
                dropped.addAndGet(gap);
                gap = 0;
            }
        }

        private void enqueue(Message json) {
            if (size.getAndIncrement() == 0) {
                lastProgress = System.nanoTime(); // the wait for this client starts now
            }
            queue.add(json);
        }

        /** Dispatcher: has the socket's event loop write what is queued, unless it is already at it. */
        private void schedule() {
            if (!closed && size.get() > 0 && scheduled.compareAndSet(false, true)) {
                sink.runOnContext(this::flush);
            }
        }

        /** Event loop: writes while the socket takes more, then sends the run at once. */
        private void flush() {
            scheduled.set(false);
            int written = 0;
            try {
                while (!closed) {
                    if (sink.writeQueueFull()) {
                        return; // the drain handler calls again
                    }
                    Message message = queue.poll();
                    if (message == null) {
                        return;
                    }
                    size.decrementAndGet();
                    lastProgress = System.nanoTime();
                    sink.write(message);
                    written++;
                }
            } finally {
                if (written > 0) {
                    sink.flush();
                }
            }
        }
    }
}
