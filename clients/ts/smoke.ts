// A client written the obvious way against the generated types: it must compile under tsc --strict, and,
// run against a live server (base URL as the first argument), print what it read as one JSON line.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type Level = components["schemas"]["Level"];

const baseUrl = process.argv[2] ?? "http://127.0.0.1:8000";
const client = createClient<paths>({ baseUrl });

async function main(): Promise<void> {
  const states = await client.GET("/states", { params: { query: { sort: "-median,code", limit: 2 } } });
  if (states.error) throw new Error(states.error.error.message);
  const firstState: string | undefined = states.data.items[0]?.code;
  const projected = await client.GET("/states", { params: { query: { fields: "median", sort: "code", limit: 1 } } });
  const firstProjected: string | undefined = projected.data?.items[0]?.area_type;

  const level: Level = "mid";
  const estimate = await client.GET("/estimate", { params: { query: { level, state: "NJ", certifications: "CPC" } } });
  if (estimate.error) throw new Error(estimate.error.error.message);
  const hourlyLow: number = estimate.data.hourly.low;

  const batch = await client.POST("/estimate/batch", { body: [{ years: 4 }, { level: "entry" }] });
  if (batch.error) throw new Error(batch.error.error.message);
  const levels = batch.data.items.map((item) => item.level?.key ?? null);

  const missing = await client.GET("/states/{code}", { params: { path: { code: "ZZ" } } });
  const errorType = missing.error?.error.type;

  const csv = await client.GET("/states.csv", { params: { query: { sort: "code" } }, parseAs: "text" });
  const csvHeader = (csv.data ?? "").split("\n")[0];

  console.log(
    JSON.stringify({
      firstState,
      firstProjected,
      hourlyLow,
      levels,
      errorType,
      status: missing.response.status,
      csvHeader,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
