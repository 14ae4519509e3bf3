-- Followers of an execution learn at once that it was deleted (with its run command), instead of
-- at their next safety poll.
create function runcmd_notify_deleted() returns trigger language plpgsql as $$
begin
    perform pg_notify('runcmd_output', old.id::text);
    return null;
end
$$;

create trigger execution_deleted after delete on execution
    for each row execute function runcmd_notify_deleted();
