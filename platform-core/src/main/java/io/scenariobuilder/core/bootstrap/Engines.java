package io.scenariobuilder.core.bootstrap;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;

/** Builds injectors the way the platform wants them: production stage, explicit bindings, no circular proxies. */
public final class Engines {

    private Engines() {
    }

    /** An injector over {@code modules}. */
    public static Injector injector(Module... modules) {
        return Guice.createInjector(Stage.PRODUCTION, binder -> {
            binder.requireExplicitBindings();
            binder.disableCircularProxies();
            for (Module module : modules) {
                binder.install(module);
            }
        });
    }
}
