-- The spec as the seed file (registry/features.catalog.json) last gave it. A start re-applies a
-- seed entry only when the file changed it since, so changes made through the API survive
-- restarts; null for features the seed never gave, or seeded before this column existed.
alter table features_catalog add column seeded_spec jsonb;
