-- AlterTable
ALTER TABLE "emission_rollup" ADD COLUMN "children" INTEGER;

-- AlterTable
ALTER TABLE "rollup_territory" ADD COLUMN "exact" BOOLEAN NOT NULL DEFAULT true;

-- Every territory with values below it in a release is now listed (absent: none below). Releases
-- loaded before: their other territories with values below, as not exact (summed live, as before).
INSERT INTO "rollup_territory" ("release_id", "territory_id", "exact")
SELECT DISTINCT e."release_id", a."ancestor_id", false
FROM "emission" e JOIN "territory_ancestor" a ON a."territory_id" = e."territory_id"
ON CONFLICT DO NOTHING;
