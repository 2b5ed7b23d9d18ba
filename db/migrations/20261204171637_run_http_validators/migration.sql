-- AlterTable
ALTER TABLE "run" ADD COLUMN     "http_etag" TEXT,
ADD COLUMN     "http_last_modified" TEXT,
ADD COLUMN     "trigger" TEXT NOT NULL DEFAULT 'cli';
