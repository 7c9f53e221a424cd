// Shared pieces of the grid-event pages: the category catalogue (大类 and
// 小类) in the current language, the handling units, the nodes where the
// user reads the board, the words for states, sources, stages and
// actions, the badges of state and deadline (never colour alone), and the
// map of events over grid polygons drawn with ECharts (no online tiles).
import { api } from './api.js';
import { h } from './dom.js';
import { t, tOr, language, formatDateTime } from './i18n.js';
import { currentUser } from './session.js';

export const STATES = ['reported', 'registered', 'dispatched', 'accepted', 'handled', 'closed', 'cancelled', 'parked', 'merged'];
export const OPEN_STATES = ['reported', 'registered', 'dispatched', 'accepted', 'handled'];
export const SOURCES = ['patrol', 'resident', 'hotline', 'instruction', 'self', 'open311'];
export const DEADLINES = ['red', 'yellow', 'green', 'none'];
// A shape for each deadline colour, so that the map does not rely on colour alone.
const DEADLINE_GLYPH = { green: '●', yellow: '▲', red: '◆', none: '○' };
const DEADLINE_SYMBOL = { green: 'circle', yellow: 'triangle', red: 'diamond', none: 'emptyCircle' };
const DEADLINE_COLOUR = { green: '#1d7a4a', yellow: '#c98a00', red: '#c0261b', none: '#6b7b8f' };

export function stateLabel(s) {
  return tOr(`ev.state.${s}`, s);
}

export function sourceLabel(s) {
  return tOr(`ev.source.${s}`, s);
}

export function actionLabel(a) {
  return tOr(`ev.action.${a}`, a);
}

export function stageLabel(s) {
  return tOr(`ev.stage.${s}`, s);
}

export function stateBadge(s) {
  return h('span', { class: ['badge', 'badge-state', `badge-state-${s}`] }, stateLabel(s));
}

/* Green, yellow or red with a shape and words; the due time as a tooltip and for screen readers. */
export function deadlineBadge(ev, withDue = false) {
  const d = ev.deadline || 'none';
  if (d === 'none') return null;
  const due = ev.due_at ? t('ev.dueAt', { at: formatDateTime(ev.due_at) }) : '';
  return h('span', { class: ['badge', 'badge-deadline', `badge-deadline-${d}`], title: due || null },
    h('span', { class: 'glyph', 'aria-hidden': 'true' }, DEADLINE_GLYPH[d]),
    tOr(`ev.deadline.${d}`, d),
    withDue && due ? h('span', { class: 'badge-extra' }, ` · ${due}`) : h('span', { class: 'sr-only' }, due ? `, ${due}` : ''));
}

export function eventHref(id) {
  return `#/events/${id}`;
}

/* ---------- categories ---------- */

let catalogue = null; // promise of {byCode, parents, children}

/* The catalogue once per page load: {byCode: Map, parents: [...], children: code → [...]}. */
export function categories() {
  if (!catalogue) {
    catalogue = api('GET', '/event-categories').then((res) => {
      const byCode = new Map(res.items.map((c) => [c.code, c]));
      const parents = res.items.filter((c) => !c.parent_code && c.active);
      const children = new Map(parents.map((p) => [p.code, []]));
      for (const c of res.items) if (c.parent_code && c.active && children.has(c.parent_code)) children.get(c.parent_code).push(c);
      return { byCode, parents, children };
    });
    catalogue.catch(() => { catalogue = null; });
  }
  return catalogue;
}

export function categoryName(c) {
  if (!c) return '';
  return language() === 'en' && c.name_en ? c.name_en : c.name;
}

/* "市容环境 › 暴露垃圾" in the current language; the server's name when the catalogue is not at hand. */
export function categoryPath(cat, code, fallback) {
  const c = cat && cat.byCode.get(code);
  if (!c) return fallback || code;
  const parent = c.parent_code ? cat.byCode.get(c.parent_code) : null;
  return parent ? `${categoryName(parent)} › ${categoryName(c)}` : categoryName(c);
}

/* ---------- handling units ---------- */

let unitCache = null; // {userId, promise}

/* The handling units with `member` for the signed-in user, once per account and page load. */
export function units(fresh = false) {
  const u = currentUser();
  if (fresh || !unitCache || unitCache.userId !== u.id) {
    const promise = api('GET', '/handling-units').then((res) => res.items);
    unitCache = { userId: u.id, promise };
    promise.catch(() => { unitCache = null; });
  }
  return unitCache.promise;
}

export function unitName(u) {
  if (!u) return '';
  return language() === 'en' && u.name_en ? u.name_en : u.name;
}

/* ---------- where the user works ---------- */

const nodesCache = new Map(); // perm → {userId, promise}

/* The nodes where the user holds a role with perm (from the role catalogue); a node inside another is left out. */
export function nodesWith(perm) {
  const u = currentUser();
  const cached = nodesCache.get(perm);
  if (cached && cached.userId === u.id) return cached.promise;
  const promise = api('GET', '/roles').then((cat) => {
    const holders = new Set(cat.items.filter((r) => r.permissions.includes(perm)).map((r) => r.role));
    const nodes = [];
    for (const g of u.roles) {
      if (!holders.has(g.role) || !g.org_id || nodes.some((n) => n.id === g.org_id)) continue;
      nodes.push({ id: g.org_id, name: g.org_name, level: g.org_level, code: g.org_code });
    }
    return nodes.filter((n) => !nodes.some((m) => m !== n && n.code.startsWith(m.code)));
  });
  nodesCache.set(perm, { userId: u.id, promise });
  promise.catch(() => nodesCache.delete(perm));
  return promise;
}

/* The nodes of the board. */
export function boardNodes() {
  return nodesWith('event.read');
}

/* ---------- grid polygons ---------- */

// Grid boundaries change rarely: keep them for the page load, by community (or grid) code.
const shapes = new Map(); // code → promise of [Feature]

async function orgByCode(code) {
  const page = await api('GET', '/orgs', { query: { code, limit: 1 } });
  return page.items[0] || null;
}

/* The grids of a community as GeoJSON features, or [] when it cannot be read. */
function communityGrids(code) {
  if (!shapes.has(code)) {
    // A community outside the user's reach is not found: null, so that its grids are tried one by one.
    shapes.set(code, orgByCode(code)
      .then((n) => (n ? api('GET', `/orgs/${n.id}/children/boundaries`) : null))
      .then((fc) => (fc ? fc.features || [] : null))
      .catch((err) => {
        if (err.status === 401) throw err;
        return null; // outside the user's reach: try the grids one by one
      }));
  }
  return shapes.get(code);
}

function gridShape(code) {
  if (!shapes.has(code)) {
    shapes.set(code, orgByCode(code)
      .then((n) => (n && n.has_boundary
        ? api('GET', `/orgs/${n.id}/boundary`).then((g) => [{ type: 'Feature', geometry: g, properties: { code, name: n.name } }])
        : []))
      .catch((err) => {
        if (err.status === 401) throw err;
        return [];
      }));
  }
  return shapes.get(code);
}

/*
 * The polygons of the grids where the events lie: the grids of each
 * community (a grid worker, who cannot read the community, gets their
 * grid alone). At most `max` communities, those with the most events first.
 */
export async function gridFeatures(items, max = 16) {
  const counts = new Map();
  for (const e of items) {
    const c = e.code.slice(0, 12);
    counts.set(c, (counts.get(c) || 0) + 1);
  }
  const communities = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a)).slice(0, max);
  const lists = await Promise.all(communities.map(async (c) => {
    const grids = await communityGrids(c);
    if (grids) return grids;
    const own = [...new Set(items.filter((e) => e.code.startsWith(c)).map((e) => e.code))].slice(0, 8);
    return (await Promise.all(own.map(gridShape))).flat();
  }));
  const seen = new Set();
  const features = [];
  for (const f of lists.flat()) {
    const code = f.properties && f.properties.code;
    if (!f.geometry || seen.has(code)) continue;
    seen.add(code);
    features.push({ type: 'Feature', geometry: f.geometry, properties: { name: f.properties.name, code } });
  }
  return features;
}

/*
 * The grids of nodes at grid or community level (where residents, grid
 * and community workers report), as GeoJSON features.
 */
export async function areaFeatures(nodes) {
  const quiet = (err) => {
    if (err.status === 401) throw err;
    return [];
  };
  const lists = await Promise.all(nodes.map((n) => (n.level === 'grid'
    ? api('GET', `/orgs/${n.id}/boundary`).then((g) => [{ geometry: g, properties: { name: n.name, code: n.code } }]).catch(quiet)
    : api('GET', `/orgs/${n.id}/children/boundaries`).then((fc) => fc.features || []).catch(quiet))));
  return lists.flat().filter((f) => f.geometry)
    .map((f) => ({ type: 'Feature', geometry: f.geometry, properties: { name: f.properties.name, code: f.properties.code } }));
}

/* The aspect of a map around the middle latitude of its features (a degree of longitude is shorter than one of latitude). */
export function aspectOf(features) {
  const lats = features.flatMap((f) => ringsOf(f.geometry).flat().map((p) => p[1]));
  const mid = lats.length ? (Math.min(...lats) + Math.max(...lats)) / 2 : 30;
  return Math.cos((mid * Math.PI) / 180);
}

/* ---------- the map ---------- */

/* Counts per deadline colour, for the map's text alternative. */
export function deadlineCounts(items) {
  const n = { red: 0, yellow: 0, green: 0, none: 0 };
  for (const e of items) n[e.deadline in n ? e.deadline : 'none'] += 1;
  return n;
}

/*
 * Draws events (with lat/lon) as points coloured and shaped by deadline
 * over the grid polygons, in el; a click on a point opens the event.
 * Returns the chart (the caller disposes of it).
 */
export function drawEventMap(echarts, el, features, items, opts = {}) {
  const located = items.filter((e) => Number.isFinite(e.lat) && Number.isFinite(e.lon));
  const lats = [...features.flatMap((f) => ringsOf(f.geometry).flat().map((p) => p[1])), ...located.map((e) => e.lat)];
  const mid = lats.length ? (Math.min(...lats) + Math.max(...lats)) / 2 : 30;
  const mapName = `grassroots-events-${opts.name || 'map'}`;
  echarts.registerMap(mapName, { type: 'FeatureCollection', features });
  const chart = echarts.init(el, null, { renderer: 'canvas', locale: language() === 'en' ? 'EN' : 'ZH' });
  const font = getComputedStyle(document.body).fontFamily;
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: font },
    // The container's own label counts the events by deadline; ECharts' generated one would
    // replace it with a list of coordinates.
    aria: { enabled: false },
    // Tooltips as rich text on the canvas: the HTML ones would need inline styles, which the CSP forbids.
    tooltip: { renderMode: 'richText', confine: true, trigger: 'item' },
    legend: { bottom: 0, itemWidth: 14, itemHeight: 12, data: DEADLINES.map((d) => tOr(`ev.deadline.${d}`, d)) },
    geo: {
      map: mapName,
      roam: true,
      aspectScale: Math.cos((mid * Math.PI) / 180),
      // The box the map is fitted into (keeping its proportions), above the legend.
      top: 8,
      bottom: 40,
      left: 8,
      right: 8,
      label: { show: features.length <= 12, fontSize: 11, color: '#3d4b5c' },
      itemStyle: { areaColor: '#e6eef7', borderColor: '#1f4e8c', borderWidth: 1 },
      emphasis: { label: { show: true }, itemStyle: { areaColor: '#d3e1f2' } },
      select: { disabled: true },
      tooltip: { show: true, formatter: '{b}' },
    },
    series: DEADLINES.map((d) => ({
      type: 'scatter',
      coordinateSystem: 'geo',
      name: tOr(`ev.deadline.${d}`, d),
      symbol: DEADLINE_SYMBOL[d],
      symbolSize: d === 'none' ? 11 : 15,
      itemStyle: { color: DEADLINE_COLOUR[d], borderColor: '#fff', borderWidth: 1.5 },
      emphasis: { scale: 1.4 },
      cursor: 'pointer',
      tooltip: { formatter: (p) => `#${p.data.id} ${p.data.title}\n${p.data.state}` },
      data: located.filter((e) => (e.deadline || 'none') === d).map((e) => ({
        id: e.id, title: e.title, state: stateLabel(e.state), name: `#${e.id}`, value: [e.lon, e.lat],
      })),
    })),
  });
  chart.on('click', (p) => {
    if (p.componentType === 'series' && p.data && p.data.id) location.hash = eventHref(p.data.id);
  });
  return chart;
}

function ringsOf(g) {
  if (!g) return [];
  if (g.type === 'Polygon') return g.coordinates;
  if (g.type === 'MultiPolygon') return g.coordinates.flat();
  return [];
}

