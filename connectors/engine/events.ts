// What happened to the published data, for the caches that must forget it: a new release after a
// run's transaction commits, or a release switched on or off by an operator. In-process only: another
// process (a Lambda running the ingestion) reaches the API's caches through their max-age instead.

export interface PublishEvent {
  source: string;
  releaseId: number;
  /** published by a run, or switched on or off (roll-back, forced release) */
  kind: "published" | "activated" | "deactivated";
}

type Listener = (event: PublishEvent) => void;

const listeners = new Set<Listener>();

/** Calls listener after every publish in this process; returns a function that stops it. */
export function onPublish(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener; a listener that throws does not stop the others, nor the run. */
export function emitPublish(event: PublishEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // a cache that fails to forget is served until its max-age: never worth failing a run
    }
  }
}
