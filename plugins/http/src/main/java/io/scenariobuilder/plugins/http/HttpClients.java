package io.scenariobuilder.plugins.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The plugin's HTTP clients (one following redirects, one not), created on first use. They live in the plugin's
 * class loader and are closed when the plugin stops, so their threads do not keep an unloaded plugin's classes
 * alive. The lock is taken once per request, which costs nothing next to the request itself.
 */
final class HttpClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Map<HttpClient.Redirect, HttpClient> CLIENTS = new EnumMap<>(HttpClient.Redirect.class);

    private HttpClients() {
    }

    static synchronized HttpClient get(boolean followRedirects) {
        return CLIENTS.computeIfAbsent(followRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER,
                redirect -> HttpClient.newBuilder()
                        .connectTimeout(CONNECT_TIMEOUT)
                        .followRedirects(redirect)
                        .executor(Executors.newVirtualThreadPerTaskExecutor())
                        .build());
    }

    static synchronized void closeAll() {
        CLIENTS.values().forEach(HttpClient::close);
        CLIENTS.clear();
    }
}
