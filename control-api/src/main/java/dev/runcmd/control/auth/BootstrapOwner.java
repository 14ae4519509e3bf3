package dev.runcmd.control.auth;

import dev.runcmd.proto.pki.ApiToken;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * How the first administrator gets in: at start, the runcmd token in {@code runcmd.auth.bootstrap-owner-token-file}
 * is made sure to exist, holding Owner at the root scope {@code /} ({@code runcmd up} writes one into its data
 * directory). A revoked bootstrap token stays revoked. The token's text is read from the file, never logged.
 */
@ApplicationScoped
public class BootstrapOwner {

    private static final Logger LOG = Logger.getLogger(BootstrapOwner.class);

    private final AccessStore store;
    private final AuthConfig config;

    BootstrapOwner(AccessStore store, AuthConfig config) {
        this.store = store;
        this.config = config;
    }

    void onStart(@Observes StartupEvent started) throws IOException {
        if (config.bootstrapOwnerTokenFile().isEmpty()) {
            return;
        }
        Path file = Path.of(config.bootstrapOwnerTokenFile().get());
        ApiToken token;
        try {
            token = ApiToken.parse(Files.readString(file));
        } catch (IllegalArgumentException malformed) {
            throw new IllegalStateException("runcmd.auth.bootstrap-owner-token-file " + file + ": "
                    + malformed.getMessage());
        }
        String name = config.bootstrapOwnerName();
        StoredToken stored = new StoredToken(token.id(), token.secretHash(), ApiTokenResource.principalIdOf(token.id()),
                name, Caller.PrincipalType.User, AccessStore.now(), "runcmd", BuiltInRoles.OWNER.id(), Scopes.ROOT,
                null, null);
        RoleAssignment owner = new RoleAssignment(RoleAssignmentApi.newId(), Scopes.ROOT, BuiltInRoles.OWNER.id(),
                stored.principalId(), "User", stored.createdAt(), "runcmd");
        store.ensureToken(stored, owner).await().atMost(Duration.ofSeconds(60));
        LOG.infof("Bootstrap owner token %s (%s) holds Owner at /", token.id(), name);
    }
}
