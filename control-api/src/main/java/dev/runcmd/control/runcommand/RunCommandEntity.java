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

    /** The inline script. */
    public String script;

    /** Parameters as a JSON array of {name, value}, in request order. */
    @Column(name = "parameters")
    @ColumnTransformer(read = "cast(parameters as text)", write = "cast(cast(? as text) as jsonb)")
    public String parametersJson;

    /** Protected parameters, same shape; never shown, never logged. */
    @Column(name = "protected_parameters")
    @ColumnTransformer(read = "cast(protected_parameters as text)", write = "cast(cast(? as text) as jsonb)")
    public String protectedParametersJson;

    /** Azure's asyncExecution flag. */
    @Column(name = "async_execution")
    public boolean asyncExecution;

    /** Timeout of the script in seconds; 0 means none. */
    @Column(name = "timeout_seconds")
    public int timeoutSeconds;

    /** A {@link ProvisioningState} value. */
    @Column(name = "provisioning_state")
    public String provisioningState;

    /** When it was first created. */
    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    /** When a PUT last changed it. */
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** The latest execution, whose row holds the instanceView; null only before the first execution. */
    @Column(name = "current_execution_id")
    public UUID currentExecutionId;
}
