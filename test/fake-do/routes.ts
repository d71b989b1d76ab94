import { regionSlugs } from "./catalog.js";
import { notFound, type JsonObject } from "./http-util.js";
import { pageRequest, paginate } from "./pagination.js";
import { accountJson, actionJson, dropletJson, ipv4AsInteger, regionJson, reservedIpJson, tagJson } from "./represent.js";
import type { ReservedIpActionRunner } from "./reserved-ip-actions.js";
import type { World } from "./world.js";

// The /v2 endpoints the fake serves, one entry each, named by the spec's path template so the
// request log and the OpenAPI tests speak the same language.

export interface RouteContext {
  world: World;
  actions: ReservedIpActionRunner;
  /** The request URL made absolute with the origin the client used. */
  url: URL;
  origin: string;
  params: string[];
  body: unknown;
}

export interface RouteResult {
  status: number;
  body: JsonObject;
}

export interface Route {
  method: "GET" | "POST";
  template: string;
  handle: (ctx: RouteContext) => RouteResult;
}

const ok = (body: JsonObject): RouteResult => ({ status: 200, body });

function param(ctx: RouteContext, i: number): string {
  return ctx.params[i] ?? "";
}

/** Path ids are integers; anything else names no resource, which DigitalOcean answers with 404. */
function intParam(ctx: RouteContext, i: number): number {
  const raw = param(ctx, i);
  if (!/^\d{1,15}$/.test(raw)) throw notFound();
  return Number(raw);
}

function reservedIpOr404(ctx: RouteContext) {
  const r = ctx.world.reservedIps.get(param(ctx, 0));
  if (!r) throw notFound();
  return r;
}

function actionOr404(ctx: RouteContext, i: number) {
  const a = ctx.world.actions.get(intParam(ctx, i));
  if (!a) throw notFound();
  return a;
}

export const ROUTES: readonly Route[] = [
  {
    method: "GET",
    template: "/v2/droplets",
    handle: (ctx) => {
      const q = ctx.url.searchParams;
      // GPU droplets are listed only with type=gpus, and the fake has none.
      const all =
        q.get("type") === "gpus"
          ? []
          : ctx.world.listDroplets({ tagName: q.get("tag_name") ?? undefined, name: q.get("name") ?? undefined });
      const page = paginate(all, ctx.url, pageRequest(q));
      return ok({ droplets: page.items.map(dropletJson), links: page.links, meta: page.meta });
    },
  },
  {
    method: "GET",
    template: "/v2/droplets/{droplet_id}",
    handle: (ctx) => {
      const d = ctx.world.droplets.get(intParam(ctx, 0));
      if (!d) throw notFound();
      return ok({ droplet: dropletJson(d) });
    },
  },
  {
    method: "GET",
    template: "/v2/tags",
    handle: (ctx) => {
      const page = paginate(ctx.world.listTags(), ctx.url, pageRequest(ctx.url.searchParams));
      const tags = page.items.map((t) => tagJson(t.name, t.droplets, ctx.origin));
      return ok({ tags, links: page.links, meta: page.meta });
    },
  },
  {
    method: "GET",
    template: "/v2/tags/{tag_id}",
    handle: (ctx) => {
      const tag = ctx.world.listTags().find((t) => t.name === param(ctx, 0));
      if (!tag) throw notFound();
      return ok({ tag: tagJson(tag.name, tag.droplets, ctx.origin) });
    },
  },
  {
    method: "GET",
    template: "/v2/account",
    handle: (ctx) => ok({ account: accountJson(ctx.world.account) }),
  },
  {
    method: "GET",
    template: "/v2/regions",
    handle: (ctx) => {
      const page = paginate(regionSlugs(), ctx.url, pageRequest(ctx.url.searchParams));
      return ok({ regions: page.items.map(regionJson), links: page.links, meta: page.meta });
    },
  },
  {
    method: "GET",
    template: "/v2/reserved_ips",
    handle: (ctx) => {
      const all = [...ctx.world.reservedIps.values()].sort((a, b) => ipv4AsInteger(a.ip) - ipv4AsInteger(b.ip));
      const page = paginate(all, ctx.url, pageRequest(ctx.url.searchParams));
      const reserved_ips = page.items.map((r) => reservedIpJson(r, ctx.world));
      return ok({ reserved_ips, links: page.links, meta: page.meta });
    },
  },
  {
    method: "GET",
    template: "/v2/reserved_ips/{reserved_ip}",
    handle: (ctx) => ok({ reserved_ip: reservedIpJson(reservedIpOr404(ctx), ctx.world) }),
  },
  {
    method: "GET",
    template: "/v2/reserved_ips/{reserved_ip}/actions",
    handle: (ctx) => {
      const r = reservedIpOr404(ctx);
      const page = paginate(ctx.world.actionsOf(r.ip), ctx.url, pageRequest(ctx.url.searchParams));
      return ok({ actions: page.items.map(actionJson), links: page.links, meta: page.meta });
    },
  },
  {
    method: "POST",
    template: "/v2/reserved_ips/{reserved_ip}/actions",
    handle: (ctx) => {
      const action = ctx.actions.start(param(ctx, 0), ctx.body);
      return { status: 201, body: { action: actionJson(action) } };
    },
  },
  {
    method: "GET",
    template: "/v2/reserved_ips/{reserved_ip}/actions/{action_id}",
    handle: (ctx) => {
      const r = reservedIpOr404(ctx);
      const a = actionOr404(ctx, 1);
      if (a.ip !== r.ip) throw notFound();
      return ok({ action: actionJson(a) });
    },
  },
  {
    method: "GET",
    template: "/v2/actions",
    handle: (ctx) => {
      const all = [...ctx.world.actions.values()].sort((a, b) => b.id - a.id);
      const page = paginate(all, ctx.url, pageRequest(ctx.url.searchParams));
      return ok({ actions: page.items.map(actionJson), links: page.links, meta: page.meta });
    },
  },
  {
    method: "GET",
    template: "/v2/actions/{action_id}",
    handle: (ctx) => ok({ action: actionJson(actionOr404(ctx, 0)) }),
  },
];

const COMPILED = ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.template.replace(/\{[a-z_]+\}/g, "([^/]+)")}/?$`),
}));

/** Finds the route for a request; path parameters come back URL-decoded, in template order. */
export function matchRoute(method: string, pathname: string): { route: Route; params: string[] } | undefined {
  // HEAD is GET without the body (node:http drops it), as DigitalOcean documents.
  const wanted = method === "HEAD" ? "GET" : method;
  for (const { route, pattern } of COMPILED) {
    if (route.method !== wanted) continue;
    const m = pattern.exec(pathname);
    if (!m) continue;
    try {
      return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
    } catch {
      return undefined; // malformed percent-encoding names nothing
    }
  }
  return undefined;
}
