package io.scenariobuilder.server.http;

import io.scenariobuilder.core.store.jdbc.JdbcApiKeyStore.ApiKey;
import io.scenariobuilder.server.logging.LogLines;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code security} category: refused API keys and webhook signatures, key creation and deletion, plugin installs
 * and removals, connection changes. Each line says who (the key's name and id, never the key) and what (ids, never a
 * secret). Refusals are capped at {@value #REFUSALS_PER_MINUTE} lines a minute, then counted in one line, so that
 * nobody fills the disk by sending bad keys.
 */
public final class SecurityLog {

    static final int REFUSALS_PER_MINUTE = 20;
    private static final Logger LOG = LoggerFactory.getLogger(LogLines.SECURITY);

    private final AtomicLong minute = new AtomicLong();
    private final AtomicInteger refusals = new AtomicInteger();
    private final AtomicInteger suppressed = new AtomicInteger();

    /** A request came with a wrong (or no longer valid) API key. */
    public void refusedKey(RoutingContext ctx) {
        refusedKey(ctx.request().remoteAddress(), ctx.request().method() + " " + ctx.request().path());
    }

    /** A request (a WebSocket handshake) came with a wrong API key. */
    public void refusedKey(io.vertx.core.net.SocketAddress remote, String what) {
        refused("refused an API key that is not valid, from " + from(remote) + " on " + what);
    }

    /** A webhook request came without a valid signature. */
    public void refusedSignature(RoutingContext ctx, String hookPath) {
        refused("refused a webhook call without a valid signature, from " + from(ctx.request().remoteAddress()) + " on webhook '"
                + hookPath + "'");
    }

    /** A key was created. */
    public void keyCreated(ApiKey by, ApiKey created) {
        LOG.info("{} created API key '{}' ({}, role {})", who(by), created.name(), created.id(), created.role().id());
    }

    /** A key was deleted. */
    public void keyDeleted(ApiKey by, String id) {
        LOG.info("{} deleted API key {}", who(by), id);
    }

    /** A plugin was installed or upgraded. */
    public void pluginInstalled(ApiKey by, String pluginId, String version) {
        LOG.info("{} installed plugin '{}' {}", who(by), pluginId, version);
    }

    /** A plugin was removed. */
    public void pluginRemoved(ApiKey by, String pluginId, boolean force) {
        LOG.info("{} removed plugin '{}'{}", who(by), pluginId, force ? " by force" : "");
    }

    /** A connection was created, replaced or deleted. */
    public void connectionChanged(ApiKey by, String what, String connectionId, String integrationId) {
        LOG.info("{} {} connection '{}' (integration '{}'); its credentials are not logged", who(by), what, connectionId,
                integrationId);
    }

    private void refused(String line) {
        long now = System.currentTimeMillis() / 60_000;
        long was = minute.get();
        if (was != now && minute.compareAndSet(was, now)) {
            refusals.set(0);
            int dropped = suppressed.getAndSet(0);
            if (dropped > 0) {
                LOG.warn("{} more refusals in the minute before were not logged one by one", dropped);
            }
        }
        if (refusals.incrementAndGet() <= REFUSALS_PER_MINUTE) {
            LOG.warn(line);
        } else {
            suppressed.incrementAndGet();
        }
    }

    private static String who(ApiKey key) {
        return "key '" + key.name() + "' (" + key.id() + ", " + key.role().id() + ")";
    }

    private static String from(io.vertx.core.net.SocketAddress remote) {
        return remote == null ? "an unknown address" : remote.hostAddress();
    }
}
