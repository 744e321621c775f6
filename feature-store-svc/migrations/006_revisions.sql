-- Knowledge time. features_values holds each point's current version; every version a revision
-- replaced moves here with the interval the store knew it: [known_from, known_until). A read
-- "as of T" takes, per point, the one version whose interval holds T (the current version's
-- interval starts at its known instant and never ends). Versions of a point never overlap and
-- leave no hole, so an as-of read is exact without scanning every version.
create table features_revisions (
  feature_id   text not null,
  ts           timestamptz not null,
  value        double precision not null,
  confidence   double precision not null,
  meta         jsonb,
  evidence     jsonb,
  known_from   timestamptz not null,
  known_until  timestamptz not null,
  primary key (feature_id, ts, known_from),
  check (known_until > known_from)
);

-- The export worker reads the versions that became known in a window; retention drops by ts.
create index features_revisions_known_from_idx on features_revisions (known_from);

-- When a point's version became known: the source's own instant when the publisher gave one
-- (FRED's realtime_start), else when the store accepted it.
alter table features_values add column known_at timestamptz;

-- A row trigger, not application code: it sees exactly the version being replaced, under that
-- row's lock, so two publishers revising one point at once still record every version.
create function keep_features_revision() returns trigger
language plpgsql as $$
declare
  old_known timestamptz := coalesce(old.known_at, old.ingested_at);
begin
  -- A revision is known strictly after the version it replaces, even when a concurrent writer
  -- read the clock first: the intervals of one point stay in order.
  if coalesce(new.known_at, new.ingested_at) <= old_known then
    new.known_at := old_known + interval '1 microsecond';
  end if;
  insert into features_revisions (feature_id, ts, value, confidence, meta, evidence, known_from, known_until)
  values (old.feature_id, old.ts, old.value, old.confidence, old.meta, old.evidence, old_known, coalesce(new.known_at, new.ingested_at));
  return new;
end;
$$;

create trigger features_values_keep_revision
  before update on features_values
  for each row execute function keep_features_revision();
