/** One request either listener answered, for tests to assert on what a client really sent. */
export interface RecordedRequest {
  service: "api" | "metadata";
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
  status: number;
  /** The spec path template of the API route that matched, e.g. /v2/droplets/{droplet_id}. */
  template: string | undefined;
  remoteAddress: string;
  requestId: string;
}
