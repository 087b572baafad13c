package io.scenariobuilder.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Live-stream clients for the stream benchmark: {@code clients} WebSockets on a stream, the first of which never reads,
 * for {@code seconds}. Prints, each second, the messages the reading clients got (fewest, most) and the drop notices,
 * and at the end how the one that never read was closed.
 *
 * <p>The clients are plain sockets that read in 64 KB blocks and only walk the frame headers, the way wrk is a cheap
 * HTTP client: the benchmark measures what the server pays for the fan-out, and on a small machine a full WebSocket
 * client decoding half a million frames a second would take the CPU the server needs.
 *
 * <pre>{@code java ... StreamClients ws://127.0.0.1:8080/api/v1/logs/stream?replay=0 KEY 50 30}</pre>
 */
public final class StreamClients {

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        String key = args[1];
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        AtomicLongArray received = new AtomicLongArray(clients);
        AtomicLong dropNotices = new AtomicLong();
        List<Socket> sockets = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            sockets.add(open(url, key));
        }
        for (int c = 1; c < clients; c++) {
            int me = c;
            Socket socket = sockets.get(c);
            Thread.ofPlatform().daemon().name("client-" + c).start(() -> read(socket, received, me, dropNotices));
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
        long cpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        System.out.printf("the clients' own CPU over the %d s: %.1f s%n", seconds, cpu / 1e9);
        System.out.printf("the client that never read: %s%n", closeStatus(sockets.get(0)));
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private static Socket open(URI url, String key) throws IOException {
        Socket socket = new Socket(url.getHost(), url.getPort());
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\n"
                + "Host: " + url.getHost() + ":" + url.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: bearer." + key + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) { // byte by byte: nothing past the head may be consumed here
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection during the handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("the handshake was refused: " + head.toString().lines().findFirst().orElse(""));
        }
        return socket;
    }

    /** Reads frames until the socket closes, counting text frames and drop notices. */
    private static void read(Socket socket, AtomicLongArray received, int me, AtomicLong dropNotices) {
        FrameWalker walker = new FrameWalker();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = socket.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                walker.walk(buffer, n);
                received.set(me, walker.frames);
                dropNotices.addAndGet(walker.takeDropNotices());
                if (walker.closeStatus >= 0) {
                    return;
                }
            }
        } catch (IOException e) {
            // closed at the end of the run
        }
    }

    /** Reads what the server sent the client that never read: the close frame, if it was closed. */
    private static String closeStatus(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        FrameWalker walker = new FrameWalker();
        byte[] buffer = new byte[64 * 1024];
        InputStream in = socket.getInputStream();
        try {
            int n;
            while (walker.closeStatus < 0 && (n = in.read(buffer)) > 0) {
                walker.walk(buffer, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            return "still open (" + walker.frames + " messages read at the end)";
        }
        return walker.closeStatus >= 0 ? "closed with " + walker.closeStatus + " after " + walker.frames + " messages"
                : "the connection ended without a close frame";
    }

    /** Walks server frames (never masked) across reads: only headers are looked at, and the start of short payloads. */
    private static final class FrameWalker {
        private static final byte[] DROPPED = "{\"type\":\"dropped\"".getBytes(StandardCharsets.US_ASCII);
        private final byte[] header = new byte[10];
        private int headerRead;
        private int headerNeeded = 2;
        private long payloadLeft;
        private int opcode;
        private final byte[] start = new byte[DROPPED.length];
        private int startRead;
        private long payloadLength;
        long frames;
        private long dropNotices;
        int closeStatus = -1;

        void walk(byte[] buffer, int length) {
            int i = 0;
            while (i < length) {
                if (payloadLeft == 0 && headerRead < headerNeeded) {
                    header[headerRead++] = buffer[i++];
                    if (headerRead == 2) {
                        int len = header[1] & 0x7F;
                        headerNeeded = len < 126 ? 2 : len == 126 ? 4 : 10;
                    }
                    if (headerRead == headerNeeded) {
                        opcode = header[0] & 0x0F;
                        int len = header[1] & 0x7F;
                        payloadLength = len < 126 ? len : 0;
                        for (int b = 2; b < headerNeeded; b++) {
                            payloadLength = (payloadLength << 8) | (header[b] & 0xFF);
                        }
                        payloadLeft = payloadLength;
                        startRead = 0;
                        if (payloadLeft == 0) {
                            frameDone();
                        }
                    }
                    continue;
                }
                int take = (int) Math.min(payloadLeft, length - i);
                int copy = Math.min(take, start.length - startRead);
                if (copy > 0) {
                    System.arraycopy(buffer, i, start, startRead, copy);
                    startRead += copy;
                }
                i += take;
                payloadLeft -= take;
                if (payloadLeft == 0) {
                    frameDone();
                }
            }
        }

        private void frameDone() {
            if (opcode == 0x1) {
                frames++;
                if (payloadLength < 64 && startRead == start.length && java.util.Arrays.equals(start, DROPPED)) {
                    dropNotices++;
                }
            } else if (opcode == 0x8) {
                closeStatus = startRead >= 2 ? ((start[0] & 0xFF) << 8) | (start[1] & 0xFF) : 0;
            }
            headerRead = 0;
            headerNeeded = 2;
        }

        long takeDropNotices() {
            long n = dropNotices;
            dropNotices = 0;
            return n;
        }
    }
}
