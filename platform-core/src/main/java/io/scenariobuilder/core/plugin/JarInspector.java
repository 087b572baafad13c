package io.scenariobuilder.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Checks a plugin JAR before PF4J opens it: its size, its entries' names (no {@code ..} segment, no absolute path),
 * their count and what they hold once uncompressed (read, not taken from the headers, which a zip bomb can fake),
 * and, when certificates are trusted, that every entry is signed by one of them ({@code jarsigner} signatures,
 * verified by the JDK's {@link JarFile} while each entry is read). Every refusal is a
 * {@link PluginInvalidException} naming the JAR and what is wrong.
 */
final class JarInspector {

    private JarInspector() {
    }

    static void check(Path jar, String name, PluginSettings.JarLimits limits, KeyStore trusted) {
        try {
            long size = Files.size(jar);
            if (size > limits.maxBytes()) {
                throw new PluginInvalidException(name + " is " + size + " bytes; a plugin JAR may be at most " + limits.maxBytes()
                        + " bytes (SB_PLUGIN_MAX_BYTES)");
            }
            Set<Certificate> trustedCertificates = trusted == null ? Set.of() : certificates(trusted);
            List<String> unsigned = new ArrayList<>();
            long unpacked = 0;
            int entries = 0;
            byte[] buffer = new byte[64 * 1024];
            try (JarFile file = new JarFile(jar.toFile(), true)) {
                for (Enumeration<JarEntry> all = file.entries(); all.hasMoreElements(); ) {
                    JarEntry entry = all.nextElement();
                    if (++entries > limits.maxEntries()) {
                        throw new PluginInvalidException(name + " has more than " + limits.maxEntries() + " entries (SB_PLUGIN_MAX_ENTRIES)");
                    }
                    String entryName = entry.getName();
                    if (unsafe(entryName)) {
                        throw new PluginInvalidException(name + " has an entry named '" + entryName + "': a path with '..', or an "
                                + "absolute one, is refused");
                    }
                    try (InputStream in = file.getInputStream(entry)) {
                        int read;
                        while ((read = in.read(buffer)) != -1) {
                            unpacked += read;
                            if (unpacked > limits.maxUnpackedBytes()) {
                                throw new PluginInvalidException(name + " holds more than " + limits.maxUnpackedBytes()
                                        + " bytes once uncompressed (SB_PLUGIN_MAX_UNPACKED_BYTES): refused as a possible zip bomb");
                            }
                        }
                    }
                    if (trusted != null && !entry.isDirectory() && !signatureFile(entryName)
                            && !signedByTrusted(entry.getCodeSigners(), trustedCertificates)) {
                        unsigned.add(entryName);
                    }
                }
            } catch (SecurityException e) {
                throw new PluginInvalidException(name + ": its signature does not match its content (" + e.getMessage() + ")", e);
            }
            if (!unsigned.isEmpty()) {
                throw new PluginInvalidException(name + " is not signed by a trusted certificate (SB_PLUGIN_TRUST=signed): "
                        + unsigned.size() + " entries without a trusted signature, first '" + unsigned.get(0) + "'");
            }
        } catch (IOException e) {
            throw new PluginInvalidException(name + " is not a readable plugin JAR: " + e.getMessage(), e);
        }
    }

    /** A name that would land outside a folder it is unpacked into. */
    static boolean unsafe(String entryName) {
        String n = entryName.replace('\\', '/');
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
            return true;
        }
        for (String segment : n.split("/")) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static boolean signatureFile(String entryName) {
        String n = entryName.toUpperCase(Locale.ROOT);
        return n.startsWith("META-INF/") && (n.equals("META-INF/MANIFEST.MF") || n.endsWith(".SF") || n.endsWith(".RSA")
                || n.endsWith(".DSA") || n.endsWith(".EC") || n.startsWith("META-INF/SIG-"));
    }

    private static boolean signedByTrusted(CodeSigner[] signers, Set<Certificate> trusted) {
        if (signers == null) {
            return false;
        }
        for (CodeSigner signer : signers) {
            for (Certificate certificate : signer.getSignerCertPath().getCertificates()) {
                if (trusted.contains(certificate)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Set<Certificate> certificates(KeyStore store) {
        try {
            Set<Certificate> all = new HashSet<>();
            for (String alias : Collections.list(store.aliases())) {
                Certificate certificate = store.getCertificate(alias);
                if (certificate != null) {
                    all.add(certificate);
                }
            }
            return all;
        } catch (KeyStoreException e) {
            throw new IllegalStateException("the plugin trust store cannot be read: " + e.getMessage(), e);
        }
    }
}
