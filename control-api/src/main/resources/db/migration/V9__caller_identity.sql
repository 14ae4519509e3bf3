-- Caller identity (docs/security.md): runcmd's own API tokens and Azure-style role assignments.

-- runcmd API tokens: only the SHA-256 of the secret is stored. principal_id is what role assignments name; a token
-- authenticates until it expires or is revoked (revoked_at), and its assignments go with it. role_definition_id and
-- scope record the assignment it was created with (the list shows them; revoking needs rights at that scope).
create table api_token (
    id                  text        primary key,
    secret_hash         bytea       not null,
    principal_id        text        not null unique,
    display_name        text        not null,
    principal_type      text        not null check (principal_type in ('User', 'Application')),
    created_at          timestamptz not null default now(),
    created_by          text        not null,
    role_definition_id  text        not null,
    scope               text        not null,
    expires_at          timestamptz,
    revoked_at          timestamptz
);

-- A role assignment binds a principal (a user's or application's object id, a group, a runcmd token's principal)
-- to a built-in role at a scope ('/', a subscription, a resource group or a machine); it applies to everything
-- under the scope. scope_lower is the scope in lower case, for prefix matching.
create table role_assignment (
    id                  text        primary key,
    scope               text        not null,
    scope_lower         text        not null,
    role_definition_id  text        not null,
    principal_id        text        not null,
    principal_type      text        not null check (principal_type in ('User', 'Group', 'ServicePrincipal')),
    created_at          timestamptz not null default now(),
    created_by          text        not null,
    unique (scope_lower, role_definition_id, principal_id)
);
create index role_assignment_principal_idx on role_assignment (principal_id);
create index role_assignment_scope_idx on role_assignment (scope_lower text_pattern_ops);

-- systemData's createdByType and lastModifiedByType: User or Application.
alter table run_command add column created_by_type text;
alter table run_command add column last_modified_by_type text;
