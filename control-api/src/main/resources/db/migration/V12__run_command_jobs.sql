-- Fan-out jobs (runcmd's runCommandJobs extension): one run command, by the job's name, on many machines,
-- started at most maxConcurrency at a time and no more once over maxErrors have ended other than Succeeded.

create table run_command_job (
    id                  uuid        primary key,
    subscription_id     text        not null,
    resource_group      text        not null,
    name                text        not null,
    location            text        not null,
    tags                jsonb       not null default '{}'::jsonb,
    -- The targets as requested: {"machines":[..],"tags":{..}}
    targets             jsonb       not null,
    -- As requested ("10%", "5") and resolved against the number of targets.
    max_concurrency     text        not null,
    max_errors          text        not null,
    concurrency_limit   integer     not null,
    error_limit         integer     not null,
    -- The run command's properties as shown (no secrets: protected parameters, password and blob URLs left out).
    run_command         jsonb       not null,
    delivery_timeout_seconds integer not null,
    -- Running | Succeeded | Failed | Canceled
    provisioning_state  text        not null,
    -- Why it stopped starting targets; '' while it has not.
    message             text        not null default '',
    cancel_requested    boolean     not null default false,
    target_count        integer     not null,
    operation_id        uuid        not null,
    created_by          text,
    created_by_type     text,
    created_at          timestamptz not null,
    end_time            timestamptz,
    unique (subscription_id, resource_group, name)
);

create index run_command_job_running_idx on run_command_job (created_at) where provisioning_state = 'Running';

-- One row per target machine, in the job's order. Its execution is created with the job, Pending and held back
-- (the job's id in waiting_for) until the job releases it.
create table run_command_job_target (
    job_id          uuid    not null references run_command_job (id) on delete cascade,
    position        integer not null,
    machine_id      bigint  not null references machine (id) on delete cascade,
    machine_name    text    not null,
    run_command_id  uuid    not null,
    execution_id    uuid    not null,
    released        boolean not null default false,
    primary key (job_id, position)
);

create index run_command_job_target_held_idx on run_command_job_target (job_id, position) where not released;
create index run_command_job_target_execution_idx on run_command_job_target (execution_id);
