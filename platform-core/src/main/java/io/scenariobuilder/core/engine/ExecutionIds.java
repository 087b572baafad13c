package io.scenariobuilder.core.engine;

import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Execution ids that sort by creation time (48 bits of milliseconds, then 80 random bits, as hex), so that stores
 * can page through executions by id.
 */
final class ExecutionIds {

    private ExecutionIds() {
    }

    static String next(Clock clock) {
        byte[] bytes = new byte[16];
        long millis = clock.millis();
        for (int i = 5; i >= 0; i--) {
            bytes[i] = (byte) millis;
            millis >>>= 8;
        }
        byte[] random = new byte[10];
        ThreadLocalRandom.current().nextBytes(random);
        System.arraycopy(random, 0, bytes, 6, 10);
        return HexFormat.of().formatHex(bytes);
    }
}
