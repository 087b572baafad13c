package io.scenariobuilder.testplugins.badstart;

import org.pf4j.Plugin;

/** A plugin whose start fails, as one missing its license key or configuration might. */
public final class BadStartPlugin extends Plugin {

    @Override
    public void start() {
        throw new IllegalStateException("bad-start refuses to start: no license key");
    }
}
