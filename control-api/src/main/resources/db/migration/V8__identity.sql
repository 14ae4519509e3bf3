-- Agent identity (docs/security.md): the CA, join tokens, and each machine's current enrollment.

-- The runcmd CA, created by whichever component starts first (insert ... on conflict do nothing), unless an
-- operator supplies one by configuration. Its private key is sealed with runcmd.secrets.key like the other secrets.
create table certificate_authority (
    name                text        primary key,
    certificate_pem     text        not null,
    private_key_sealed  text        not null,
    created_at          timestamptz not null default now()
);

-- Join tokens: only the SHA-256 of the secret is stored. A token enrolls machines into one resource group, or
-- only the machine it names, until it expires or its uses are spent.
create table join_token (
    id                  text        primary key,
    secret_hash         bytea       not null,
    subscription_id     text        not null,
    resource_group      text        not null,
    machine_name        text,
    expires_at          timestamptz not null,
    uses_left           integer     not null check (uses_left >= 0),
    created_at          timestamptz not null default now()
);
create index join_token_group_idx on join_token (subscription_id, resource_group, created_at);

-- A machine now comes into being by enrollment. enrollment_id is the identity its certificates carry (a new one
-- per enrollment, so certificates of an earlier enrollment are refused); null: not enrolled, or revoked.
-- revoked_at: the machine was deleted (its identity revoked); it is gone for the API until it enrolls again.
alter table machine add column enrollment_id uuid;
alter table machine add column enrolled_at timestamptz;
alter table machine add column revoked_at timestamptz;
