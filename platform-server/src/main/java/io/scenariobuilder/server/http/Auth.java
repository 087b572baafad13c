package io.scenariobuilder.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.ApiKey;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * API-key authentication and authorisation for {@code /api/**}, before anything else reads the request: the key
 * comes only from {@code Authorization: Bearer <key>} (the live streams' WebSocket handshakes may also send
 * {@code ?token=} or the subprotocol {@code bearer.<key>}, see {@link #presentedKey(String, String, String)}); the
 * role the route needs comes from {@link Access}. 401 without a key or with a wrong one, 403 for a role that may not,
 * 429 for an address past {@code SB_AUTH_FAILURES_PER_MINUTE} wrong keys in the last minute (a key already known to
 * be good still works from there). A refused request's body is never read: the answer closes the connection.
 *
 * <p>Keys are stored as SHA-256 digests and looked up by digest, so a wrong key is never compared character by
 * character with a right one. What a digest names (a key, or nothing) is kept in a bounded cache for 30 seconds, so
 * a repeated key, right or wrong, costs no store round trip; any key change empties it.
 */
public final class Auth implements Handler<RoutingContext> {

    private static final String KEY = "sb.apiKey";
    private static final Duration REMEMBER = Duration.ofSeconds(30);

    private final JdbcApiKeyStore keys;
    private final Http http;
    private final Vertx vertx;
    private final SecurityLog security;
    private final int failuresPerMinute;
    private final java.util.concurrent.atomic.AtomicLong lookups = new java.util.concurrent.atomic.AtomicLong();
    /** Digest of a presented key -> the key it names, or empty for none. */
    private final java.util.List<Runnable> forgotten = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Cache<String, Optional<ApiKey>> known = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(REMEMBER).build();
    /** Client address -> failed authentications in the minute since its first. */
    private final Cache<String, AtomicInteger> failures = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(1)).build();

    public Auth(JdbcApiKeyStore keys, Http http, Vertx vertx, SecurityLog security, int failuresPerMinute) {
        this.keys = keys;
        this.http = http;
        this.vertx = vertx;
        this.security = security;
        this.failuresPerMinute = failuresPerMinute;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (Access.PUBLIC.contains(request.path())) {
            ctx.next();
            return;
        }
        String address = address(request.remoteAddress());
        String authorization = request.getHeader("Authorization");
        String presented = presentedKey(authorization, null, null);
        if (presented == null) {
            refuse(ctx, new ApiException(401, "unauthorized", authorization == null
                    ? "missing API key: send it in the Authorization header, as Bearer <key>"
                    : "the Authorization header has no 'Bearer ' scheme: send it as Bearer <key>"));
            return;
        }
        String digest = sha256(presented);
        Optional<ApiKey> cached = known.getIfPresent(digest);
        if (cached != null && cached.isPresent()) {
            decide(ctx, address, cached); // a key known to be good works even from an address that guesses
            return;
        }
        if (limited(address)) {
            refuse(ctx, new ApiException(429, "rate_limited", "too many failed authentications from " + address
                    + " in the last minute; try again later").withHeader("Retry-After", "60"));
            return;
        }
        if (cached != null) {
            decide(ctx, address, cached);
            return;
        }
        request.pause(); // nothing of the body is read until the key is known
        lookUp(presented, digest).onComplete(result -> {
            if (result.failed()) {
                request.resume();
                ctx.fail(result.cause());
                return;
            }
            decide(ctx, address, result.result());
        });
    }

    private void decide(RoutingContext ctx, String address, Optional<ApiKey> key) {
        if (key.isEmpty()) {
            failed(address);
            security.refusedKey(ctx);
            refuse(ctx, new ApiException(401, "unauthorized", "the API key is not valid"));
            return;
        }
        var rule = Access.ruleFor(ctx.request().method(), ctx.request().path());
        if (rule.isPresent() && !Access.allows(key.get(), rule.get().role())) {
            refuse(ctx, new ApiException(403, "forbidden", "this needs the " + rule.get().role().id() + " role; key '"
                    + key.get().name() + "' is " + key.get().role().id()));
            return;
        }
        ctx.put(KEY, key.get());
        ctx.request().resume();
        ctx.next();
    }

    /** Answers a refusal without reading the body: the connection closes after the answer when a body is on its way. */
    private static void refuse(RoutingContext ctx, ApiException error) {
        if (!ctx.request().isEnded()) {
            ctx.response().putHeader("Connection", "close");
            ctx.addEndHandler(ignored -> ctx.request().connection().close());
        }
        ctx.fail(error);
    }

    /**
     * The key a secret names, if any: from the cache, else from the store (on a virtual thread). Completes on the
     * caller's Vert.x context.
     */
    public Future<Optional<ApiKey>> authenticate(String presented) {
        String digest = sha256(presented);
        Optional<ApiKey> cached = known.getIfPresent(digest);
        return cached != null ? Future.succeededFuture(cached) : lookUp(presented, digest);
    }

    /** What the store says {@code presented} names, remembered by its {@code digest}. */
    private Future<Optional<ApiKey>> lookUp(String presented, String digest) {
        lookups.incrementAndGet();
        return http.blocking(vertx, () -> keys.authenticate(presented)).map(key -> {
            known.put(digest, key);
            return key;
        });
    }

    /** Whether {@code presented} is a key already known to be good (it works even from an address that guesses). */
    public boolean knownGood(String presented) {
        Optional<ApiKey> cached = known.getIfPresent(sha256(presented));
        return cached != null && cached.isPresent();
    }

    /** How many keys were looked up in the store (each unknown key once, then from the cache). */
    public long storeLookups() {
        return lookups.get();
    }

    /** Whether {@code address} is past its failed authentications for this minute. */
    public boolean limited(String address) {
        AtomicInteger count = failures.getIfPresent(address);
        return count != null && count.get() >= failuresPerMinute;
    }

    /** Counts a failed authentication from {@code address}. */
    public void failed(String address) {
        failures.get(address, ignored -> new AtomicInteger()).incrementAndGet();
    }

    /** The caller's key, as {@link Auth} found it. */
    public static ApiKey caller(RoutingContext ctx) {
        ApiKey key = ctx.get(KEY);
        if (key == null) {
            throw new ApiException(401, "unauthorized", "missing API key");
        }
        return key;
    }

    /** Forgets every remembered key and refusal (a key was created or deleted). */
    public void forgetAll() {
        known.invalidateAll();
        forgotten.forEach(Runnable::run);
    }

    /** Hears {@link #forgetAll}: the keys changed (the other servers of a cluster are told). */
    public void onForgetAll(Runnable listener) {
        forgotten.add(listener);
    }

    static String address(SocketAddress remote) {
        return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    }

    /**
     * The key a request presents: {@code Authorization: Bearer <key>}, else (on a WebSocket handshake, where a browser
     * cannot set headers) the {@code Sec-WebSocket-Protocol} value {@code bearer.<key>} or {@code ?token=<key>}.
     *
     * @param protocols the {@code Sec-WebSocket-Protocol} header of a handshake, else {@code null}
     * @param token the {@code token} query parameter of a handshake, else {@code null}
     */
    public static String presentedKey(String authorization, String protocols, String token) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = authorization.substring(7).trim();
            return key.isEmpty() ? null : key;
        }
        if (protocols != null) {
            for (String part : protocols.split(",")) {
                String p = part.trim();
                if (p.startsWith("bearer.") && p.length() > 7) {
                    return p.substring(7);
                }
            }
        }
        return token == null || token.isBlank() ? null : token;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
