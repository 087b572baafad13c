package io.scenariobuilder.server.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.scenariobuilder.core.engine.ExecutionEvents;
import io.scenariobuilder.core.engine.TraceContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Exports executions and node attempts as OpenTelemetry spans over OTLP/HTTP (protobuf), with the official SDK and
 * exporter: each execution a span (a child of the caller's span when a {@code traceparent} came in), each node attempt a
 * span under it, with the ids the platform already gave them (the same ids as in log lines and execution results), the
 * times they ran, and attributes for scenario, execution, node, integration, action, attempt and error type. A failed
 * attempt or execution has status {@code ERROR}.
 *
 * <p>Spans are made when they end (the engine knows their start then) and leave in batches on the SDK's own thread: the
 * engine only hands a record over. Without {@code SB_OTLP_ENDPOINT} this is never made, and the engine builds no span.
 */
public final class OtlpTraces implements ExecutionEvents.SpanListener, AutoCloseable {

    private static final AttributeKey<String> SCENARIO = AttributeKey.stringKey("sb.scenario.id");
    private static final AttributeKey<Long> SCENARIO_VERSION = AttributeKey.longKey("sb.scenario.version");
    private static final AttributeKey<String> EXECUTION = AttributeKey.stringKey("sb.execution.id");
    private static final AttributeKey<String> NODE = AttributeKey.stringKey("sb.node.id");
    private static final AttributeKey<String> INTEGRATION = AttributeKey.stringKey("sb.integration.id");
    private static final AttributeKey<String> ACTION = AttributeKey.stringKey("sb.action.id");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("sb.attempt");
    private static final AttributeKey<String> STATUS = AttributeKey.stringKey("sb.status");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final FixedIds ids = new FixedIds();

    /**
     * @param endpoint the collector's traces URL, e.g. {@code http://127.0.0.1:4318/v1/traces}
     * @param batchDelay how long spans wait to leave in a batch
     */
    public OtlpTraces(String endpoint, Duration batchDelay) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).setTimeout(Duration.ofSeconds(10)).build();
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), "scenario-builder"))))
                .setSampler(Sampler.alwaysOn())
                .setIdGenerator(ids)
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(batchDelay).build())
                .build();
        this.tracer = provider.get("io.scenariobuilder");
    }

    @Override
    public void attemptEnded(ExecutionEvents.AttemptSpan span) {
        SpanBuilder builder = tracer.spanBuilder(span.nodeId() + " (" + span.integrationId() + "." + span.actionId() + ")")
                .setSpanKind(SpanKind.INTERNAL)
                .setParent(Context.root().with(Span.wrap(SpanContext.create(span.trace().traceId(), span.trace().spanId(),
                        TraceFlags.getSampled(), TraceState.getDefault()))))
                .setStartTimestamp(span.start())
                .setAttribute(SCENARIO, span.scenarioId())
                .setAttribute(EXECUTION, span.executionId())
                .setAttribute(NODE, span.nodeId())
                .setAttribute(INTEGRATION, span.integrationId())
                .setAttribute(ACTION, span.actionId())
                .setAttribute(ATTEMPT, (long) span.attempt())
                .setAttribute(STATUS, span.status());
        end(start(builder, span.trace().traceId(), span.spanId()), span.errorType(), span.errorMessage(), span.end());
    }

    @Override
    public void executionEnded(ExecutionEvents.ExecutionSpan span) {
        TraceContext trace = span.trace();
        SpanBuilder builder = tracer.spanBuilder("execution " + span.scenarioId())
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(span.start())
                .setAttribute(SCENARIO, span.scenarioId())
                .setAttribute(SCENARIO_VERSION, (long) span.scenarioVersion())
                .setAttribute(EXECUTION, span.executionId())
                .setAttribute(STATUS, span.status());
        if (trace.parentSpanId() != null) {
            builder.setParent(Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(trace.traceId(), trace.parentSpanId(),
                    TraceFlags.getSampled(), TraceState.getDefault()))));
        } else {
            builder.setNoParent();
        }
        end(start(builder, trace.traceId(), trace.spanId()), span.errorType(), span.errorMessage(), span.end());
    }

    private Span start(SpanBuilder builder, String traceId, String spanId) {
        ids.next(traceId, spanId);
        try {
            return builder.startSpan();
        } finally {
            ids.clear();
        }
    }

    private static void end(Span span, String errorType, String errorMessage, java.time.Instant end) {
        if (errorType != null) {
            span.setAttribute(ERROR_TYPE, errorType);
            span.setStatus(StatusCode.ERROR, errorMessage == null ? errorType : errorMessage);
        }
        span.end(end);
    }

    /** Sends what is waiting and stops. */
    @Override
    public void close() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    /**
     * Gives the SDK the ids the platform chose: the span (and, for a span without a parent, the trace) being started on
     * this thread. The SDK asks for them while it starts a span, on the caller's thread.
     */
    private static final class FixedIds implements IdGenerator {
        private final ThreadLocal<String[]> next = new ThreadLocal<>();
        private final IdGenerator random = IdGenerator.random();

        void next(String traceId, String spanId) {
            next.set(new String[] {traceId, spanId});
        }

        void clear() {
            next.remove();
        }

        @Override
        public String generateSpanId() {
            String[] ids = next.get();
            return ids == null ? random.generateSpanId() : ids[1];
        }

        @Override
        public String generateTraceId() {
            String[] ids = next.get();
            return ids == null ? random.generateTraceId() : ids[0];
        }
    }
}
