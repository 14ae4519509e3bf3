-- A stored chunk of at most 4096 bytes travels in its notification: '<execution id> <stream> <offset> <base64>'
-- (PostgreSQL's base64, lines of 76 characters; about 5,600 characters, under the 8,000-byte payload limit), so a
-- follower that stands right before it delivers it without reading it back. Larger chunks notify with the id
-- alone, as before (identical notifications of one transaction are delivered once). A reader that does not know the
-- new form still finds the execution id as the payload's first word and reads as before.
create or replace function runcmd_notify_output() returns trigger language plpgsql as $$
begin
    if length(new.data) <= 4096 then
        perform pg_notify('runcmd_output', new.execution_id::text || ' ' || new.stream || ' ' || new."offset"
                                           || ' ' || encode(new.data, 'base64'));
    else
        perform pg_notify('runcmd_output', new.execution_id::text);
    end if;
    return null;
end
$$;
