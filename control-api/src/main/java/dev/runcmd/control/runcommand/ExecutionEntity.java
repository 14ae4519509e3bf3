package dev.runcmd.control.runcommand;

import dev.runcmd.state.ExecutionState;
import jakarta.persistence.Column;
import jakarta.persistence.ColumnResult;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.SqlResultSetMapping;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.DynamicUpdate;

/**
 * One run of a run command (table {@code execution}), with the snapshot of what the agent needs.
 *
 * <p>The control API inserts these rows and otherwise only reads them: the gateway owns the progress columns.
 * The one change the control API makes (cancelling a Pending execution) is a conditional bulk update in
 * {@link ExecutionRepository}, never a dirty-checked field change.
 */
@Entity
@DynamicUpdate
@Table(name = "execution")
@SqlResultSetMapping(name = OutputTailReader.MAPPING, columns = {
    @ColumnResult(name = "execution_id", type = String.class),
    @ColumnResult(name = "stream", type = Integer.class),
    @ColumnResult(name = "offset", type = Long.class),
    @ColumnResult(name = "data", type = byte[].class),
    @ColumnResult(name = "stdout_bytes", type = Long.class),
    @ColumnResult(name = "stderr_bytes", type = Long.class)})
public class ExecutionEntity {

    /** Random id; the agent journals it to run each execution at most once. */
    @Id
    public UUID id;

    /** The run command it belongs to. */
    @Column(name = "run_command_id")
    public UUID runCommandId;

    /** The machine that runs it. */
    @Column(name = "machine_id")
    public long machineId;

    /** The run command's name, copied for the agent. */
    @Column(name = "run_command_name")
    public String runCommandName;

    /** An {@link ExecutionState} stored value. */
    public String state;

    /** Azure's executionMessage. */
    public String message;

    /** The script's exit code once it ended, else null. */
    @Column(name = "exit_code")
    public Integer exitCode;

    /** The script to run; empty when the agent downloads it from {@link #scriptUri}. */
    public String script;

    /** A {@link ScriptShell} stored value: which interpreter runs the script. */
    public String shell;

    /** The http(s) URL to download the script from, or null. */
    @Column(name = "script_uri")
    public String scriptUri;

    /** Parameters as JSON text. */
    @Column(name = "parameters")
    @ColumnTransformer(read = "cast(parameters as text)", write = "cast(cast(? as text) as jsonb)")
    public String parametersJson;

    /** The plain protected parameters column, superseded by {@link #protectedParametersSealed}: always "[]". */
    @Column(name = "protected_parameters")
    @ColumnTransformer(read = "cast(protected_parameters as text)", write = "cast(cast(? as text) as jsonb)")
    public String protectedParametersJson;

    /** Protected parameters as a sealed JSON array, or null when there are none; the gateway opens it. */
    @Column(name = "protected_parameters_enc")
    public String protectedParametersSealed;

    /** The OS user to run as, or null for the agent's own. */
    @Column(name = "run_as_user")
    public String runAsUser;

    /** The sealed password of {@link #runAsUser}, or null. */
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

    /**
     * The ids of the executions this one waits for, as PostgreSQL array text ({@code {id,id}}; {@code {}} for
     * none). The gateway delivers it only once the array is empty and maintains it from then on.
     */
    @Column(name = "waiting_for")
    @ColumnTransformer(read = "cast(waiting_for as text)", write = "cast(cast(? as text) as uuid[])")
    public String waitingForText;

    /** Timeout in seconds; 0 means none. */
    @Column(name = "timeout_seconds")
    public int timeoutSeconds;

    /**
     * Written once, at the insert: {@code deliver_by = now() + this many seconds}, computed by PostgreSQL on its
     * own clock (the gateway compares it with the same clock). The deadline is not read back: loaded entities
     * hold null here.
     */
    @Column(name = "deliver_by", updatable = false)
    @ColumnTransformer(read = "null", write = "now() + cast(? as integer) * interval '1 second'")
    public Integer deliverWithinSeconds;

    /**
     * The W3C traceparent of the traced request that created it, else null; written once (docs/observability.md).
     */
    @Column(name = "traceparent", updatable = false)
    public String traceparent;

    /** When it was created. */
    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    /** When the script's process started, else null. */
    @Column(name = "start_time")
    public OffsetDateTime startTime;

    /** When it ended, else null. */
    @Column(name = "end_time")
    public OffsetDateTime endTime;

    /** Bytes of stdout stored so far. */
    @Column(name = "stdout_bytes")
    public long stdoutBytes;

    /** Bytes of stderr stored so far. */
    @Column(name = "stderr_bytes")
    public long stderrBytes;

    /** The parsed state. */
    public ExecutionState executionState() {
        return ExecutionState.fromStored(state);
    }
}
