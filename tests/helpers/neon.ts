// The Neon serverless driver, tested against the local PostgreSQL through a local WebSocket proxy
// (scripts/ws-proxy.ts stands in for Neon's proxy).
import ws from "ws";
import type { OpenOptions } from "../../db/client.ts";
import { startWsProxy } from "../../scripts/ws-proxy.ts";

export async function neonThroughLocalProxy(): Promise<{ options: OpenOptions; close: () => Promise<void> }> {
  const proxy = await startWsProxy(0);
  return {
    options: {
      neon: {
        webSocketConstructor: ws,
        wsProxy: (host: string, port: number | string) => `127.0.0.1:${proxy.port}/v2?address=${host}:${port}`,
        useSecureWebSocket: false,
        pipelineTLS: false,
        pipelineConnect: false,
      },
    },
    close: proxy.close,
  };
}
