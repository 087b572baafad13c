package io.scenariobuilder.benchmarks;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Live-stream clients for the stream benchmark: {@code clients} WebSockets on a stream, the first of which never reads
 * (paused), for {@code seconds}. Prints, each second, the messages the reading clients got (fewest, most) and the
 * drop notices, and at the end whether the one that never read was closed.
 *
 * <pre>{@code java ... StreamClients ws://127.0.0.1:8080/api/v1/logs/stream?replay=0 KEY 50 30}</pre>
 */
public final class StreamClients {

    public static void main(String[] args) throws Exception {
        java.net.URI url = java.net.URI.create(args[0]);
        String key = args[1];
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        WebSocketClient ws = vertx.createWebSocketClient();
        AtomicLongArray received = new AtomicLongArray(clients);
        AtomicLong dropNotices = new AtomicLong();
        AtomicLong stalledClosed = new AtomicLong(-1);
        List<WebSocket> sockets = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int me = c;
            WebSocket socket = ws.connect(new WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort())
                    .setURI(url.getRawPath() + "?" + url.getRawQuery()).addSubProtocol("bearer." + key)).await(10, TimeUnit.SECONDS);
            sockets.add(socket);
            if (me == 0) {
                socket.pause();
                socket.closeHandler(closed -> stalledClosed.set(socket.closeStatusCode() == null ? 0 : socket.closeStatusCode()));
            } else {
                socket.frameHandler(frame -> {
                    received.incrementAndGet(me);
                    if (frame.binaryData().length() < 64 && frame.binaryData().toString().contains("\"dropped\"")) {
                        dropNotices.incrementAndGet();
                    }
                });
            }
        }
        System.out.printf("%d clients connected (client 0 never reads)%n", clients);
        long[] last = new long[clients];
        for (int s = 1; s <= seconds; s++) {
            Thread.sleep(1000); // a reporting period, not synchronisation
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int c = 1; c < clients; c++) {
                long now = received.get(c);
                min = Math.min(min, now - last[c]);
                max = Math.max(max, now - last[c]);
                last[c] = now;
            }
            System.out.printf("t=%ds messages/s per reading client: min %d max %d; drop notices so far %d%n", s, min, max,
                    dropNotices.get());
        }
        sockets.get(0).resume(); // let it read the close frame the server sent it
        Thread.sleep(500);
        System.out.printf("the client that never read: %s%n", stalledClosed.get() < 0 ? "still open" : "closed with " + stalledClosed.get());
        vertx.close().await();
    }
}
