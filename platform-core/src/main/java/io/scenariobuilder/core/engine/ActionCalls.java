package io.scenariobuilder.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.scenariobuilder.api.execution.ExecutionStyle;
import io.scenariobuilder.api.execution.NodeExecutor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.MDC;

/**
 * What surrounds a call into a plugin's action, whatever thread makes it: the plugin's class loader as the thread's
 * context class loader, the node's ids in the MDC (so the plugin's own log lines carry them), and the credential
 * values to mask in what it logs and throws.
 */
final class ActionCalls {

    private ActionCalls() {
    }

    /** How the action wants to be called: inline on the engine's thread, or on a thread of its own. */
    static ExecutionStyle styleOf(NodeExecutor executor) {
        var capabilities = executor.getCapabilities();
        return capabilities == null ? ExecutionStyle.BLOCKING : capabilities.style();
    }

    /** Enters the node's scope on the current thread; answers the previous class loader, for {@link #leave}. */
    static ClassLoader enter(ClassLoader loader, String executionId, String scenarioId, String nodeId, String traceId, String spanId) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        MDC.put("executionId", executionId);
        MDC.put("scenarioId", scenarioId);
        MDC.put("nodeId", nodeId);
        MDC.put("traceId", traceId);
        MDC.put("spanId", spanId);
        return previous;
    }

    /** Leaves the node's scope: the MDC cleared, the class loader given back. */
    static void leave(ClassLoader previous) {
        MDC.remove("executionId");
        MDC.remove("scenarioId");
        MDC.remove("nodeId");
        MDC.remove("traceId");
        MDC.remove("spanId");
        Thread.currentThread().setContextClassLoader(previous);
    }

    /**
     * The credential values to mask in what a node logs and in its errors: every text value of six characters or more
     * (shorter ones, such as {@code basic}, would mask ordinary words).
     */
    static Collection<String> secretValues(JsonNode credentials) {
        List<String> secrets = new ArrayList<>(2);
        credentials.forEach(value -> {
            if (value.isTextual() && value.textValue().length() >= 6) {
                secrets.add(value.textValue());
            }
        });
        return secrets;
    }
}
