package io.scenariobuilder.core.bigdata;

import static org.assertj.core.api.Assertions.assertThat;

import io.scenariobuilder.core.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty executions at once whose nodes pass 10,000-item arrays (about 10 MB each), in a JVM limited to 256 MB of
 * heap, on the durable store. Before the engine bounded in-flight outputs (and converted them lazily) this ran out
 * of memory ({@code OutOfMemoryError}, checked by hand); now every execution completes.
 */
class BigDataTest {

    @TempDir
    Path dir;

    @Test
    void twentyExecutionsPassingTenMegabyteArraysCompleteInA256MegabyteHeap() throws Exception {
        Path out = dir.resolve("worker.out");
        Process worker = new ProcessBuilder(ChildJvm.command(List.of("-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "-Dguice_custom_class_loading=CHILD"), BigDataWorker.class, dir.toString(), "20"))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(worker.waitFor(180, TimeUnit.SECONDS)).as("the worker finished").isTrue();
        String output = Files.readString(out);
        assertThat(output).doesNotContain("OutOfMemoryError").contains("all-correct");
        assertThat(worker.exitValue()).isZero();
    }
}
