package io.scenariobuilder.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** A 10 MB upload with a wrong key: refused before its body is read. */
class UnauthenticatedBigBodyAttackTest extends UnauthenticatedAttackBase {

    /** Sends only the head of a 10 MB upload with a wrong key: the answer must come without the body being sent. */
    @Test
    void anUnauthenticatedTenMegabyteUploadIsRefusedBeforeItsBodyIsRead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", h.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/plugins HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sb_not_a_key_0000000000000000\r\n"
                    + "Content-Type: application/java-archive\r\nContent-Length: " + (10 * 1024 * 1024) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]); // a first part of the body; the rest never comes
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 401");
        }
        try (var uploads = Files.list(dir.resolve("data").resolve("uploads"))) {
            assertThat(uploads).as("nothing of the body was kept").isEmpty();
        }
    }
}
