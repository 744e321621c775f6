-- Bytes the export holds in S3, kept beside the watermark so every worker replica (and the
-- `npm run export` CLI) adds to one figure and every /metrics reads the same: set by each listing
-- of the bucket (at start, by the daily retention), increased by each exported window.
create table export_storage (
  layer       text primary key,
  bytes       bigint not null check (bytes >= 0),
  updated_at  timestamptz not null default now()
);
