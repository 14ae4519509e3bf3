package dev.runcmd.control.jointoken;

import dev.runcmd.proto.pki.JoinToken;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * A join token as stored (table {@code join_token}): never its secret, only the secret's SHA-256. The control API
 * creates, lists and deletes these rows; a gateway spends a use of one in the transaction that enrolls a machine.
 */
@Entity
@Table(name = "join_token")
public class JoinTokenEntity {

    /** The token's id: the second part of its text, 16 hex digits. */
    @Id
    public String id;

    /** SHA-256 of the token's secret. */
    @Column(name = "secret_hash")
    public byte[] secretHash;

    /** Subscription of the scope. */
    @Column(name = "subscription_id")
    public String subscriptionId;

    /** Resource group of the scope. */
    @Column(name = "resource_group")
    public String resourceGroup;

    /** The only machine it enrolls, or null for any new machine name in the group. */
    @Column(name = "machine_name")
    public String machineName;

    /** When it stops enrolling. */
    @Column(name = "expires_at")
    public OffsetDateTime expiresAt;

    /** Enrollments left; 0 once spent. */
    @Column(name = "uses_left")
    public int usesLeft;

    /** When it was created. */
    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    /** The row of a new token. */
    static JoinTokenEntity of(JoinToken token, JoinTokenScope scope, JoinTokenSpec spec, OffsetDateTime now) {
        JoinTokenEntity row = new JoinTokenEntity();
        row.id = token.id();
        row.secretHash = token.secretHash();
        row.subscriptionId = scope.subscriptionId();
        row.resourceGroup = scope.resourceGroup();
        row.machineName = spec.machineName().orElse(null);
        row.expiresAt = now.plus(spec.expiresIn());
        row.usesLeft = spec.uses();
        row.createdAt = now;
        return row;
    }

    /** The scope of the token. */
    public JoinTokenScope scope() {
        return new JoinTokenScope(subscriptionId, resourceGroup);
    }
}
