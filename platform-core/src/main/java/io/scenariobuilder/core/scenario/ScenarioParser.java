package io.scenariobuilder.core.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.scenariobuilder.api.integration.RetryPolicy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a scenario document (format v1) into a {@link Scenario}, collecting every structural problem (wrong types,
 * missing or unknown fields) with its JSON path instead of stopping at the first. Semantic checks (ids, cycles,
 * actions, expressions) are {@link ScenarioValidator}'s.
 */
public final class ScenarioParser {

    /** The pattern of scenario and node ids. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Set<String> SCENARIO_FIELDS = Set.of(
            "id", "name", "description", "version", "trigger", "settings", "nodes", "connections", "errorScenarioId");
    private static final Set<String> NODE_FIELDS = Set.of(
            "id", "name", "integrationId", "actionId", "connectionId", "configuration", "timeoutMs", "retryPolicy",
            "onError", "position");
    private static final Set<String> POSITION_FIELDS = Set.of("x", "y");
    private static final Set<String> CONNECTION_FIELDS = Set.of("fromNodeId", "toNodeId", "condition", "on");
    private static final Set<String> SETTINGS_FIELDS = Set.of("maxConcurrentNodes", "timeoutMs");
    private static final Set<String> RETRY_FIELDS =
            Set.of("maxAttempts", "baseDelayMs", "backoffMultiplier", "maxDelayMs", "jitter");
    private static final Map<String, Set<String>> TRIGGER_FIELDS = Map.of(
            "manual", Set.of("type"),
            "webhook", Set.of("type", "path", "method", "secret", "exposeErrors"),
            "schedule", Set.of("type", "cron", "timezone"));
    /** In a fixed order: the message that lists them reads the same on every start (Set.of iterates in a per-JVM order). */
    private static final List<String> HTTP_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final ObjectMapper mapper;

    public ScenarioParser() {
        this.mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** The result of parsing: a best-effort scenario (absent when the document is not an object) and the problems. */
    public record Parsed(Scenario scenario, JsonNode document, List<ScenarioProblem> problems) {
        public Parsed {
            problems = List.copyOf(problems);
        }
    }

    /**
     * Parses JSON text. Malformed JSON gives one problem naming the line and column.
     *
     * @param defaultId the id to use when the document has none
     */
    public Parsed parse(String json, String defaultId) {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return new Parsed(null, null, List.of(new ScenarioProblem("$", "malformed JSON " + JsonSyntax.describe(e))));
        }
        if (tree == null || tree.isMissingNode()) {
            return new Parsed(null, null, List.of(new ScenarioProblem("$", "empty document: expected a scenario object")));
        }
        return parse(tree, defaultId);
    }

    /** Parses a JSON tree. */
    public Parsed parse(JsonNode document, String defaultId) {
        List<ScenarioProblem> problems = new ArrayList<>();
        if (!document.isObject()) {
            problems.add(new ScenarioProblem("$", "expected a scenario object, got " + kind(document)));
            return new Parsed(null, document, problems);
        }
        unknownFields(document, "$", SCENARIO_FIELDS, problems);
        String id = optionalText(document, "id", "$", problems);
        if (id == null) {
            id = defaultId;
        } else if (!ID.matcher(id).matches()) {
            problems.add(new ScenarioProblem("$.id", "must match " + ID.pattern() + ": '" + id + "'"));
        }
        String name = optionalText(document, "name", "$", problems);
        Long version = optionalLong(document, "version", "$", 0, Integer.MAX_VALUE, problems);
        Trigger trigger = trigger(document.get("trigger"), problems);
        ScenarioSettings settings = settings(document.get("settings"), problems);
        String errorScenarioId = optionalText(document, "errorScenarioId", "$", problems);

        List<Node> nodes = new ArrayList<>();
        JsonNode nodesNode = document.get("nodes");
        if (nodesNode == null || nodesNode.isNull()) {
            problems.add(new ScenarioProblem("$.nodes", "required: a scenario needs at least one node"));
        } else if (!nodesNode.isArray()) {
            problems.add(new ScenarioProblem("$.nodes", "expected an array, got " + kind(nodesNode)));
        } else if (nodesNode.isEmpty()) {
            problems.add(new ScenarioProblem("$.nodes", "a scenario needs at least one node"));
        } else {
            for (int i = 0; i < nodesNode.size(); i++) {
                Node node = node(nodesNode.get(i), "$.nodes[" + i + "]", problems);
                if (node != null) {
                    nodes.add(node);
                }
            }
        }

        List<Connection> connections = new ArrayList<>();
        JsonNode connectionsNode = document.get("connections");
        if (connectionsNode != null && !connectionsNode.isNull()) {
            if (!connectionsNode.isArray()) {
                problems.add(new ScenarioProblem("$.connections", "expected an array, got " + kind(connectionsNode)));
            } else {
                for (int i = 0; i < connectionsNode.size(); i++) {
                    Connection connection = connection(connectionsNode.get(i), "$.connections[" + i + "]", problems);
                    if (connection != null) {
                        connections.add(connection);
                    }
                }
            }
        }
        Scenario scenario = new Scenario(id, name, version == null ? 0 : version.intValue(), trigger, settings, nodes,
                connections, errorScenarioId);
        return new Parsed(scenario, document, problems);
    }

    /** Parses and throws when there is any structural problem. */
    public Scenario parseOrThrow(String json, String defaultId) {
        Parsed parsed = parse(json, defaultId);
        if (!parsed.problems().isEmpty()) {
            throw new InvalidScenarioException(parsed.problems());
        }
        return parsed.scenario();
    }

    private Trigger trigger(JsonNode node, List<ScenarioProblem> problems) {
        String path = "$.trigger";
        if (node == null || node.isNull()) {
            return new Trigger.Manual();
        }
        if (!node.isObject()) {
            problems.add(new ScenarioProblem(path, "expected an object, got " + kind(node)));
            return new Trigger.Manual();
        }
        String type = optionalText(node, "type", path, problems);
        if (type == null) {
            problems.add(new ScenarioProblem(path + ".type", "required: one of manual, webhook, schedule"));
            return new Trigger.Manual();
        }
        Set<String> known = TRIGGER_FIELDS.get(type);
        if (known == null) {
            problems.add(new ScenarioProblem(path + ".type", "unknown trigger type '" + type + "': expected manual, webhook or schedule"));
            return new Trigger.Manual();
        }
        unknownFields(node, path, known, problems);
        switch (type) {
            case "webhook" -> {
                String hookPath = optionalText(node, "path", path, problems);
                String method = optionalText(node, "method", path, problems);
                String secret = optionalText(node, "secret", path, problems);
                if (hookPath == null || !Pattern.matches("[A-Za-z0-9_\\-/.]{1,200}", hookPath) || hookPath.contains("..")) {
                    problems.add(new ScenarioProblem(path + ".path", "required: a hook path of letters, digits, '_', '-', '.', '/'"));
                    hookPath = "invalid";
                }
                if (method != null && !HTTP_METHODS.contains(method.toUpperCase(java.util.Locale.ROOT))) {
                    problems.add(new ScenarioProblem(path + ".method", "expected one of " + HTTP_METHODS + ": '" + method + "'"));
                }
                boolean exposeErrors = false;
                JsonNode expose = node.get("exposeErrors");
                if (expose != null && !expose.isNull()) {
                    if (!expose.isBoolean()) {
                        problems.add(new ScenarioProblem(path + ".exposeErrors", "expected true or false"));
                    } else {
                        exposeErrors = expose.booleanValue();
                    }
                }
                return new Trigger.Webhook(hookPath, method == null ? null : method.toUpperCase(java.util.Locale.ROOT), secret,
                        exposeErrors);
            }
            case "schedule" -> {
                String cron = optionalText(node, "cron", path, problems);
                String zone = optionalText(node, "timezone", path, problems);
                if (cron == null) {
                    problems.add(new ScenarioProblem(path + ".cron", "required: a cron expression"));
                    cron = "";
                }
                if (zone != null) {
                    try {
                        java.time.ZoneId.of(zone);
                    } catch (java.time.DateTimeException e) {
                        problems.add(new ScenarioProblem(path + ".timezone", "unknown time zone '" + zone + "'"));
                    }
                }
                return new Trigger.Schedule(cron, zone);
            }
            default -> {
                return new Trigger.Manual();
            }
        }
    }

    private ScenarioSettings settings(JsonNode node, List<ScenarioProblem> problems) {
        String path = "$.settings";
        if (node == null || node.isNull()) {
            return ScenarioSettings.DEFAULT;
        }
        if (!node.isObject()) {
            problems.add(new ScenarioProblem(path, "expected an object, got " + kind(node)));
            return ScenarioSettings.DEFAULT;
        }
        unknownFields(node, path, SETTINGS_FIELDS, problems);
        Long max = optionalLong(node, "maxConcurrentNodes", path, 1, 10_000, problems);
        Long timeout = optionalLong(node, "timeoutMs", path, 1, Long.MAX_VALUE, problems);
        return new ScenarioSettings(max == null ? ScenarioSettings.DEFAULT_MAX_CONCURRENT_NODES : max.intValue(), timeout);
    }

    private Node node(JsonNode node, String path, List<ScenarioProblem> problems) {
        if (!node.isObject()) {
            problems.add(new ScenarioProblem(path, "expected a node object, got " + kind(node)));
            return null;
        }
        unknownFields(node, path, NODE_FIELDS, problems);
        String id = requiredText(node, "id", path, problems);
        if (id != null && !ID.matcher(id).matches()) {
            problems.add(new ScenarioProblem(path + ".id", "must match " + ID.pattern() + ": '" + id + "'"));
        }
        String name = optionalText(node, "name", path, problems);
        String integrationId = requiredText(node, "integrationId", path, problems);
        String actionId = requiredText(node, "actionId", path, problems);
        String connectionId = optionalText(node, "connectionId", path, problems);
        JsonNode configuration = node.get("configuration");
        if (configuration != null && !configuration.isObject() && !configuration.isNull()) {
            problems.add(new ScenarioProblem(path + ".configuration", "expected an object, got " + kind(configuration)));
            configuration = null;
        }
        if (configuration != null && configuration.isNull()) {
            configuration = null;
        }
        Long timeoutMs = optionalLong(node, "timeoutMs", path, 1, Long.MAX_VALUE, problems);
        RetryPolicy retryPolicy = retryPolicy(node.get("retryPolicy"), path + ".retryPolicy", problems);
        OnError onError = null;
        String onErrorText = optionalText(node, "onError", path, problems);
        if (onErrorText != null) {
            onError = OnError.fromId(onErrorText).orElse(null);
            if (onError == null) {
                problems.add(new ScenarioProblem(path + ".onError", "expected one of fail, continue, route, break: '" + onErrorText + "'"));
            }
        }
        Position position = position(node.get("position"), path + ".position", problems);
        if (id == null || integrationId == null || actionId == null) {
            return null;
        }
        return new Node(id, name, integrationId, actionId, connectionId, configuration, timeoutMs, retryPolicy, onError, position);
    }

    /** {@code {"x": 10, "y": 20}}: whole numbers within {@link Position#LIMIT} of the origin (fractions are rounded). */
    private static Position position(JsonNode node, String path, List<ScenarioProblem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add(new ScenarioProblem(path, "expected an object like {\"x\": 0, \"y\": 0}, got " + kind(node)));
            return null;
        }
        unknownFields(node, path, POSITION_FIELDS, problems);
        long[] xy = new long[2];
        boolean valid = true;
        for (int i = 0; i < 2; i++) {
            String axis = i == 0 ? "x" : "y";
            JsonNode value = node.get(axis);
            if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble()) || Math.abs(value.asDouble()) > Position.LIMIT) {
                problems.add(new ScenarioProblem(path + "." + axis, "expected a number from -" + Position.LIMIT + " to " + Position.LIMIT
                        + ", got " + (value == null ? "nothing" : value.toString())));
                valid = false;
            } else {
                xy[i] = Math.round(value.asDouble());
            }
        }
        return valid ? new Position(xy[0], xy[1]) : null;
    }

    private RetryPolicy retryPolicy(JsonNode node, String path, List<ScenarioProblem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add(new ScenarioProblem(path, "expected an object, got " + kind(node)));
            return null;
        }
        unknownFields(node, path, RETRY_FIELDS, problems);
        RetryPolicy defaults = RetryPolicy.PLATFORM_DEFAULT;
        Long maxAttempts = optionalLong(node, "maxAttempts", path, 1, 1_000, problems);
        Long base = optionalLong(node, "baseDelayMs", path, 0, Long.MAX_VALUE, problems);
        Long maxDelay = optionalLong(node, "maxDelayMs", path, 0, Long.MAX_VALUE, problems);
        Double multiplier = null;
        JsonNode m = node.get("backoffMultiplier");
        if (m != null && !m.isNull()) {
            if (!m.isNumber() || m.asDouble() < 1.0 || m.asDouble() > 1_000) {
                problems.add(new ScenarioProblem(path + ".backoffMultiplier", "expected a number from 1 to 1000, got " + m));
            } else {
                multiplier = m.asDouble();
            }
        }
        Boolean jitter = null;
        JsonNode j = node.get("jitter");
        if (j != null && !j.isNull()) {
            if (!j.isBoolean()) {
                problems.add(new ScenarioProblem(path + ".jitter", "expected true or false, got " + kind(j)));
            } else {
                jitter = j.asBoolean();
            }
        }
        return new RetryPolicy(
                maxAttempts == null ? defaults.maxAttempts() : maxAttempts.intValue(),
                base == null ? defaults.baseDelayMs() : base,
                multiplier == null ? defaults.backoffMultiplier() : multiplier,
                maxDelay == null ? defaults.maxDelayMs() : maxDelay,
                jitter == null ? defaults.jitter() : jitter);
    }

    private Connection connection(JsonNode node, String path, List<ScenarioProblem> problems) {
        if (!node.isObject()) {
            problems.add(new ScenarioProblem(path, "expected a connection object, got " + kind(node)));
            return null;
        }
        unknownFields(node, path, CONNECTION_FIELDS, problems);
        String from = requiredText(node, "fromNodeId", path, problems);
        String to = requiredText(node, "toNodeId", path, problems);
        String condition = optionalText(node, "condition", path, problems);
        if (condition != null && condition.isBlank()) {
            problems.add(new ScenarioProblem(path + ".condition", "is blank: remove it or write an expression"));
            condition = null;
        }
        String onText = optionalText(node, "on", path, problems);
        Connection.Outcome on = null;
        if (onText != null) {
            on = switch (onText) {
                case "success" -> Connection.Outcome.SUCCESS;
                case "error" -> Connection.Outcome.ERROR;
                default -> {
                    problems.add(new ScenarioProblem(path + ".on", "expected success or error: '" + onText + "'"));
                    yield null;
                }
            };
        }
        if (from == null || to == null) {
            return null;
        }
        return new Connection(from, to, condition, on);
    }

    private static void unknownFields(JsonNode node, String path, Set<String> known, List<ScenarioProblem> problems) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(new ScenarioProblem(path + "." + name, "unknown field '" + name + "'"));
            }
        }
    }

    private static String requiredText(JsonNode node, String field, String path, List<ScenarioProblem> problems) {
        String value = optionalText(node, field, path, problems);
        if (value == null && (node.get(field) == null || node.get(field).isNull())) {
            problems.add(new ScenarioProblem(path + "." + field, "required"));
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field, String path, List<ScenarioProblem> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(new ScenarioProblem(path + "." + field, "expected a string, got " + kind(value)));
            return null;
        }
        return value.asText();
    }

    private static Long optionalLong(JsonNode node, String field, String path, long min, long max, List<ScenarioProblem> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            problems.add(new ScenarioProblem(path + "." + field,
                    "expected a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max) + ", got " + value));
            return null;
        }
        return value.asLong();
    }

    /** What a JSON value is, for messages: {@code a string}, {@code an object}... */
    public static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "nothing";
        };
    }
}
