// A TypeScript team's first program against the API: a typed client generated from the
// published 3.1 file (openapi-typescript for the types, openapi-fetch for the calls), run under
// Node against `rstar-spec mock` (nox -s other-languages). It does what a real integration does:
// a token from POST /auth, create, list every page, get with If-None-Match (304), replace,
// delete, and a 404 read as the typed Error. Its exit code is the verdict; a failed step prints
// one line naming it. The API key comes from the environment (RSTAR_API_KEY), never from argv.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Client = components["schemas"]["Client"];
type ClientInput = components["schemas"]["ClientInput"];
type ApiError = components["schemas"]["Error"];

function fromEnvironment(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`set ${name}`);
    process.exit(2);
  }
  return value;
}

const baseUrl = fromEnvironment("RSTAR_BASE_URL");
const apiKey = fromEnvironment("RSTAR_API_KEY");

function fail(step: string, detail: string): never {
  console.error(`FAIL ${step}: ${detail}`);
  process.exit(1);
}

function check(condition: boolean, step: string, detail: () => string): asserts condition {
  if (!condition) fail(step, detail());
}

// An error body is the API's Error: code (an open list of strings), message, and field errors.
function describe(error: ApiError | undefined): string {
  if (error === undefined) return "no error body";
  const fields = (error.errors ?? []).map((e) => `${e.field}: ${e.message}`).join("; ");
  return `${error.code}: ${error.message}${fields ? ` (${fields})` : ""}`;
}

async function main(): Promise<void> {
  const anonymous = createClient<paths>({ baseUrl });
  const auth = await anonymous.POST("/auth", { body: { grant_type: "api_key", api_key: apiKey } });
  check(auth.response.status === 200 && auth.data !== undefined, "token", () => `${auth.response.status} ${describe(auth.error)}`);
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${auth.data.token}` } });

  const input: ClientInput = { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com" };
  const created = await api.POST("/clients", { body: input });
  check(created.response.status === 201 && created.data !== undefined, "create", () => `${created.response.status} ${describe(created.error)}`);
  const client: Client = created.data;
  const location = created.response.headers.get("Location");
  check(location !== null, "create", () => "no Location header");
  // Location may be relative or absolute: either way it names the new client.
  const named = new URL(location, created.response.url).pathname;
  const expected = new URL(`${baseUrl}/clients/${client.id}`).pathname;
  check(named === expected, "create", () => `Location names ${named}, the new client is ${expected}`);

  const seen = new Set<number>();
  let offset = 0;
  let total = -1;
  for (let pages = 0; ; pages++) {
    check(pages < 1000, "list", () => "more than 1,000 pages: the offset does not move");
    const page = await api.GET("/clients", { params: { query: { offset, limit: 7 } } });
    check(page.data !== undefined, "list", () => `${page.response.status} ${describe(page.error)}`);
    total = page.data.total;
    for (const item of page.data.data) {
      check(!seen.has(item.id), "list", () => `client ${item.id} is on two pages`);
      seen.add(item.id);
    }
    offset += page.data.data.length;
    if (page.data.data.length === 0 || offset >= total) break;
  }
  check(seen.size === total, "list", () => `${seen.size} clients on the pages, total says ${total}`);
  check(seen.has(client.id), "list", () => `the new client ${client.id} is on no page`);

  const path = { client_id: client.id };
  const got = await api.GET("/clients/{client_id}", { params: { path } });
  check(got.data !== undefined && got.data.id === client.id, "get", () => `${got.response.status} ${describe(got.error)}`);
  const etag = got.response.headers.get("ETag");
  check(etag !== null, "get", () => "no ETag on a 200 of GET /clients/{client_id}");
  const again = await api.GET("/clients/{client_id}", { params: { path, header: { "If-None-Match": etag } } });
  check(again.response.status === 304, "get with If-None-Match", () => `${again.response.status}, not 304`);

  const replacement: ClientInput = { first_name: "Augusta Ada", last_name: "King" };
  const replaced = await api.PUT("/clients/{client_id}", { params: { path }, body: replacement });
  check(replaced.data !== undefined, "replace", () => `${replaced.response.status} ${describe(replaced.error)}`);
  check(replaced.data.first_name === "Augusta Ada" && replaced.data.last_name === "King", "replace", () => JSON.stringify(replaced.data));
  check(replaced.data.email === undefined, "replace", () => "PUT kept the email it was not sent: it merged instead of replacing");

  const deleted = await api.DELETE("/clients/{client_id}", { params: { path } });
  check(deleted.response.status === 204, "delete", () => `${deleted.response.status} ${describe(deleted.error)}`);

  const gone = await api.GET("/clients/{client_id}", { params: { path } });
  check(gone.response.status === 404, "404", () => `${gone.response.status} after the delete`);
  const error: ApiError | undefined = gone.error;
  check(error !== undefined && error.code === "not_found", "404", () => `the error body is ${describe(error)}`);

  console.log(`ok: token, create (${client.id}), ${total} clients listed, 304, replace, delete, 404 ${error.code}`);
}

main().catch((exc: unknown) => fail("unexpected", exc instanceof Error ? exc.message : String(exc)));
