-- CreateIndex
CREATE INDEX "emission_release_id_sector_id_gas_id_year_territory_id_idx" ON "emission"("release_id", "sector_id", "gas_id", "year", "territory_id");
