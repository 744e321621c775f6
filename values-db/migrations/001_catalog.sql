-- The catalog: one row per feature, the whole spec in jsonb, the columns we filter on beside it.
create table features_catalog (
  id          text primary key,
  entity      text not null,
  frequency   text not null,
  unit        text not null,
  ttl_ms      bigint not null check (ttl_ms > 0),
  tags        text[] not null default '{}',
  active      boolean not null default true,
  version     integer not null check (version > 0),
  spec        jsonb not null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

-- Every version a spec ever had, so a value can be read with the spec it was published under.
create table features_catalog_history (
  id          text not null,
  version     integer not null,
  spec        jsonb not null,
  changed_at  timestamptz not null default now(),
  primary key (id, version)
);
