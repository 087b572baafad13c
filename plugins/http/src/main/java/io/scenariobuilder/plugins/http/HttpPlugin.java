package io.scenariobuilder.plugins.http;

import org.pf4j.Plugin;

/** The PF4J plugin of the {@code http} integration; on stop it closes the HTTP clients and their threads. */
public final class HttpPlugin extends Plugin {

    @Override
    public void stop() {
        HttpClients.closeAll();
    }
}
