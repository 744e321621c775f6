-- The export worker's progress. Every row whose ingested_at is below `watermark` is in S3 as
-- Parquet, confirmed object by object; the worker moves it one closed 15-minute window at a time,
-- and partition retention drops a day only when all of that day's ingested_at are below it.
create table export_watermarks (
  stream      text primary key,
  watermark   timestamptz not null,
  updated_at  timestamptz not null default now()
);
