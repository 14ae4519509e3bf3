-- runcmd schema, version 1. Owned by control-api (Flyway); the gateway reads and
-- writes the same tables with the reactive PostgreSQL client.

-- A machine comes into being when its agent first registers (Hello).
create table machine (
    id                  bigserial primary key,
    subscription_id     text        not null,
    resource_group      text        not null,
    name                text        not null,
    os_name             text        not null default '',
    os_version          text        not null default '',
    agent_version       text        not null default '',
    host_name           text        not null default '',
    -- Connected | Disconnected
    status              text        not null,
    last_status_change  timestamptz not null,
    created_at          timestamptz not null default now(),
    unique (subscription_id, resource_group, name)
);

-- Gateway replicas and where the control API reaches their internal gRPC API.
create table gateway (
    id            text        primary key,
    address       text        not null,
    started_at    timestamptz not null default now(),
    heartbeat_at  timestamptz not null default now()
);

-- Which gateway holds which machine's stream right now (at most one row per machine).
create table agent_session (
    machine_id    bigint      primary key references machine (id) on delete cascade,
    gateway_id    text        not null,
    session_id    text        not null,
    connected_at  timestamptz not null default now()
);

-- A run command: the stored definition (Azure's MachineRunCommand).
create table run_command (
    id                    uuid        primary key,
    machine_id            bigint      not null references machine (id) on delete cascade,
    name                  text        not null,
    location              text        not null,
    tags                  jsonb       not null default '{}'::jsonb,
    script                text,
    -- [{"name":..,"value":..}] in request order
    parameters            jsonb       not null default '[]'::jsonb,
    protected_parameters  jsonb       not null default '[]'::jsonb,
    async_execution       boolean     not null default false,
    timeout_seconds       integer     not null default 0,
    -- Creating | Updating | Succeeded | Failed | Canceled | Deleting
    provisioning_state    text        not null,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    -- The latest execution; its row holds the instanceView.
    current_execution_id  uuid,
    unique (machine_id, name)
);

-- One run of a run command. Holds a snapshot of what the agent needs, so the
-- gateway delivers it without reading run_command.
create table execution (
    id                    uuid        primary key,
    run_command_id        uuid        not null references run_command (id) on delete cascade,
    machine_id            bigint      not null references machine (id) on delete cascade,
    run_command_name      text        not null,
    -- Pending | Dispatched | Running | Succeeded | Failed | TimedOut | Canceled
    state                 text        not null,
    message               text        not null default '',
    exit_code             integer,
    script                text        not null,
    parameters            jsonb       not null default '[]'::jsonb,
    protected_parameters  jsonb       not null default '[]'::jsonb,
    timeout_seconds       integer     not null default 0,
    created_at            timestamptz not null default now(),
    dispatched_at         timestamptz,
    accepted_at           timestamptz,
    start_time            timestamptz,
    end_time              timestamptz,
    gateway_id            text,
    session_id            text,
    -- Bytes stored so far per stream (max of offset + length over stored chunks).
    stdout_bytes          bigint      not null default 0,
    stderr_bytes          bigint      not null default 0
);

create index execution_pending_idx on execution (machine_id, created_at) where state = 'Pending';
create index execution_session_idx on execution (session_id) where state = 'Dispatched';

-- Output of executions, stored by (stream, byte offset): replays are idempotent.
create table output_chunk (
    execution_id  uuid     not null references execution (id) on delete cascade,
    -- 1 = stdout, 2 = stderr (agent.proto OutputStream numbers)
    stream        smallint not null,
    "offset"      bigint   not null,
    data          bytea    not null,
    primary key (execution_id, stream, "offset")
);
