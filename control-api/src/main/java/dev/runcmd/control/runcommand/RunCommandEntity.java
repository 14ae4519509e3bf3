package dev.runcmd.control.runcommand;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.DynamicUpdate;

/**
 * A stored run command, Azure's MachineRunCommand (table {@code run_command}). The instanceView lives in the row
 * of its current execution.
 *
 * <p>Updates write only the changed columns ({@link DynamicUpdate}), so a concurrent writer of another column is
 * not overwritten. The jsonb columns are mapped as JSON text; the casts keep the reactive client from treating
 * the text as a JSON string value.
 */
@Entity
@DynamicUpdate
@Table(name = "run_command")
public class RunCommandEntity {

    /** Random id. */
    @Id
    public UUID id;

    /** The machine it belongs to. */
    @Column(name = "machine_id")
    public long machineId;

    /** Its name, unique per machine. */
    public String name;

    /** The ARM location given on PUT. */
    public String location;

    /** Tags as a JSON object of strings. */
    @Column(name = "tags")
    @ColumnTransformer(read = "cast(tags as text)", write = "cast(cast(? as text) as jsonb)")
    public String tagsJson;

    /** The inline script, or null for another source. */
    public String script;

    /** The http(s) URL the agent downloads the script from, or null for another source. */
    @Column(name = "script_uri")
    public String scriptUri;

    /** The built-in command ({@link CommandCatalog}), or null for another source. */
    @Column(name = "command_id")
    public String commandId;

    /** Parameters as a JSON array of {name, value}, in request order. */
    @Column(name = "parameters")
    @ColumnTransformer(read = "cast(parameters as text)", write = "cast(cast(? as text) as jsonb)")
    public String parametersJson;

    /** The plain protected parameters column, superseded by {@link #protectedParametersSealed}: always "[]". */
    @Column(name = "protected_parameters")
    @ColumnTransformer(read = "cast(protected_parameters as text)", write = "cast(cast(? as text) as jsonb)")
    public String protectedParametersJson;

    /** Protected parameters as a sealed JSON array ({@code Secrets}), or null when there are none. */
    @Column(name = "protected_parameters_enc")
    public String protectedParametersSealed;

    /** The OS user the script runs as, or null for the agent's own. */
    @Column(name = "run_as_user")
    public String runAsUser;

    /** The sealed password of {@link #runAsUser}, or null; never shown, never logged. */
    @Column(name = "run_as_password_enc")
    public String runAsPasswordSealed;

    /**
     * Where the agent uploads the full stdout, sealed ({@code Secrets.sealUrl}: the URL carries a SAS token), or
     * null; rows from before the sealing hold the plain URL, which {@code Secrets.openUrl} returns as it is.
     */
    @Column(name = "output_blob_uri")
    public String outputBlobUri;

    /** Where the agent uploads the full stderr, sealed like {@link #outputBlobUri}, or null. */
    @Column(name = "error_blob_uri")
    public String errorBlobUri;

    /** Names of run commands on the same machine that must succeed first, as a JSON array. */
    @Column(name = "depends_on")
    @ColumnTransformer(read = "cast(depends_on as text)", write = "cast(cast(? as text) as jsonb)")
    public String dependsOnJson;

    /** Azure's asyncExecution flag. */
    @Column(name = "async_execution")
    public boolean asyncExecution;

    /** Timeout of the script in seconds; 0 means none. */
    @Column(name = "timeout_seconds")
    public int timeoutSeconds;

    /**
     * How long each new execution may stay Pending (its machine offline) before the gateway ends it Failed with
     * "not delivered: machine offline"; runcmd's {@code properties.deliveryTimeoutInSeconds}.
     */
    @Column(name = "delivery_timeout_seconds")
    public int deliveryTimeoutSeconds;

    /** A {@link ProvisioningState} value. */
    @Column(name = "provisioning_state")
    public String provisioningState;

    /** When it was first created. */
    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    /** When a PUT or PATCH last changed it. */
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** Who created it (systemData.createdBy). */
    @Column(name = "created_by")
    public String createdBy;

    /** Who last changed it (systemData.lastModifiedBy). */
    @Column(name = "last_modified_by")
    public String lastModifiedBy;

    /** User or Application (systemData.createdByType); null for rows written before callers had an identity. */
    @Column(name = "created_by_type")
    public String createdByType;

    /** User or Application (systemData.lastModifiedByType). */
    @Column(name = "last_modified_by_type")
    public String lastModifiedByType;

    /** The latest execution, whose row holds the instanceView; null only before the first execution. */
    @Column(name = "current_execution_id")
    public UUID currentExecutionId;
}
