-- Followers of a job's merged output learn at once when the job releases targets (they join the stream), when it
-- ends (the stream's last event) and when it is deleted, on the channel of the V2 triggers with the job's id as
-- payload. Output and state changes of the targets' executions already notify with the execution's id.
create function runcmd_notify_job_target() returns trigger language plpgsql as $$
begin
    -- A release updates many targets of one job in one statement; identical notifications of one transaction are
    -- delivered once.
    perform pg_notify('runcmd_output', new.job_id::text);
    return null;
end
$$;

create trigger run_command_job_target_released after update of released on run_command_job_target
    for each row when (new.released and not old.released)
    execute function runcmd_notify_job_target();

create function runcmd_notify_job() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('runcmd_output', old.id::text);
    else
        perform pg_notify('runcmd_output', new.id::text);
    end if;
    return null;
end
$$;

create trigger run_command_job_changed after update of provisioning_state on run_command_job
    for each row when (old.provisioning_state is distinct from new.provisioning_state)
    execute function runcmd_notify_job();

create trigger run_command_job_deleted after delete on run_command_job
    for each row execute function runcmd_notify_job();
