-- DropIndex
DROP INDEX "territory_level_idx";

-- CreateIndex
CREATE INDEX "territory_level_code_idx" ON "territory"("level", "code");
