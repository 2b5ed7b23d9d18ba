-- CreateTable
CREATE TABLE "territory" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_fr" TEXT,
    "parent_id" INTEGER,
    "depth" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "territory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "territory_identifier" (
    "territory_id" INTEGER NOT NULL,
    "scheme" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "territory_identifier_pkey" PRIMARY KEY ("scheme","value")
);

-- CreateTable
CREATE TABLE "territory_ancestor" (
    "territory_id" INTEGER NOT NULL,
    "ancestor_id" INTEGER NOT NULL,
    "distance" INTEGER NOT NULL,

    CONSTRAINT "territory_ancestor_pkey" PRIMARY KEY ("territory_id","ancestor_id")
);

-- CreateTable
CREATE TABLE "group_member" (
    "group_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,

    CONSTRAINT "group_member_pkey" PRIMARY KEY ("group_id","member_id")
);

-- CreateTable
CREATE TABLE "indicator" (
    "territory_id" INTEGER NOT NULL,
    "indicator" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "source_id" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "unit" TEXT NOT NULL,

    CONSTRAINT "indicator_pkey" PRIMARY KEY ("territory_id","indicator","year","source_id")
);

-- CreateTable
CREATE TABLE "sector" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "parent_id" INTEGER,

    CONSTRAINT "sector_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "source_sector" (
    "id" SERIAL NOT NULL,
    "source_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sector_id" INTEGER NOT NULL,

    CONSTRAINT "source_sector_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gas" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "is_basket" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "gas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gwp_value" (
    "gas_id" INTEGER NOT NULL,
    "set" TEXT NOT NULL,
    "horizon" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "gwp_value_pkey" PRIMARY KEY ("gas_id","set","horizon")
);

-- CreateTable
CREATE TABLE "source" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "publisher" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "licence" TEXT NOT NULL,
    "citation" TEXT NOT NULL,
    "method" TEXT NOT NULL,

    CONSTRAINT "source_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "release" (
    "id" SERIAL NOT NULL,
    "source_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "published_on" DATE,
    "raw_hash" TEXT NOT NULL,
    "raw_uri" TEXT NOT NULL,
    "retrieved_at" TIMESTAMPTZ(3) NOT NULL,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "row_count" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "run_id" INTEGER,

    CONSTRAINT "release_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run" (
    "id" SERIAL NOT NULL,
    "connector" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "raw_hash" TEXT,
    "raw_uri" TEXT,
    "rows_read" INTEGER NOT NULL DEFAULT 0,
    "rows_loaded" INTEGER NOT NULL DEFAULT 0,
    "rows_unchanged" INTEGER NOT NULL DEFAULT 0,
    "rows_rejected" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rejected_row" (
    "id" SERIAL NOT NULL,
    "run_id" INTEGER NOT NULL,
    "file" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "column" TEXT,
    "reason" TEXT NOT NULL,
    "raw" TEXT,

    CONSTRAINT "rejected_row_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "emission" (
    "release_id" INTEGER NOT NULL,
    "territory_id" INTEGER NOT NULL,
    "source_sector_id" INTEGER NOT NULL,
    "sector_id" INTEGER NOT NULL,
    "gas_id" INTEGER NOT NULL,
    "year" SMALLINT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "gwp" TEXT,
    "original_value" DOUBLE PRECISION NOT NULL,
    "original_unit" TEXT NOT NULL,

    CONSTRAINT "emission_pkey" PRIMARY KEY ("release_id","territory_id","source_sector_id","gas_id","year")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "requests" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "territory_code_key" ON "territory"("code");

-- CreateIndex
CREATE INDEX "territory_parent_id_idx" ON "territory"("parent_id");

-- CreateIndex
CREATE INDEX "territory_level_idx" ON "territory"("level");

-- CreateIndex
CREATE INDEX "territory_identifier_value_idx" ON "territory_identifier"("value");

-- CreateIndex
CREATE INDEX "territory_identifier_territory_id_idx" ON "territory_identifier"("territory_id");

-- CreateIndex
CREATE INDEX "territory_ancestor_ancestor_id_distance_idx" ON "territory_ancestor"("ancestor_id", "distance");

-- CreateIndex
CREATE INDEX "group_member_member_id_idx" ON "group_member"("member_id");

-- CreateIndex
CREATE INDEX "indicator_indicator_year_idx" ON "indicator"("indicator", "year");

-- CreateIndex
CREATE UNIQUE INDEX "sector_code_key" ON "sector"("code");

-- CreateIndex
CREATE UNIQUE INDEX "source_sector_source_id_name_key" ON "source_sector"("source_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "gas_code_key" ON "gas"("code");

-- CreateIndex
CREATE UNIQUE INDEX "release_run_id_key" ON "release"("run_id");

-- CreateIndex
CREATE INDEX "release_source_id_loaded_at_idx" ON "release"("source_id", "loaded_at");

-- CreateIndex
CREATE UNIQUE INDEX "release_source_id_raw_hash_key" ON "release"("source_id", "raw_hash");

-- CreateIndex
CREATE INDEX "run_connector_started_at_idx" ON "run"("connector", "started_at");

-- CreateIndex
CREATE INDEX "rejected_row_run_id_idx" ON "rejected_row"("run_id");

-- CreateIndex
CREATE INDEX "emission_territory_id_year_idx" ON "emission"("territory_id", "year");

-- CreateIndex
CREATE INDEX "emission_sector_id_gas_id_year_idx" ON "emission"("sector_id", "gas_id", "year");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_name_key" ON "api_key"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_hash_key" ON "api_key"("hash");

-- AddForeignKey
ALTER TABLE "territory" ADD CONSTRAINT "territory_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "territory"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "territory_identifier" ADD CONSTRAINT "territory_identifier_territory_id_fkey" FOREIGN KEY ("territory_id") REFERENCES "territory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "territory_ancestor" ADD CONSTRAINT "territory_ancestor_territory_id_fkey" FOREIGN KEY ("territory_id") REFERENCES "territory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "territory_ancestor" ADD CONSTRAINT "territory_ancestor_ancestor_id_fkey" FOREIGN KEY ("ancestor_id") REFERENCES "territory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_member" ADD CONSTRAINT "group_member_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "territory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_member" ADD CONSTRAINT "group_member_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "territory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "indicator" ADD CONSTRAINT "indicator_territory_id_fkey" FOREIGN KEY ("territory_id") REFERENCES "territory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sector" ADD CONSTRAINT "sector_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "sector"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "source_sector" ADD CONSTRAINT "source_sector_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "source_sector" ADD CONSTRAINT "source_sector_sector_id_fkey" FOREIGN KEY ("sector_id") REFERENCES "sector"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gwp_value" ADD CONSTRAINT "gwp_value_gas_id_fkey" FOREIGN KEY ("gas_id") REFERENCES "gas"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release" ADD CONSTRAINT "release_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release" ADD CONSTRAINT "release_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rejected_row" ADD CONSTRAINT "rejected_row_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emission" ADD CONSTRAINT "emission_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emission" ADD CONSTRAINT "emission_territory_id_fkey" FOREIGN KEY ("territory_id") REFERENCES "territory"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emission" ADD CONSTRAINT "emission_source_sector_id_fkey" FOREIGN KEY ("source_sector_id") REFERENCES "source_sector"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emission" ADD CONSTRAINT "emission_sector_id_fkey" FOREIGN KEY ("sector_id") REFERENCES "sector"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emission" ADD CONSTRAINT "emission_gas_id_fkey" FOREIGN KEY ("gas_id") REFERENCES "gas"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
