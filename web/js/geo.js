// Grid maps drawn as SVG from GeoJSON, without online tiles: the lon/lat
// box of the shapes is scaled to fit (longitude shrunk by cos(latitude) so
// shapes keep their proportions), each shape a path with its label.
import { s } from './dom.js';

const WIDTH = 1000;

function polygonsOf(geometry) {
  if (!geometry || !Array.isArray(geometry.coordinates)) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

function isPosition(p) {
  return Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

/* Signed area and centroid of a ring in projected coordinates. */
function ringCentroid(pts) {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const f = pts[j][0] * pts[i][1] - pts[i][0] * pts[j][1];
    a += f;
    cx += (pts[j][0] + pts[i][0]) * f;
    cy += (pts[j][1] + pts[i][1]) * f;
  }
  if (Math.abs(a) < 1e-9) {
    const n = pts.length || 1;
    return { area: 0, x: pts.reduce((m, p) => m + p[0], 0) / n, y: pts.reduce((m, p) => m + p[1], 0) / n };
  }
  return { area: Math.abs(a / 2), x: cx / (3 * a), y: cy / (3 * a) };
}

/*
 * Parses pasted GeoJSON into a {type, coordinates} geometry: accepts a
 * Polygon or MultiPolygon, a Feature holding one, or a FeatureCollection
 * with exactly one feature. Returns null when the text is not that.
 */
export function parseGeometry(text) {
  let g;
  try {
    g = JSON.parse(text);
  } catch {
    return null;
  }
  if (g && g.type === 'FeatureCollection' && Array.isArray(g.features) && g.features.length === 1) g = g.features[0];
  if (g && g.type === 'Feature') g = g.geometry;
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || !Array.isArray(g.coordinates)) return null;
  const ok = polygonsOf(g).every((poly) => Array.isArray(poly) && poly.length > 0 &&
    poly.every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.every(isPosition)));
  return ok ? { type: g.type, coordinates: g.coordinates } : null;
}

/*
 * shapes: [{geometry, label, href, title}] → an <svg> element, or null when
 * no shape has coordinates. opts.ariaLabel names the map.
 */
export function drawMap(shapes, opts = {}) {
  const all = [];
  for (const sh of shapes) for (const poly of polygonsOf(sh.geometry)) for (const ring of poly) for (const p of ring) if (isPosition(p)) all.push(p);
  if (!all.length) return null;
  let minX = Infinity; let maxX = -Infinity; let minY = Infinity; let maxY = -Infinity;
  for (const [x, y] of all) {
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxX - minX) * kx, 1e-7);
  const spanY = Math.max(maxY - minY, 1e-7);
  // Keep very flat or very tall boxes readable: at most square portrait, 3:1 landscape.
  const pad = 0.06;
  const inner = WIDTH * (1 - 2 * pad);
  const scale = Math.min(inner / spanX, inner / spanY);
  const height = Math.max(spanY * scale + WIDTH * 2 * pad, WIDTH / 3);
  const offX = (WIDTH - spanX * scale) / 2;
  const offY = (height - spanY * scale) / 2;
  const project = ([x, y]) => [offX + (x - minX) * kx * scale, offY + (maxY - y) * scale];

  const shapesEls = shapes.map((sh, i) => {
    const polys = polygonsOf(sh.geometry);
    let d = '';
    let best = null;
    for (const poly of polys) {
      poly.forEach((ring, k) => {
        const pts = ring.filter(isPosition).map(project);
        if (!pts.length) return;
        d += `M${pts.map((p) => `${p[0].toFixed(1)} ${p[1].toFixed(1)}`).join('L')}Z`;
        if (k === 0) {
          const c = ringCentroid(pts);
          const xs = pts.map((p) => p[0]);
          c.width = Math.max(...xs) - Math.min(...xs);
          if (!best || c.area > best.area) best = c;
        }
      });
    }
    if (!d) return null;
    // Fit the label into its shape's width: CJK characters are about 1 em wide.
    const fontSize = best && sh.label
      ? Math.round(Math.max(16, Math.min(48, (best.width * 0.85) / Math.max(2, [...sh.label].length)))) : 0;
    const shape = [
      s('path', { d, class: `map-shape map-zone-${i % 6}`, 'fill-rule': 'evenodd', 'vector-effect': 'non-scaling-stroke' }),
      sh.label && best ? s('text', { x: best.x.toFixed(1), y: best.y.toFixed(1), class: 'map-label',
        'font-size': fontSize, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, sh.label) : null,
    ];
    if (sh.href) {
      return s('a', { href: sh.href, class: 'map-link', 'aria-label': sh.title || sh.label },
        s('title', null, sh.title || sh.label), ...shape);
    }
    return s('g', null, sh.title ? s('title', null, sh.title) : null, ...shape);
  });
  return s('svg', {
    class: 'map', viewBox: `0 0 ${WIDTH} ${Math.round(height)}`,
    role: shapes.some((sh) => sh.href) ? 'group' : 'img',
    'aria-label': opts.ariaLabel || null, preserveAspectRatio: 'xMidYMid meet',
  }, s('rect', { class: 'map-bg', x: 0, y: 0, width: WIDTH, height: Math.round(height) }), ...shapesEls);
}
