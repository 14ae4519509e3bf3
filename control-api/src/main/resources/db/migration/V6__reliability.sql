-- Reliability (issue 5): delivery deadlines and the watchdog's bookkeeping.

-- How long an execution of this command may stay Pending (its machine offline) before it ends
-- Failed with "not delivered: machine offline". runcmd's extension property
-- properties.deliveryTimeoutInSeconds; 24 hours unless the request says otherwise.
alter table run_command add column delivery_timeout_seconds integer not null default 86400;

-- When a Pending execution gives up waiting for delivery. Set by control-api from the command's
-- delivery timeout when the execution is created; the default covers rows written by others.
alter table execution add column deliver_by timestamptz not null default now() + interval '24 hours';

create index execution_deliver_by_idx on execution (deliver_by) where state = 'Pending';

-- Non-terminal executions the watchdog looks at (delivered, not yet ended).
create index execution_in_flight_idx on execution (machine_id) where state in ('Dispatched', 'Running');
