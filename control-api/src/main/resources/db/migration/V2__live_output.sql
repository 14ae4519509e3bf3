-- Live output: an arrival order for chunks, the output cap, and notifications that let every
-- control-api replica wake its followers when output is stored or a state changes.

-- Storage order of chunks across both streams (the merged text view follows it).
alter table output_chunk add column seq bigserial;
create index output_chunk_seq_idx on output_chunk (execution_id, seq);

-- Bytes written past the per-stream output cap, which were not stored (0: none).
alter table execution add column stdout_dropped bigint not null default 0;
alter table execution add column stderr_dropped bigint not null default 0;
-- The cap in force for this execution (bytes per stream), set by the gateway that stores it.
alter table execution add column output_cap_bytes bigint;

-- One notification per stored chunk and per state change, on channel runcmd_output, whose
-- payload is the execution id. Delivered at commit, so a woken reader always finds the data.
create function runcmd_notify_output() returns trigger language plpgsql as $$
begin
    perform pg_notify('runcmd_output', new.execution_id::text);
    return null;
end
$$;

create function runcmd_notify_execution() returns trigger language plpgsql as $$
begin
    perform pg_notify('runcmd_output', new.id::text);
    return null;
end
$$;

create trigger output_chunk_stored after insert on output_chunk
    for each row execute function runcmd_notify_output();

create trigger execution_changed after update of state, stdout_dropped, stderr_dropped on execution
    for each row when (old.state is distinct from new.state
                       or old.stdout_dropped is distinct from new.stdout_dropped
                       or old.stderr_dropped is distinct from new.stderr_dropped)
    execute function runcmd_notify_execution();
