package dev.runcmd.proto.pki;

import java.net.URI;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine a client certificate speaks for, and the enrollment that certificate belongs to.
 *
 * <p>Written into the certificate as two URI subject alternative names:
 * {@code runcmd://machine/subscriptions/{s}/resourceGroups/{rg}/machines/{name}} and
 * {@code urn:uuid:{enrollment}}. The enrollment id changes each time the machine enrolls, and the
 * machine row holds the current one, so a certificate from an earlier enrollment (of a deleted
 * machine, say) is refused even while it has not expired.
 */
public record MachineIdentity(String subscriptionId, String resourceGroup, String machineName, UUID enrollment) {

    private static final String PREFIX = "runcmd://machine/";
    private static final Pattern PATH =
            Pattern.compile("runcmd://machine/subscriptions/([^/]+)/resourceGroups/([^/]+)/machines/([^/]+)");
    private static final int URI_NAME = 6;

    /** The machine's URI SAN. */
    public String machineUri() {
        return PREFIX + "subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup + "/machines/"
                + machineName;
    }

    /** The enrollment's URI SAN. */
    public String enrollmentUri() {
        return "urn:uuid:" + enrollment;
    }

    /** "sub/rg/name", for messages. */
    public String describe() {
        return subscriptionId + "/" + resourceGroup + "/" + machineName;
    }

    /** The identity a certificate names; empty when it names no machine (a service, or a foreign one). */
    public static Optional<MachineIdentity> of(X509Certificate certificate) {
        String machine = null;
        UUID enrollment = null;
        for (String uri : uriNames(certificate)) {
            Matcher matcher = PATH.matcher(uri);
            if (matcher.matches()) {
                machine = uri;
            } else if (uri.startsWith("urn:uuid:")) {
                try {
                    enrollment = UUID.fromString(uri.substring("urn:uuid:".length()));
                } catch (IllegalArgumentException notUuid) {
                    return Optional.empty();
                }
            }
        }
        if (machine == null || enrollment == null) {
            return Optional.empty();
        }
        Matcher matcher = PATH.matcher(machine);
        matcher.matches();
        return Optional.of(new MachineIdentity(matcher.group(1), matcher.group(2), matcher.group(3), enrollment));
    }

    /** The URI SANs of a certificate. */
    static List<String> uriNames(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException unreadable) {
            return List.of();
        }
        if (names == null) {
            return List.of();
        }
        return names.stream()
                .filter(name -> name.size() == 2 && Integer.valueOf(URI_NAME).equals(name.get(0)))
                .map(name -> String.valueOf(name.get(1)))
                .filter(uri -> {
                    try {
                        URI.create(uri);
                        return true;
                    } catch (IllegalArgumentException malformed) {
                        return false;
                    }
                })
                .toList();
    }
}
