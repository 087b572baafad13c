package io.scenariobuilder.server.security;

import io.scenariobuilder.server.ServerHarness;
import java.util.Map;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** A JAR entry named to land outside its folder ({@code ../..}, or an absolute path): refused. */
class PathTraversalJarAttackTest extends PluginAttackBase {

    @Test
    void anEntryClimbingOutOfItsFolderOrAnAbsoluteOneIsRefused() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("server"), Map.of())) {
            refused(h, withEntry("climb.jar", "../../../../tmp/evil.sh", "#!/bin/sh".getBytes(), ZipEntry.DEFLATED), "'..'");
            refused(h, withEntry("absolute.jar", "/etc/cron.d/evil", "x".getBytes(), ZipEntry.DEFLATED), "absolute");
        }
    }
}
