package io.scenariobuilder.server.http;

import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.ApiKey;
import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.Role;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API-key authentication for {@code /api/**}: {@code Authorization: Bearer <key>} (the live streams' WebSocket
 * handshakes may also send {@code ?token=} or the {@code Sec-WebSocket-Protocol} value {@code bearer.<key>}, see
 * {@link #presentedKey(String, String, String)}). 401 without a key or with a wrong one; handlers
 * call {@link #require} for their role (403).
 *
 * <p>Keys are stored as SHA-256 digests and looked up by digest, so a wrong key is never compared character by
 * character with a right one. Verified keys are remembered for 30 seconds (by digest) so that requests do not wait
 * on the store; deleting a key forgets it at once on this server.
 */
public final class Auth implements Handler<RoutingContext> {

    private static final String KEY = "sb.apiKey";
    private static final long REMEMBER_MS = 30_000;

    private record Remembered(ApiKey key, long until) {
    }

    private final JdbcApiKeyStore keys;
    private final Http http;
    private final Vertx vertx;
    private final SecurityLog security;
    private final Map<String, Remembered> verified = new ConcurrentHashMap<>();

    public Auth(JdbcApiKeyStore keys, Http http, Vertx vertx, SecurityLog security) {
        this.keys = keys;
        this.http = http;
        this.vertx = vertx;
        this.security = security;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String presented = presentedKey(ctx);
        if (presented == null) {
            ctx.fail(new ApiException(401, "unauthorized", "missing API key: send 'Authorization: Bearer <key>'"));
            return;
        }
        authenticate(presented).onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
                return;
            }
            if (result.result().isEmpty()) {
                security.refusedKey(ctx);
                ctx.fail(new ApiException(401, "unauthorized", "the API key is not valid"));
                return;
            }
            ctx.put(KEY, result.result().get());
            ctx.next();
        });
    }

    /**
     * The key a secret names, if any: from the 30-second memory, else from the store (on a virtual thread). Completes on
     * the caller's Vert.x context.
     */
    public Future<Optional<ApiKey>> authenticate(String presented) {
        String digest = sha256(presented);
        Remembered remembered = verified.get(digest);
        if (remembered != null && remembered.until() > System.currentTimeMillis()) {
            return Future.succeededFuture(Optional.of(remembered.key()));
        }
        return http.blocking(vertx, () -> keys.authenticate(presented)).map(key -> {
            if (key.isEmpty()) {
                verified.remove(digest);
            } else {
                verified.put(digest, new Remembered(key.get(), System.currentTimeMillis() + REMEMBER_MS));
            }
            return key;
        });
    }

    /** Whether a key's role includes {@code needed} (admin includes editor, editor viewer). */
    public static boolean allows(ApiKey key, Role needed) {
        return rank(key.role()) >= rank(needed);
    }

    /** Fails with 403 unless the caller's role includes {@code needed} (admin includes editor, editor viewer). */
    public static ApiKey require(RoutingContext ctx, Role needed) {
        ApiKey key = ctx.get(KEY);
        if (key == null) {
            throw new ApiException(401, "unauthorized", "missing API key");
        }
        if (!allows(key, needed)) {
            throw new ApiException(403, "forbidden", "this needs the " + needed.id() + " role; key '" + key.name() + "' is "
                    + key.role().id());
        }
        return key;
    }

    /** Forgets every remembered verification (a key was deleted). */
    public void forgetAll() {
        verified.clear();
    }

    private static int rank(Role role) {
        return switch (role) {
            case VIEWER -> 1;
            case EDITOR -> 2;
            case ADMIN -> 3;
        };
    }

    private static String presentedKey(RoutingContext ctx) {
        return presentedKey(ctx.request().getHeader("Authorization"), null, null);
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
