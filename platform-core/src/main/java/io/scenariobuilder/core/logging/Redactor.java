package io.scenariobuilder.core.logging;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of text bound for a log line or an error message: the user-info of URLs
 * ({@code https://user:pass@host} becomes {@code https://****@host}), the values of {@code Authorization},
 * {@code Cookie}, {@code *-Key}, {@code *-Token}, password and secret fields in {@code name: value} or
 * {@code name=value} form, and the values of one connection's credentials wherever they appear.
 */
public final class Redactor {

    /** What stands for a secret. */
    public static final String MASK = "****";

    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s@]+@");
    private static final Pattern NAMED = Pattern.compile(
            "(?i)\\b((?:proxy-)?authorization|set-cookie|cookie|[a-z0-9_]*[-_]?(?:api[-_]?key|apikey|token|secret|password|passwd|pwd)"
                    + "|[a-z0-9]+-key)(\"?\\s*[:=]\\s*\"?)((?:bearer|basic|token|digest)\\s+)?([^\\s\",;&}]+)");

    private Redactor() {
    }

    /** The text with URL user-info and named secret values masked; {@code null} stays {@code null}. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = USER_INFO.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
        Matcher named = NAMED.matcher(out);
        StringBuilder masked = null;
        int last = 0;
        while (named.find()) {
            if (named.group(4).equals(MASK)) {
                continue;
            }
            if (masked == null) {
                masked = new StringBuilder(out.length());
            }
            masked.append(out, last, named.start(4)).append(MASK);
            last = named.end(4);
        }
        if (masked == null) {
            return out;
        }
        return masked.append(out, last, out.length()).toString();
    }

    /** {@link #redact} and then every one of {@code secrets} (as written, and URL-encoded) masked. */
    public static String redact(String text, Collection<String> secrets) {
        String out = redact(text);
        if (out == null || secrets.isEmpty()) {
            return out;
        }
        List<String> all = new ArrayList<>(secrets.size() * 2);
        for (String secret : secrets) {
            all.add(secret);
            String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
            if (!encoded.equals(secret)) {
                all.add(encoded);
            }
        }
        all.sort(Comparator.comparingInt(String::length).reversed()); // a longer secret before one it contains
        for (String secret : all) {
            out = out.replace(secret, MASK);
        }
        return out;
    }
}
