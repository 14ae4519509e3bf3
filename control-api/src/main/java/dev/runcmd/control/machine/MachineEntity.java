package dev.runcmd.control.machine;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Immutable;

/**
 * A machine as its agent enrolled and registered it (table {@code machine}). The gateway creates and updates these
 * rows when agents enroll, say Hello and disconnect; the control API only reads them, hence {@link Immutable}, and
 * revokes one by a native statement when it is deleted ({@link MachineRepository#revoke}).
 */
@Entity
@Immutable
@Table(name = "machine")
public class MachineEntity {

    /** Database id, referenced by run commands, executions and sessions. */
    @Id
    public Long id;

    /** Subscription of the machine. */
    @Column(name = "subscription_id")
    public String subscriptionId;

    /** Resource group of the machine. */
    @Column(name = "resource_group")
    public String resourceGroup;

    /** Name of the machine inside its resource group. */
    public String name;

    /** Operating system name reported by the agent. */
    @Column(name = "os_name")
    public String osName;

    /** Operating system version reported by the agent. */
    @Column(name = "os_version")
    public String osVersion;

    /** Version of the agent. */
    @Column(name = "agent_version")
    public String agentVersion;

    /** The agent policy in one line, as the agent reported it; empty when the machine has none. */
    @Column(name = "agent_policy")
    public String agentPolicy;

    /** Connected or Disconnected. */
    public String status;

    /** When {@link #status} last changed. */
    @Column(name = "last_status_change")
    public OffsetDateTime lastStatusChange;

    /**
     * When the machine was deleted and its identity revoked, or null. A revoked machine does not exist for the API
     * until it enrolls again.
     */
    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    /** The tags set through the API, a JSON object of strings. */
    @Column(name = "tags")
    @ColumnTransformer(read = "cast(tags as text)")
    public String tagsJson;

    /** The tags the agent reports in its Hello, a JSON object of strings. */
    @Column(name = "agent_tags")
    @ColumnTransformer(read = "cast(agent_tags as text)")
    public String agentTagsJson;

    /** The scope this machine is addressed by. */
    public MachineScope scope() {
        return new MachineScope(subscriptionId, resourceGroup, name);
    }
}
