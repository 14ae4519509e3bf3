-- The whole run command contract: every source, identity and blob property, secrets encrypted at
-- rest, long-running operations, sequencing.

-- Definition properties (run_command) and their snapshot for delivery (execution).
alter table run_command
    add column script_uri        text,
    add column command_id        text,
    add column run_as_user       text,
    add column output_blob_uri   text,
    add column error_blob_uri    text,
    -- Names of run commands on the same machine that must reach Succeeded first.
    add column depends_on        jsonb not null default '[]'::jsonb,
    -- runAsPassword, encrypted (see below); never returned.
    add column run_as_password_enc text,
    add column created_by        text,
    add column last_modified_by  text;

alter table execution
    add column script_uri          text,
    add column run_as_user         text,
    add column run_as_password_enc text,
    add column output_blob_uri     text,
    add column error_blob_uri      text,
    -- Ids of the executions this one waits for (empty: none). The gateway delivers an execution
    -- only once the array is empty; when one of them ends otherwise than Succeeded, this one ends
    -- Canceled with a message naming it.
    add column waiting_for         uuid[] not null default '{}',
    -- Protected parameters, encrypted: AES-256-GCM under the key runcmd.secrets.key shared by
    -- control-api and the gateways, text "v1:<base64 iv>:<base64 ciphertext+tag>" of the JSON array.
    -- The plain protected_parameters column is no longer written (kept '[]').
    add column protected_parameters_enc text;

alter table run_command add column protected_parameters_enc text;

create index execution_waiting_idx on execution using gin (waiting_for);

-- ARM long-running operations: one per accepted PUT, PATCH or DELETE.
create table operation (
    id               uuid        primary key,
    -- The run command's ARM id (kept after a delete, which has no row to point at).
    resource_id      text        not null,
    run_command_id   uuid,
    execution_id     uuid,
    -- put | patch | delete
    kind             text        not null,
    -- InProgress | Succeeded | Failed | Canceled
    status           text        not null,
    -- For put/patch: true completes the operation when the script starts (asyncExecution).
    async_execution  boolean     not null default false,
    location         text        not null,
    created_at       timestamptz not null default now(),
    end_time         timestamptz,
    error_code       text,
    error_message    text
);
create index operation_execution_idx on operation (execution_id) where status = 'InProgress';
