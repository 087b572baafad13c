package io.scenariobuilder.plugins.catalog;

import org.pf4j.Plugin;

/** The PF4J plugin that ships the built-in {@code catalog} integration; its work is done by {@link CatalogIntegration}. */
public final class CatalogPlugin extends Plugin {
}
