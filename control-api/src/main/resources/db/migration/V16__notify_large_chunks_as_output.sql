-- A stored chunk over 4096 bytes now notifies '<execution id> output' instead of the id alone, so that a follower
-- that reads no output (a job's ends-only stream) is not woken by it, while a state change (the id alone) still
-- wakes every follower. Identical notifications of one transaction are still delivered once. A reader that does not
-- know this form finds the execution id as the payload's first word and wakes as for the id alone.
create or replace function runcmd_notify_output() returns trigger language plpgsql as $$
begin
    if length(new.data) <= 4096 then
        perform pg_notify('runcmd_output', new.execution_id::text || ' ' || new.stream || ' ' || new."offset"
                                           || ' ' || encode(new.data, 'base64'));
    else
        perform pg_notify('runcmd_output', new.execution_id::text || ' output');
    end if;
    return null;
end
$$;
