package dev.runcmd.control.jointoken;

import dev.runcmd.control.pki.CaProvider;
import dev.runcmd.control.store.Transactions;
import dev.runcmd.proto.pki.JoinToken;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Creates, lists and deletes join tokens, each in one transaction. A new token carries the hash of the CA's public
 * key, so the agent can trust the gateway the first time it dials it; only the SHA-256 of its secret is stored.
 */
@ApplicationScoped
public class JoinTokenService {

    private final Transactions transactions;
    private final JoinTokenRepository tokens;
    private final CaProvider authorities;

    JoinTokenService(Transactions transactions, JoinTokenRepository tokens, CaProvider authorities) {
        this.transactions = transactions;
        this.tokens = tokens;
        this.authorities = authorities;
    }

    /** Creates a token; the CA is loaded first (outside the transaction, which it must not nest in). */
    public Uni<CreatedJoinToken> create(JoinTokenScope scope, JoinTokenSpec spec) {
        return authorities.ca().flatMap(ca -> {
            JoinToken token = JoinToken.generate(ca.publicKeyHash());
            JoinTokenEntity row = JoinTokenEntity.of(token, scope, spec, now());
            return transactions.write(() -> tokens.persist(row)).replaceWith(new CreatedJoinToken(token.text(), row));
        });
    }

    /** The group's tokens, oldest first, without their secrets. */
    public Uni<List<JoinTokenEntity>> list(JoinTokenScope scope) {
        return transactions.read(() -> tokens.listByScope(scope));
    }

    /** Deletes a token at once; false when the group has none with this id. */
    public Uni<Boolean> delete(JoinTokenScope scope, String id) {
        return transactions.write(() -> tokens.deleteInScope(scope, id));
    }

    /** Milliseconds, as stored and shown alike (PostgreSQL keeps microseconds). */
    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    }
}
