package io.scenariobuilder.plugins.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The plugin's two HTTP clients (following redirects or not), created on first use. They live in the plugin's class
 * loader and are closed when the plugin stops, so their threads do not keep an unloaded plugin's classes alive.
 */
final class HttpClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static volatile HttpClient following;
    private static volatile HttpClient notFollowing;

    private HttpClients() {
    }

    static HttpClient get(boolean followRedirects) {
        if (followRedirects) {
            HttpClient client = following;
            if (client == null) {
                synchronized (HttpClients.class) {
                    if (following == null) {
                        following = build(HttpClient.Redirect.NORMAL);
                    }
                    client = following;
                }
            }
            return client;
        }
        HttpClient client = notFollowing;
        if (client == null) {
            synchronized (HttpClients.class) {
                if (notFollowing == null) {
                    notFollowing = build(HttpClient.Redirect.NEVER);
                }
                client = notFollowing;
            }
        }
        return client;
    }

    private static HttpClient build(HttpClient.Redirect redirect) {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(redirect)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    static synchronized void closeAll() {
        if (following != null) {
            following.close();
            following = null;
        }
        if (notFollowing != null) {
            notFollowing.close();
            notFollowing = null;
        }
    }
}
