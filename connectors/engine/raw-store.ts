// The raw data lake: every raw file stored once, by SHA-256 of its content, in a local folder
// (default) or an S3 bucket (deployment: OGS_RAW_BUCKET, linked by SST).
import fs from "node:fs";
import path from "node:path";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Config } from "../../core/config.ts";

export interface RawStore {
  /** Stores the file at tmpPath under its hash; returns a local path to read it from and its lake URI. */
  put(tmpPath: string, sha256: string, ext: string): Promise<{ path: string; uri: string }>;
}

const key = (sha256: string, ext: string) => `${sha256.slice(0, 2)}/${sha256}${ext}`;

/** A folder under OGS_DATA_DIR: raw/ab/abcdef....csv */
export function localRawStore(root: string): RawStore {
  return {
    async put(tmpPath, sha256, ext) {
      const dest = path.join(root, key(sha256, ext));
      if (fs.existsSync(dest)) {
        fs.rmSync(tmpPath, { force: true });
      } else {
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.renameSync(tmpPath, dest);
      }
      return { path: dest, uri: `file://${dest}` };
    },
  };
}

/** An S3 bucket: s3://bucket/ab/abcdef....csv, uploaded once; the local copy is kept for parsing. */
export function s3RawStore(bucket: string, client = new S3Client({})): RawStore {
  return {
    async put(tmpPath, sha256, ext) {
      const Key = key(sha256, ext);
      const exists = await client.send(new HeadObjectCommand({ Bucket: bucket, Key })).then(
        () => true,
        (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
          if (e.name === "NotFound" || e.$metadata?.httpStatusCode === 404) return false;
          throw e;
        },
      );
      if (!exists) {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key,
            Body: fs.createReadStream(tmpPath),
            ContentLength: fs.statSync(tmpPath).size,
            ChecksumSHA256: Buffer.from(sha256, "hex").toString("base64"),
          }),
        );
      }
      return { path: tmpPath, uri: `s3://${bucket}/${Key}` };
    },
  };
}

/** The lake the configuration asks for. */
export function rawStoreFor(config: Config): RawStore {
  return config.rawBucket ? s3RawStore(config.rawBucket) : localRawStore(config.rawDir);
}
