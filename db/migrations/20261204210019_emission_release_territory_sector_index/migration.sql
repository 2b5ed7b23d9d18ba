-- CreateIndex
CREATE INDEX "emission_release_id_territory_id_sector_id_gas_id_year_idx" ON "emission"("release_id", "territory_id", "sector_id", "gas_id", "year");
