package dev.runcmd.agent.identity;

import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.pki.JoinToken;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The identity the agent starts with: the stored one while its certificate is valid; otherwise a new one, enrolled
 * with the join token and stored before it is used; otherwise none, and an {@link IdentityException} that tells the
 * operator what to do.
 */
public final class Bootstrap {
    private static final Logger LOG = Logger.getLogger(Bootstrap.class.getName());

    private Bootstrap() {}

    /**
     * Returns the identity of {@code machine}.
     *
     * @throws IdentityException when there is none and none can be had: no identity and no token, an expired
     *     certificate and no token, a stored identity of another machine, a refused enrollment
     * @throws IOException when the identity directory cannot be read or written
     */
    public static Identity identity(IdentityStore store, Optional<JoinToken> token, MachineScope machine,
            Enrollment enrollment) throws IdentityException, IOException, InterruptedException {
        Optional<Identity> stored = store.load();
        if (stored.isPresent()) {
            Identity identity = stored.get();
            if (!identity.names(machine)) {
                throw new IdentityException("the identity in " + store.dir() + " is machine "
                        + identity.machine().describe() + ", but this agent is configured as "
                        + Enrollment.describe(machine) + "; fix the configuration, or use another --identity-dir"
                        + " and enroll that machine with a join token");
            }
            if (!identity.isExpired(Instant.now())) {
                token.ifPresent(ignored -> LOG.info(() -> "The join token is ignored: machine "
                        + identity.machine().describe() + " is enrolled already, its certificate valid until "
                        + identity.notAfter()));
                return identity;
            }
            if (token.isEmpty()) {
                throw new IdentityException("certificate expired at " + identity.notAfter() + "; enroll again with a"
                        + " new join token (--join-token, or RUNCMD_JOIN_TOKEN)");
            }
            LOG.warning(() -> "The certificate expired at " + identity.notAfter() + "; enrolling again");
        } else if (token.isEmpty()) {
            throw new IdentityException("no identity in " + store.dir() + ": enroll with --join-token TOKEN (better:"
                    + " RUNCMD_JOIN_TOKEN or join-token in the config file), a token from 'runcmd machine join-token"
                    + " create'");
        }
        Identity enrolled = enrollment.enroll(token.get(), machine);
        store.save(enrolled);
        return enrolled;
    }
}
