package io.scenariobuilder.server.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict reader of the Prometheus text format (0.0.4), for tests: every line must parse, every sample must belong
 * to the family its {@code # TYPE} line declared just before it, and no series may appear twice. It throws on the
 * first line that breaks a rule, naming it.
 */
public final class PrometheusText {

    public record Sample(String name, Map<String, String> labels, double value) {
        public String label(String name) {
            return labels.get(name);
        }
    }

    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    private PrometheusText() {
    }

    public static Map<String, Family> parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> series = new HashSet<>();
        Family current = null;
        String pendingHelp = null;
        String helpFor = null;
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            if (line.isEmpty()) {
                continue;
            }
            String where = "line " + lineNumber + ": " + line;
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                helpFor = parts[0];
                pendingHelp = parts.length > 1 ? parts[1] : "";
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                if (parts.length != 2 || !parts[1].matches("counter|gauge|summary|histogram|untyped")) {
                    throw new IllegalArgumentException("bad TYPE, " + where);
                }
                if (families.containsKey(parts[0])) {
                    throw new IllegalArgumentException("family declared twice, " + where);
                }
                checkName(parts[0], where);
                current = new Family(parts[0], parts[1], parts[0].equals(helpFor) ? pendingHelp : null, new ArrayList<>());
                families.put(parts[0], current);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Sample sample = sample(line, where);
            if (current == null || !belongs(sample.name(), current)) {
                throw new IllegalArgumentException("sample outside its family (" + (current == null ? "none" : current.name()) + "), " + where);
            }
            if (!series.add(sample.name() + sample.labels())) {
                throw new IllegalArgumentException("series repeated, " + where);
            }
            current.samples().add(sample);
        }
        return families;
    }

    private static boolean belongs(String sample, Family family) {
        String f = family.name();
        return switch (family.type()) {
            case "counter" -> sample.equals(f + "_total") || sample.equals(f + "_created") || sample.equals(f);
            case "summary" -> sample.equals(f) || sample.equals(f + "_count") || sample.equals(f + "_sum") || sample.equals(f + "_created");
            case "histogram" -> sample.equals(f + "_bucket") || sample.equals(f + "_count") || sample.equals(f + "_sum");
            default -> sample.equals(f);
        };
    }

    private static void checkName(String name, String where) {
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("bad metric name '" + name + "', " + where);
        }
    }

    private static Sample sample(String line, String where) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        checkName(name, where);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                    throw new IllegalArgumentException("bad label name '" + label + "', " + where);
                }
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label value not quoted, " + where);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(switch (next) {
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            case '"' -> '"';
                            default -> throw new IllegalArgumentException("bad escape \\" + next + ", " + where);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("label repeated, " + where);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException("expected a value (and a timestamp), " + where);
        }
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
        };
        return new Sample(name, labels, value);
    }
}
