// The GraphQL API as a Lambda handler (Function URL or API Gateway v2).
import { yoga } from "../graphql/yoga.ts";
import { fromResponse, type HttpEvent, toRequest } from "../server/lambda-http.ts";
import { database } from "./runtime.ts";

export async function handler(event: HttpEvent) {
  await database();
  return fromResponse(await yoga.fetch(toRequest(event)));
}
