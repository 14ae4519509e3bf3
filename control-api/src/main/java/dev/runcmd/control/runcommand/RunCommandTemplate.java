package dev.runcmd.control.runcommand;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The columns of a run command and of its new execution, the same on every machine: what a fan-out job writes
 * for all its targets in one statement. Secrets are sealed here exactly as for a PUT ({@link StoredDefinition}).
 */
@ApplicationScoped
public class RunCommandTemplate {

    /**
     * One definition's columns.
     *
     * @param command the run command's columns (id and machine left for each target)
     * @param execution the new execution's columns, the script resolved (id, machine and run command left)
     */
    public record Columns(RunCommandEntity command, ExecutionEntity execution) {
    }

    private final StoredDefinition definitions;

    RunCommandTemplate(StoredDefinition definitions) {
        this.definitions = definitions;
    }

    /**
     * The columns of {@code request} named {@code name}, written by {@code author}; fails with the author's 403
     * when it would run as root and they may not.
     */
    public Columns of(String name, RunCommandRequest request, Author author) {
        author.checkRunAs(request.runAs());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        RunCommandEntity command = new RunCommandEntity();
        command.id = new UUID(0, 0);
        command.name = name;
        command.createdAt = now;
        command.createdBy = author.name();
        command.createdByType = author.type();
        command.lastModifiedBy = author.name();
        command.lastModifiedByType = author.type();
        command.updatedAt = now;
        definitions.apply(request, command);
        return new Columns(command, NewExecution.of(command, DependencyPlan.READY, now));
    }
}
