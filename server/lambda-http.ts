// Adapts Lambda HTTP events (Function URL and API Gateway v2, both payload format 2.0) to the
// fetch API that graphql-yoga speaks, and the Response back.

export interface HttpEvent {
  version?: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string }; domainName?: string };
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

export function toRequest(event: HttpEvent): Request {
  const host = event.headers?.host ?? event.requestContext.domainName ?? "lambda";
  const url = `https://${host}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ""}`;
  const headers = new Headers();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers.set(k, v);
  if (event.cookies?.length) headers.set("cookie", event.cookies.join("; "));
  const method = event.requestContext.http.method;
  const body =
    event.body === undefined || method === "GET" || method === "HEAD"
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, "base64")
        : event.body;
  return new Request(url, { method, headers, body });
}

export async function fromResponse(response: Response): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    headers[k.toLowerCase()] = v;
  });
  const type = response.headers.get("content-type") ?? "";
  const text = /json|text|csv|graphql|javascript|xml/.test(type) || type === "";
  const buffer = Buffer.from(await response.arrayBuffer());
  return {
    statusCode: response.status,
    headers,
    body: text ? buffer.toString("utf8") : buffer.toString("base64"),
    isBase64Encoded: !text,
  };
}
