// The raw data lake: every raw file stored once, by SHA-256 of its content.
import fs from "node:fs";
import path from "node:path";

export interface RawStore {
  /** Stores the file at tmpPath under its hash (moving it); returns the local path and the lake URI. */
  put(tmpPath: string, sha256: string, ext: string): Promise<{ path: string; uri: string }>;
}

/** A folder under OGS_DATA_DIR: raw/ab/abcdef....csv */
export function localRawStore(root: string): RawStore {
  return {
    async put(tmpPath, sha256, ext) {
      const dest = path.join(root, sha256.slice(0, 2), `${sha256}${ext}`);
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
