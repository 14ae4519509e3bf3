package dev.runcmd.agent.identity;

import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.pki.CaTrustManager;
import dev.runcmd.proto.pki.MachineIdentity;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The machine's identity: its private key, the certificate the runcmd CA issued for it, and the CA certificates it
 * trusts gateways by. {@code acquired} is when the agent received the certificate: renewal is due once two thirds of
 * the time from then to the certificate's end have passed (the CA backdates {@code notBefore} for clock skew, so
 * that date says little about when the certificate was issued).
 *
 * <p>{@link #toString()} never shows the key.
 */
public record Identity(PrivateKey key, X509Certificate certificate, List<X509Certificate> authorities,
        Instant acquired) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public Identity {
        authorities = List.copyOf(authorities);
        if (authorities.isEmpty()) {
            throw new IllegalArgumentException("the CA bundle holds no certificate");
        }
    }

    /** The machine the certificate names; IllegalArgumentException if it names none. */
    public MachineIdentity machine() {
        return MachineIdentity.of(certificate).orElseThrow(() -> new IllegalArgumentException(
                "the certificate " + certificate.getSubjectX500Principal() + " names no runcmd machine"));
    }

    /** When the certificate ends. */
    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** When a renewal is due: two thirds of the way from {@link #acquired()} to {@link #notAfter()}. */
    public Instant renewAt() {
        Duration left = Duration.between(acquired, notAfter());
        return left.isNegative() ? acquired : acquired.plus(left.multipliedBy(2).dividedBy(3));
    }

    /** True once the certificate has ended. */
    public boolean isExpired(Instant now) {
        return !now.isBefore(notAfter());
    }

    /** True when the certificate names the machine {@code scope} describes (the enrollment id aside). */
    public boolean names(MachineScope scope) {
        MachineIdentity machine = machine();
        return machine.subscriptionId().equals(scope.getSubscriptionId())
                && machine.resourceGroup().equals(scope.getResourceGroup())
                && machine.machineName().equals(scope.getMachineName());
    }

    /**
     * Checks what a gateway handed out before the agent relies on it: the certificate chains to the CA bundle (a
     * client certificate, valid now) and certifies {@code publicKey}.
     *
     * @throws IllegalArgumentException with the reason otherwise
     */
    public void verify(PublicKey publicKey) {
        try {
            new CaTrustManager(authorities).checkClientTrusted(new X509Certificate[] {certificate},
                    certificate.getPublicKey().getAlgorithm());
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the certificate does not chain to the CA bundle: " + e.getMessage(), e);
        }
        if (!Arrays.equals(certificate.getPublicKey().getEncoded(), publicKey.getEncoded())) {
            throw new IllegalArgumentException("the certificate is not for this agent's key");
        }
    }

    /** True when {@code key} is the private half of the key {@code certificate} certifies (a signature proves it). */
    static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "Identity[" + certificate.getSubjectX500Principal() + ", serial " + certificate.getSerialNumber()
                .toString(16) + ", until " + notAfter() + "]";
    }
}
