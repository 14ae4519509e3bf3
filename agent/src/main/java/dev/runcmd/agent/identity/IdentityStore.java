package dev.runcmd.agent.identity;

import dev.runcmd.agent.spool.Durable;
import dev.runcmd.proto.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The machine's identity on disk, in one directory that only the agent's user may enter (0700): {@code key.pem}
 * (the private key, unencrypted PKCS #8), {@code cert.pem} (the machine certificate), {@code ca.pem} (the CA
 * certificates gateways are trusted by). Each file is written to a temporary file created with mode 0600 (never
 * wider, not even for a moment), fsynced and renamed over the old one, then the directory is fsynced.
 *
 * <p>A new identity replaces {@code ca.pem}, stages the certificate as {@code cert.pem.new}, replaces
 * {@code key.pem}, and only then renames {@code cert.pem.new} over {@code cert.pem}. An agent that dies between
 * the last two steps finds a new key next to the old certificate and the staged certificate that belongs to the
 * key; {@link #load()} finishes the rename. A key is never lost for a certificate that was not stored.
 *
 * <p>Threading: not thread-safe; there is one writer at a time (the start-up, later the renewal).
 */
public final class IdentityStore {
    /** The private key. */
    static final String KEY = "key.pem";
    /** The machine certificate. */
    static final String CERTIFICATE = "cert.pem";
    /** The CA bundle. */
    static final String AUTHORITIES = "ca.pem";
    /** A certificate stored but not yet in place (see the class comment). */
    static final String STAGED_CERTIFICATE = "cert.pem.new";

    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path dir;

    /** The store in {@code dir}; nothing is read or created yet. */
    public IdentityStore(Path dir) {
        this.dir = dir;
    }

    /** The identity directory. */
    public Path dir() {
        return dir;
    }

    /**
     * The stored identity, or empty when there is none (nothing stored, or an enrollment that did not finish).
     *
     * @throws IdentityException when the files exist but cannot be used: unreadable, a key that belongs to no
     *     stored certificate, a key or directory that group or others may access
     * @throws IOException when the files cannot be read
     */
    public Optional<Identity> load() throws IOException, IdentityException {
        Path key = dir.resolve(KEY);
        Path certificate = dir.resolve(CERTIFICATE);
        Path staged = dir.resolve(STAGED_CERTIFICATE);
        if (!Files.exists(key) || !Files.exists(dir.resolve(AUTHORITIES))
                || !Files.exists(certificate) && !Files.exists(staged)) {
            return Optional.empty();
        }
        requireOwnerOnly(dir);
        requireOwnerOnly(key);
        try {
            PrivateKey privateKey = Pem.parsePrivateKey(read(KEY));
            List<X509Certificate> authorities = Pem.parseCertificates(read(AUTHORITIES));
            X509Certificate current = Files.exists(certificate) ? firstCertificate(CERTIFICATE) : null;
            if (current != null && Identity.belongTogether(privateKey, current)) {
                Files.deleteIfExists(staged);
            } else {
                current = finishStaged(privateKey);
            }
            return Optional.of(new Identity(privateKey, current, authorities,
                    Files.getLastModifiedTime(certificate).toInstant()));
        } catch (IllegalArgumentException e) {
            throw new IdentityException("the identity in " + dir + " is unusable (" + e.getMessage()
                    + "); remove the directory and enroll again with a new join token");
        }
    }

    /**
     * Stores {@code identity} in place of the current one (creating the directory, 0700, if needed), durably and
     * in the order the class comment gives.
     *
     * @throws IOException when a file cannot be written or the directory is accessible to group or others
     */
    public void save(Identity identity) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, Durable.ownerOnlyDir(dir));
        }
        try {
            requireOwnerOnly(dir);
        } catch (IdentityException e) {
            throw new IOException(e.getMessage(), e);
        }
        Durable.replacePrivate(dir.resolve(AUTHORITIES), ascii(Pem.certificates(identity.authorities())));
        Durable.replacePrivate(dir.resolve(STAGED_CERTIFICATE), ascii(Pem.certificate(identity.certificate())));
        Durable.replacePrivate(dir.resolve(KEY), ascii(Pem.privateKey(identity.key())));
        Files.move(dir.resolve(STAGED_CERTIFICATE), dir.resolve(CERTIFICATE), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Durable.syncDir(dir);
    }

    /** The staged certificate, moved in place, when it belongs to {@code key}; the store is broken otherwise. */
    private X509Certificate finishStaged(PrivateKey key) throws IOException, IdentityException {
        Path staged = dir.resolve(STAGED_CERTIFICATE);
        X509Certificate candidate = Files.exists(staged) ? firstCertificate(STAGED_CERTIFICATE) : null;
        if (candidate == null || !Identity.belongTogether(key, candidate)) {
            throw new IdentityException(dir.resolve(KEY) + " does not belong to " + dir.resolve(CERTIFICATE)
                    + "; remove the directory and enroll again with a new join token");
        }
        Files.move(staged, dir.resolve(CERTIFICATE), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Durable.syncDir(dir);
        return candidate;
    }

    /** Refuses a key or directory that group or others may access (where the file system has POSIX modes). */
    private static void requireOwnerOnly(Path path) throws IOException, IdentityException {
        if (!Durable.isPosix(path)) {
            return;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
        if (mode.stream().anyMatch(NOT_OWNER::contains)) {
            throw new IdentityException(path + " is accessible to group or others ("
                    + PosixFilePermissions.toString(mode) + "); it must be " + (Files.isDirectory(path) ? "0700" : "0600")
                    + ", as it guards the machine's key");
        }
    }

    private X509Certificate firstCertificate(String name) throws IOException {
        return Pem.parseCertificates(read(name)).get(0);
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String pem) {
        return pem.getBytes(StandardCharsets.US_ASCII);
    }
}
