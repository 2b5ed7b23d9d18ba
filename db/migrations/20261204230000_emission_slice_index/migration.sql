-- DropIndex
DROP INDEX "emission_sector_id_gas_id_year_idx";

-- CreateIndex
CREATE INDEX "emission_slice_idx" ON "emission"("release_id", "sector_id", "gas_id", "year", "territory_id", "value", "gwp");
