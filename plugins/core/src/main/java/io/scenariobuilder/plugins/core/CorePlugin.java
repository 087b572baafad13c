package io.scenariobuilder.plugins.core;

import org.pf4j.Plugin;

/** The PF4J plugin that ships the built-in {@code core} integration; its work is done by {@link CoreIntegration}. */
public final class CorePlugin extends Plugin {
}
