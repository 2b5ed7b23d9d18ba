// Event shapes as AWS delivers them (trimmed of fields the handlers do not read).

/** Lambda Function URL, payload format 2.0 */
export function functionUrlEvent(method: string, path: string, body?: unknown, query = "") {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: query,
    headers: {
      host: "abcdefghij.lambda-url.eu-west-1.on.aws",
      "content-type": "application/json",
      accept: "application/json",
      "x-forwarded-proto": "https",
    },
    requestContext: {
      accountId: "anonymous",
      apiId: "abcdefghij",
      domainName: "abcdefghij.lambda-url.eu-west-1.on.aws",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      stage: "$default",
      time: "04/Dec/2026:17:00:00 +0000",
      timeEpoch: 1796403600000,
    },
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)).toString("base64"),
    isBase64Encoded: body !== undefined,
  };
}

/** API Gateway v2 HTTP API, payload format 2.0 */
export function apiGatewayV2Event(method: string, path: string, body?: unknown, query = "") {
  return {
    version: "2.0",
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: query,
    cookies: ["session=anon"],
    headers: { host: "api.example.org", "content-type": "application/json", accept: "application/json" },
    requestContext: {
      apiId: "api",
      domainName: "api.example.org",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      requestId: "id",
      routeKey: `${method} ${path}`,
      stage: "$default",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** EventBridge scheduled event, as a Cron delivers it */
export const scheduledEvent = {
  version: "0",
  id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2026-12-05T03:00:00Z",
  region: "eu-west-1",
  resources: ["arn:aws:events:eu-west-1:123456789012:rule/IngestGcp"],
  detail: {},
};
