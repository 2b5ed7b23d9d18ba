-- AlterTable: the level of the descendant, beside its ancestors (filled from territory, then required)
ALTER TABLE "territory_ancestor" ADD COLUMN "level" TEXT NOT NULL DEFAULT '';
UPDATE "territory_ancestor" a SET "level" = t."level" FROM "territory" t WHERE t."id" = a."territory_id";
ALTER TABLE "territory_ancestor" ALTER COLUMN "level" DROP DEFAULT;

-- CreateIndex
CREATE INDEX "territory_ancestor_ancestor_id_level_idx" ON "territory_ancestor"("ancestor_id", "level");
