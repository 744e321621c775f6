-- Values partitioned by UTC day of the event time. There is deliberately no DEFAULT partition:
-- a row for a day without a partition must fail loudly, never land in a catch-all.
create table features_values (
  feature_id   text not null,
  ts           timestamptz not null,
  value        double precision not null,
  confidence   double precision not null check (confidence >= 0 and confidence <= 1),
  meta         jsonb,
  evidence     jsonb,
  ingested_at  timestamptz not null default clock_timestamp(),
  primary key (feature_id, ts)
) partition by range (ts);

-- The export worker reads windows of ingested_at.
create index features_values_ingested_at_idx on features_values (ingested_at);

-- Creates the partition of one UTC day if it is missing. The advisory lock serialises creators
-- (two concurrent CREATEs of one name fail on pg_type, not with a catchable duplicate_table);
-- the exception covers a creator that committed after our existence check.
create function ensure_features_values_partition(day date) returns boolean
language plpgsql as $$
declare
  partition_name text := format('features_values_p%s', to_char(day, 'YYYYMMDD'));
begin
  if to_regclass(partition_name) is not null then
    return false;
  end if;
  perform pg_advisory_xact_lock(hashtext('features_values_partitions'));
  execute format(
    'create table %I partition of features_values for values from (%L) to (%L)',
    partition_name,
    to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00',
    to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00'
  );
  return true;
exception when duplicate_table then
  return false;
end;
$$;
