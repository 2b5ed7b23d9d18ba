/** The Neon database URL (set with `sst secret set DatabaseUrl ...`) and the raw data lake bucket. */
export function storage() {
  const database = new sst.Secret("DatabaseUrl");
  const rawBucket = new sst.aws.Bucket("RawBucket");
  return { database, rawBucket };
}
