-- The machine administrator's agent policy in one line, as the agent's Hello reports it (empty: none).
alter table machine add column agent_policy text not null default '';
