package io.scenariobuilder.server;

import io.scenariobuilder.core.fields.FieldOptions;
import io.scenariobuilder.core.scenario.Scenario;
import io.scenariobuilder.core.store.jdbc.ClusterBus;
import io.scenariobuilder.core.store.jdbc.JdbcConnectionStore;
import io.scenariobuilder.core.store.jdbc.JdbcScenarioStore;
import io.scenariobuilder.server.http.Auth;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one server of a cluster changes, the others see within a second: scenarios (their catalog, webhooks and
 * schedules), API keys (their cache of known keys), connections (the cached field options that used them), plugins
 * ({@link ClusterPlugins}). A change is
 * announced on {@link ClusterBus#CHANGES} as {@code kind:id}; each server then reads the truth from the database. A
 * lost announcement is made up for by comparing the catalog's versions with the database's every few seconds and
 * after the bus reconnects (keys, cached 30 s at most, expire on their own).
 */
final class ClusterChanges implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterChanges.class);
    private static final long RECONCILE_EVERY_MS = 5_000;

    private final ClusterBus bus;
    private final ScenarioCatalog catalog;
    private final JdbcScenarioStore scenarios;
    private final FieldOptions options;
    private final Auth auth;
    private final ClusterPlugins plugins;
    /** Set while a change heard from another server is applied: it is not announced again. */
    private final ThreadLocal<Boolean> applying = ThreadLocal.withInitial(() -> false);
    private volatile boolean closed;
    private Thread reconciler;

    ClusterChanges(ClusterBus bus, ScenarioCatalog catalog, JdbcScenarioStore scenarios, JdbcConnectionStore connections,
            FieldOptions options, Auth auth, ClusterPlugins plugins) {
        this.bus = bus;
        this.plugins = plugins;
        this.catalog = catalog;
        this.scenarios = scenarios;
        this.options = options;
        this.auth = Objects.requireNonNull(auth, "auth");
        catalog.listen(saved -> announce("scenario", saved.id()), deleted -> announce("scenario", deleted));
        connections.onChange(id -> announce("connection", id));
        auth.onForgetAll(() -> announce("keys", "*"));
        bus.on(ClusterBus.CHANGES, this::heard);
        bus.onReconnect(this::catchUp);
    }

    /** Starts comparing the catalog with the database every few seconds. */
    void start() {
        reconciler = Thread.ofPlatform().name("sb-cluster-changes").daemon().start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(RECONCILE_EVERY_MS);
                    reconcile();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("cannot compare the scenarios with the database: {}", e.getMessage());
                }
            }
        });
    }

    private void announce(String kind, String id) {
        if (applying.get()) {
            return;
        }
        try {
            bus.publish(ClusterBus.CHANGES, kind + ":" + id);
        } catch (RuntimeException e) {
            LOG.warn("cannot announce the change of {} {} to the cluster (the others see it within {} s): {}", kind, id,
                    RECONCILE_EVERY_MS / 1000, e.getMessage());
        }
    }

    private void heard(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0) {
            return;
        }
        String kind = payload.substring(0, colon);
        String id = payload.substring(colon + 1);
        applying.set(true);
        try {
            switch (kind) {
                case "scenario" -> refresh(id);
                case "keys" -> auth.forgetAll();
                case "connection" -> options.connectionChanged(id);
                // Installing takes a while: not on the bus's thread (the plugins' own lock keeps them in order).
                case "plugin" -> Thread.ofVirtual().name("sb-cluster-plugin").start(() -> {
                    try {
                        plugins.sync(id);
                    } catch (RuntimeException e) {
                        LOG.warn("cannot apply the change of plugin {} from the cluster: {}", id, e.getMessage());
                    }
                });
                default -> LOG.debug("an unknown change from the cluster: {}", payload);
            }
        } finally {
            applying.set(false);
        }
    }

    /** The catalog's copy of one scenario made the database's (saved, changed or deleted). */
    private void refresh(String id) {
        Optional<Scenario> stored = scenarios.find(id);
        Optional<Scenario> known = catalog.find(id);
        if (stored.isEmpty()) {
            if (known.isPresent()) {
                catalog.remove(id);
            }
        } else if (known.isEmpty() || known.get().version() != stored.get().version()) {
            catalog.put(stored.get());
        }
    }

    /** After missing notifications: everything read again. */
    private void catchUp() {
        applying.set(true);
        try {
            auth.forgetAll();
            reconcile();
        } finally {
            applying.set(false);
        }
    }

    /** Each scenario and plugin that differs from the database's read again; scenarios gone from it removed. */
    void reconcile() {
        plugins.syncAll();
        Map<String, Integer> versions = scenarios.latestVersions();
        boolean outer = applying.get();
        applying.set(true);
        try {
            for (Scenario known : catalog.all()) {
                if (!versions.containsKey(known.id())) {
                    catalog.remove(known.id());
                }
            }
            versions.forEach((id, version) -> {
                Optional<Scenario> known = catalog.find(id);
                if (known.isEmpty() || known.get().version() != version) {
                    refresh(id);
                }
            });
        } finally {
            applying.set(outer);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (reconciler != null) {
            reconciler.interrupt();
        }
    }
}
