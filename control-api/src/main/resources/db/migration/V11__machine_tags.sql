-- Machine tags (README, "Machine tags"): tags set through the API (ARM's tags, replaced as a whole by PATCH/PUT) and
-- tags the agent reports from its configuration in every Hello. The machine resource shows both merged, the API's
-- winning on a name both have.
alter table machine add column tags jsonb not null default '{}'::jsonb;
alter table machine add column agent_tags jsonb not null default '{}'::jsonb;
create index machine_tags_idx on machine using gin (tags);
create index machine_agent_tags_idx on machine using gin (agent_tags);
