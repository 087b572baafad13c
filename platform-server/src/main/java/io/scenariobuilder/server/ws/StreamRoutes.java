package io.scenariobuilder.server.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObjectEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.scenariobuilder.api.execution.LogLevel;
import io.scenariobuilder.core.engine.ExecutionEvent;
import io.scenariobuilder.core.engine.LogEntry;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.Role;
import io.scenariobuilder.server.http.Access;
import io.scenariobuilder.server.http.ApiException;
import io.scenariobuilder.server.http.Auth;
import io.scenariobuilder.server.http.SecurityLog;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live streams: {@code GET /api/v1/logs/stream} (log lines, filtered by {@code executionId}, {@code scenarioId},
 * minimum {@code level} and {@code category}) and {@code GET /api/v1/events/stream} (execution and node state changes,
 * filtered by {@code executionId}, {@code scenarioId} and {@code type}), both WebSockets. On connect the last
 * {@code replay} matching items (default 100, at most 1,000) come first. A viewer key is enough; it may come as
 * {@code Authorization: Bearer}, as {@code ?token=}, or as the {@code Sec-WebSocket-Protocol} value
 * {@code bearer.<key>} (browsers cannot set headers), which is echoed back as the chosen subprotocol.
 *
 * <p>Upgrades are taken by the HTTP server's handshake handler ({@link #handshake}), before the router: the router
 * would read the request to its end while the key is checked in the store, after which it can no longer be upgraded,
 * and it wraps the socket. A wrong key is refused with 401, a bad filter with 400, another path with 404. A plain
 * {@code GET} of a stream path goes through the router and answers 400 naming what is wrong.
 */
public final class StreamRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(StreamRoutes.class);
    /** The two paths. */
    public static final Set<String> PATHS = Set.of("/api/v1/logs/stream", "/api/v1/events/stream");
    static final int DEFAULT_REPLAY = 100;
    static final int MAX_REPLAY = 1_000;

    private final Vertx vertx;
    private final Auth auth;
    private final SecurityLog security;
    private final LiveHub<LogEntry> logs;
    private final LiveHub<ExecutionEvent> events;

    public StreamRoutes(Vertx vertx, Auth auth, SecurityLog security, LiveHub<LogEntry> logs, LiveHub<ExecutionEvent> events) {
        this.vertx = vertx;
        this.auth = auth;
        this.security = security;
        this.logs = logs;
        this.events = events;
    }

    /** Mounts the plain-HTTP side of the stream paths (after the API's authentication). */
    public void mount(Router router) {
        router.get("/api/v1/logs/stream").handler(ctx -> notAnUpgrade(ctx, () -> logFilter(ctx.queryParams())));
        router.get("/api/v1/events/stream").handler(ctx -> notAnUpgrade(ctx, () -> eventFilter(ctx.queryParams())));
    }

    private static void notAnUpgrade(RoutingContext ctx, Runnable checkFilters) {
        checkFilters.run();
        replay(ctx.queryParams());
        throw ApiException.badRequest(ctx.request().path() + " is a WebSocket: connect with an Upgrade request (for example "
                + "new WebSocket(url, ['bearer.' + key]) in a browser)");
    }

    /** Takes a WebSocket handshake: authenticates, checks the filters, and connects the socket to its stream. */
    public void handshake(ServerWebSocketHandshake handshake) {
        String path = handshake.path();
        if (!PATHS.contains(path)) {
            handshake.reject(404);
            return;
        }
        String address = handshake.remoteAddress() == null ? "unknown" : handshake.remoteAddress().hostAddress();
        MultiMap query = MultiMap.caseInsensitiveMultiMap();
        new QueryStringDecoder(handshake.uri()).parameters().forEach(query::add);
        String key = Auth.presentedKey(handshake.headers().get("Authorization"), handshake.headers().get("Sec-WebSocket-Protocol"),
                query.get("token"));
        if (key == null) {
            handshake.reject(401);
            return;
        }
        if (auth.limited(address) && !auth.knownGood(key)) {
            handshake.reject(429);
            return;
        }
        Predicate<LogEntry> logFilter;
        Predicate<ExecutionEvent> eventFilter;
        int replay;
        try {
            logFilter = path.equals("/api/v1/logs/stream") ? logFilter(query) : null;
            eventFilter = logFilter == null ? eventFilter(query) : null;
            replay = replay(query);
        } catch (ApiException e) {
            LOG.debug("refused a stream handshake: {}", e.getMessage());
            handshake.reject(e.status());
            return;
        }
        auth.authenticate(key).onComplete(result -> {
            if (result.failed()) {
                // The key could not be checked: while the store is unavailable, "try again" as the API answers (503).
                boolean unavailable = result.cause() instanceof io.scenariobuilder.core.store.StoreException store && store.unavailable();
                if (!unavailable) {
                    LOG.error("a stream handshake's key could not be checked", result.cause());
                }
                handshake.reject(unavailable ? 503 : 500);
                return;
            }
            if (result.result().isEmpty()) {
                auth.failed(address);
                security.refusedKey(handshake.remoteAddress(), "the WebSocket " + path);
                handshake.reject(401);
                return;
            }
            Role needed = Access.ruleFor(HttpMethod.GET, path).map(Access.Rule::role).orElse(Role.ADMIN);
            if (!Access.allows(result.result().get(), needed)) {
                handshake.reject(403);
                return;
            }
            handshake.accept().onSuccess(socket -> {
                Context context = vertx.getOrCreateContext();
                if (logFilter != null) {
                    connect(socket, context, logs, logFilter, replay);
                } else {
                    connect(socket, context, events, eventFilter, replay);
                }
            });
        });
    }

    private static <T> void connect(ServerWebSocket socket, Context context, LiveHub<T> hub, Predicate<T> filter, int replay) {
        LiveHub<T>.Client client = hub.connect(new SocketSink(socket, context), filter, replay);
        socket.handler(ignored -> { }); // the streams only send
        socket.closeHandler(ignored -> client.close());
        socket.exceptionHandler(ignored -> client.close());
    }

    static Predicate<LogEntry> logFilter(MultiMap query) {
        String executionId = query.get("executionId");
        String scenarioId = query.get("scenarioId");
        String levelText = query.get("level");
        LogLevel level = levelText == null ? LogLevel.DEBUG : LogLevel.fromId(levelText).orElseThrow(() ->
                ApiException.badRequest("level must be one of " + Arrays.stream(LogLevel.values()).map(LogLevel::id).toList()
                        + ", got '" + levelText + "'"));
        List<String> categories = list(query.get("category"));
        for (String category : categories) {
            if (!LogEntry.CATEGORIES.contains(category)) {
                throw ApiException.badRequest("category must be among " + LogEntry.CATEGORIES + ", got '" + category + "'");
            }
        }
        return line -> line.level().compareTo(level) >= 0
                && (executionId == null || executionId.equals(line.executionId()))
                && (scenarioId == null || scenarioId.equals(line.scenarioId()))
                && (categories.isEmpty() || categories.contains(line.category()));
    }

    static Predicate<ExecutionEvent> eventFilter(MultiMap query) {
        String executionId = query.get("executionId");
        String scenarioId = query.get("scenarioId");
        List<String> types = list(query.get("type"));
        for (String type : types) {
            if (!type.equals("execution") && !type.equals("node")) {
                throw ApiException.badRequest("type must be execution or node, got '" + type + "'");
            }
        }
        return event -> (executionId == null || executionId.equals(event.executionId()))
                && (scenarioId == null || scenarioId.equals(event.scenarioId()))
                && (types.isEmpty() || types.contains(event.type()));
    }

    static int replay(MultiMap query) {
        String text = query.get("replay");
        if (text == null) {
            return DEFAULT_REPLAY;
        }
        try {
            int replay = Integer.parseInt(text);
            if (replay < 0 || replay > MAX_REPLAY) {
                throw ApiException.badRequest("replay must be between 0 and " + MAX_REPLAY + ", got " + replay);
            }
            return replay;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("replay must be a whole number, got '" + text + "'");
        }
    }

    private static List<String> list(String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
    }

    /**
     * A Vert.x server WebSocket as the hub's sink.
     *
     * <p>Why it writes under Vert.x: Vert.x encodes each message it is given and flushes it at once when written outside
     * a read, a frame encoding and a system call per message: half a million a second at 50 clients and 10,000 lines a
     * second, more than two cores do. So each message's frame is made once for all clients ({@link LiveHub.Message}),
     * written as bytes into the socket's Netty pipeline under Vert.x's WebSocket encoder (which passes bytes on as they
     * are), copied into one buffer per 16 KB (one entry in the channel, not one per message), and a run of them is
 * flushed at once. Back-pressure then follows the Netty channel itself: a run stops when
     * the channel's buffer passes its high-water mark (64 KB), and a handler in the pipeline starts the next one when
     * it has room again (Vert.x's own drain handler only hears of writes made through Vert.x). {@code WebSocketInternal}
     * is the internal API Vert.x gives its own modules: were it gone, the sink falls back to Vert.x's writes.
     */
    private static final class SocketSink implements LiveHub.Sink {
        /** The most copied together before the channel takes it (and counts it for its high-water mark, 64 KB). */
        private static final int CHUNK = 16 * 1024;
        private final ServerWebSocket socket;
        private final Context context;
        private final ChannelHandlerContext channel;
        private volatile Runnable onWritable;
        /** Set once the HTTP codec has left the pipeline (event loop only). */
        private boolean upgraded;
        /** Frames written since the last flush, copied together: one buffer in the channel, not one per message. */
        private io.netty.buffer.ByteBuf pending;

        SocketSink(ServerWebSocket socket, Context context) {
            this.socket = socket;
            this.context = context;
            this.channel = socket instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
            if (channel != null) {
                channel.pipeline().addBefore(channel.name(), "sb-live-writability", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        Runnable then = onWritable;
                        if (then != null && ctx.channel().isWritable()) {
                            then.run();
                        }
                        ctx.fireChannelWritabilityChanged();
                    }
                });
            }
        }

        @Override
        public boolean writeQueueFull() {
            return channel != null ? !channel.channel().isWritable() : socket.writeQueueFull();
        }

        @Override
        public void write(LiveHub.Message message) {
            if (channel != null && (upgraded || (upgraded = httpCodecGone()))) {
                byte[] frame = message.frame();
                if (pending == null) {
                    pending = channel.alloc().buffer(Math.max(frame.length, CHUNK));
                }
                pending.writeBytes(frame);
                if (pending.readableBytes() >= CHUNK) {
                    channel.write(pending, channel.voidPromise()); // counted by the channel now: it may turn unwritable
                    pending = null;
                }
            } else {
                socket.writeTextMessage(new String(message.utf8(), StandardCharsets.UTF_8));
            }
        }

        /**
         * Whether the HTTP codec has left the pipeline: Netty removes it only once the handshake's response is written,
         * which may be after the socket is handed over; bytes written before would reach the HTTP encoder. Until then
         * (the first replayed messages, at most) Vert.x writes them.
         */
        private boolean httpCodecGone() {
            for (var entry : channel.pipeline()) {
                if (entry.getValue() instanceof HttpServerCodec || entry.getValue() instanceof HttpObjectEncoder<?>) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void flush() {
            if (channel != null) {
                if (pending != null) {
                    channel.write(pending, channel.voidPromise());
                    pending = null;
                }
                channel.flush();
            }
        }

        @Override
        public void onDrain(Runnable then) {
            onWritable = then;
            socket.drainHandler(ignored -> then.run());
        }

        @Override
        public void close(short status, String reason) {
            socket.close(status, reason);
        }

        @Override
        public void runOnContext(Runnable task) {
            context.runOnContext(ignored -> task.run());
        }
    }
}
