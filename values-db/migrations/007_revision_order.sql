-- Knowledge time, refined (006 kept every replaced version):
-- 1. Only a new value, confidence or meta is a new version. Evidence alone (a re-fetch of the
--    same value: a new fetched_at and payload hash) is not: re-polling a source revised nothing.
-- 2. A version the source dates before the current one (a late, older vintage: known_at earlier
--    than the current version's known instant) belongs in the history, not on top of it: it
--    splits the interval of the version known at that instant, and the current row is kept.
create or replace function keep_features_revision() returns trigger
language plpgsql as $$
declare
  old_known timestamptz := coalesce(old.known_at, old.ingested_at);
  late timestamptz := new.known_at;
begin
  if late is not null and late < old_known then
    perform place_late_revision(new.feature_id, new.ts, new.value, new.confidence, new.meta, new.evidence, new.ingested_at, late, old_known);
    return null; -- the current version stays current
  end if;
  -- The same vintage again with another value: a correction of it, in place.
  if late is not null and late = old_known then
    return new;
  end if;
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

-- Puts a late version known from `known` into the history of a point whose current version is
-- known from `current_known` (> known): it takes over the rest of the interval it falls in (or,
-- before the oldest one, up to it); a version known from the very same instant is replaced.
create function place_late_revision(
  p_feature text, p_ts timestamptz, p_value float8, p_confidence float8, p_meta jsonb, p_evidence jsonb,
  p_ingested timestamptz, known timestamptz, current_known timestamptz
) returns void
language plpgsql as $$
declare
  covering features_revisions%rowtype;
  next_known timestamptz;
begin
  select * into covering from features_revisions
  where feature_id = p_feature and ts = p_ts and known_from <= known and known_until > known
  for update;
  if found and covering.known_from = known then
    update features_revisions set value = p_value, confidence = p_confidence, meta = p_meta, evidence = p_evidence, ingested_at = p_ingested
    where feature_id = p_feature and ts = p_ts and known_from = known;
    return;
  end if;
  if found then
    update features_revisions set known_until = known where feature_id = p_feature and ts = p_ts and known_from = covering.known_from;
    next_known := covering.known_until;
  else
    select coalesce(min(known_from), current_known) into next_known from features_revisions where feature_id = p_feature and ts = p_ts;
  end if;
  insert into features_revisions (feature_id, ts, value, confidence, meta, evidence, ingested_at, known_from, known_until)
  values (p_feature, p_ts, p_value, p_confidence, p_meta, p_evidence, p_ingested, known, next_known);
end;
$$;

drop trigger features_values_keep_revision on features_values;
create trigger features_values_keep_revision
  before update on features_values
  for each row
  when ((old.value, old.confidence, old.meta) is distinct from (new.value, new.confidence, new.meta))
  execute function keep_features_revision();
