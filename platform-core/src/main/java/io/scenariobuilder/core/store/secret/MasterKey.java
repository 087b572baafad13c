package io.scenariobuilder.core.store.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 256-bit key that encrypts stored credentials: from {@code SB_MASTER_KEY} (base64 of 32 bytes) when set, else
 * from a key file in the data folder, created on first start with owner-only permissions (0600).
 */
public final class MasterKey {

    private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
    private static final int BYTES = 32;

    private MasterKey() {
    }

    /**
     * Loads the key.
     *
     * @param fromEnvironment the value of {@code SB_MASTER_KEY}, or {@code null}
     * @param keyFile the key file to read, or create when absent
     * @throws IllegalArgumentException when {@code SB_MASTER_KEY} or the key file is not base64 of 32 bytes
     */
    public static SecretKey load(String fromEnvironment, Path keyFile) {
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return decode(fromEnvironment.strip(), "SB_MASTER_KEY");
        }
        try {
            if (Files.exists(keyFile)) {
                warnIfReadableByOthers(keyFile);
                return decode(Files.readString(keyFile).strip(), "key file " + keyFile);
            }
            byte[] key = new byte[BYTES];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            try {
                Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(keyFile);
            } catch (FileAlreadyExistsException raced) {
                return load(null, keyFile);
            }
            Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n");
            LOG.info("created the master key file {} (keep it, and back it up: stored credentials need it)", keyFile);
            return new SecretKeySpec(key, "AES");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key file " + keyFile, e);
        }
    }

    private static SecretKey decode(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is not base64 (expected 32 random bytes, base64-encoded)", e);
        }
        if (key.length != BYTES) {
            throw new IllegalArgumentException(source + " holds " + key.length + " bytes; it must hold 32 (base64-encoded)");
        }
        SecretKey secret = new SecretKeySpec(key, "AES");
        Arrays.fill(key, (byte) 0);
        return secret;
    }

    private static void warnIfReadableByOthers(Path keyFile) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
            if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                LOG.warn("the master key file {} is readable by others ({}): chmod 600 it",
                        keyFile, PosixFilePermissions.toString(permissions));
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot check the permissions of {}: {}", keyFile, e.toString());
        }
    }
}
