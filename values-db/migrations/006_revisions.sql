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
  ingested_at  timestamptz not null,
  known_from   timestamptz not null,
  known_until  timestamptz not null,
  primary key (feature_id, ts, known_from),
  check (known_until > known_from)
);

-- The export worker reads windows of ingested_at here too: a version replaced before its window
-- was exported still reaches S3. Retention deletes by ts (the primary key's second column).
create index features_revisions_ingested_at_idx on features_revisions (ingested_at);
create index features_revisions_ts_idx on features_revisions (ts);

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
  insert into features_revisions (feature_id, ts, value, confidence, meta, evidence, ingested_at, known_from, known_until)
  values (old.feature_id, old.ts, old.value, old.confidence, old.meta, old.evidence, old.ingested_at, old_known, coalesce(new.known_at, new.ingested_at));
  return new;
end;
$$;

-- Only a new version is a revision: an update of bookkeeping columns alone keeps no history.
create trigger features_values_keep_revision
  before update on features_values
  for each row
  when ((old.value, old.confidence, old.meta, old.evidence) is distinct from (new.value, new.confidence, new.meta, new.evidence))
  execute function keep_features_revision();
