package io.scenariobuilder.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP server on 127.0.0.1 that answers every call {@code {"ok": true}} and remembers when each arrived, by path and
 * query ({@code /call?e=<execution>}): what a scenario's {@code http} nodes did, to check that none ran again after it
 * was stored completed.
 */
final class Witness implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, List<Long>> calls = new ConcurrentHashMap<>();

    Witness() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String key = exchange.getRequestURI().getPath() + "?" + exchange.getRequestURI().getQuery();
            calls.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(System.currentTimeMillis());
            byte[] body = "{\"ok\": true}".getBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** When each call of {@code path?query} arrived (epoch ms), oldest first; empty when none did. */
    List<Long> calls(String pathAndQuery) {
        List<Long> arrived = calls.get(pathAndQuery);
        return arrived == null ? List.of() : List.copyOf(arrived);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
