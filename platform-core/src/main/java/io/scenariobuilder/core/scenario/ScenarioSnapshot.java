package io.scenariobuilder.core.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The exact scenario an execution runs, as a document and its SHA-256: stores keep each distinct document once and
 * an execution refers to it by hash, so a resumed execution runs what it started with.
 *
 * @param hash the SHA-256 of the document's compact JSON, in hex
 * @param document the scenario document
 */
public record ScenarioSnapshot(String hash, JsonNode document) {

    public ScenarioSnapshot {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(document, "document");
    }

    /** The snapshot of a scenario. */
    public static ScenarioSnapshot of(Scenario scenario) {
        JsonNode document = ScenarioWriter.write(scenario);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(document.toString().getBytes(StandardCharsets.UTF_8));
            return new ScenarioSnapshot(HexFormat.of().formatHex(digest), document);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
