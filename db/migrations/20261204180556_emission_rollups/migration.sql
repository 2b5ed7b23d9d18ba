-- CreateTable
CREATE TABLE "emission_rollup" (
    "release_id" INTEGER NOT NULL,
    "territory_id" INTEGER NOT NULL,
    "sector_id" INTEGER NOT NULL,
    "gas_id" INTEGER NOT NULL,
    "gwp" TEXT NOT NULL DEFAULT '',
    "year" SMALLINT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "rows" INTEGER NOT NULL,

    CONSTRAINT "emission_rollup_pkey" PRIMARY KEY ("release_id","territory_id","year","sector_id","gas_id","gwp")
);

-- CreateTable
CREATE TABLE "rollup_territory" (
    "release_id" INTEGER NOT NULL,
    "territory_id" INTEGER NOT NULL,

    CONSTRAINT "rollup_territory_pkey" PRIMARY KEY ("release_id","territory_id")
);

-- AddForeignKey
ALTER TABLE "emission_rollup" ADD CONSTRAINT "emission_rollup_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollup_territory" ADD CONSTRAINT "rollup_territory_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE CASCADE ON UPDATE CASCADE;
