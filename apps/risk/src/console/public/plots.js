// The two drawings of a case, as SVG built node by node (no map tiles, no external resources):
// the scan positions against the canteens' geofences, and who hosted whom.
import { el, svg } from './console-common.js';

const M_PER_DEG_LAT = 110_540;
const M_PER_DEG_LON_AT_EQUATOR = 111_320;

/** Scan positions (red outside, green inside) against each canteen's geofence circle, in local metres. */
export function mapPlot(points) {
  const W = 560;
  const H = 380;
  const PAD = 36;
  const lat0 = points[0].canteenLatitude;
  const lon0 = points[0].canteenLongitude;
  const kx = Math.cos((lat0 * Math.PI) / 180) * M_PER_DEG_LON_AT_EQUATOR;
  const toM = (lat, lon) => ({ x: (lon - lon0) * kx, y: (lat - lat0) * M_PER_DEG_LAT });
  const shapes = points.map((p) => ({ p, c: toM(p.canteenLatitude, p.canteenLongitude), s: toM(p.scanLatitude, p.scanLongitude), r: p.geofenceRadiusM || 0 }));
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const { c, s, r } of shapes) {
    minX = Math.min(minX, c.x - r, s.x);
    maxX = Math.max(maxX, c.x + r, s.x);
    minY = Math.min(minY, c.y - r, s.y);
    maxY = Math.max(maxY, c.y + r, s.y);
  }
  const span = Math.max(maxX - minX, maxY - minY, 100);
  const scale = Math.min((W - 2 * PAD) / span, (H - 2 * PAD) / span);
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const px = (m) => ({ x: W / 2 + (m.x - cx) * scale, y: H / 2 - (m.y - cy) * scale });
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'plot', role: 'img', 'aria-label': '扫码位置与食堂电子围栏' });
  root.append(svg('title', { text: '扫码位置与食堂电子围栏' }));
  const drawnCanteens = new Set();
  for (const { p, c, s, r } of shapes) {
    const C = px(c);
    const key = `${p.canteenLatitude},${p.canteenLongitude}`;
    if (!drawnCanteens.has(key)) {
      drawnCanteens.add(key);
      root.append(
        svg('circle', { cx: C.x, cy: C.y, r: Math.max(r * scale, 3), fill: 'rgba(29,78,216,.10)', stroke: '#1d4ed8', 'stroke-dasharray': '4 3', class: 'geofence' }),
        svg('rect', { x: C.x - 5, y: C.y - 5, width: 10, height: 10, fill: '#1d4ed8' }),
        svg('text', { x: C.x + 8, y: C.y - 8, 'font-size': 12, fill: '#1d4ed8', text: `${p.canteenName || '食堂'}（围栏 ${r || '?'} 米）` }),
      );
    }
    const S = px(s);
    const outside = p.withinGeofence === false;
    root.append(
      svg('line', { x1: C.x, y1: C.y, x2: S.x, y2: S.y, stroke: '#9ca3af', 'stroke-width': 1 }),
      svg('circle', { cx: S.x, cy: S.y, r: 6, fill: outside ? '#c8102e' : '#0a8f3c', class: outside ? 'scan outside' : 'scan inside' }),
      svg('text', { x: S.x + 8, y: S.y + 14, 'font-size': 12, fill: outside ? '#c8102e' : '#0a8f3c', text: `扫码位置 ${p.distanceMeters != null ? Math.round(p.distanceMeters) + ' 米' : ''}` }),
    );
  }
  // scale bar: a round number of metres near a quarter of the width
  const target = (W / 4) / scale;
  const step = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000].find((v) => v >= target) || 100000;
  const len = step * scale;
  root.append(
    svg('line', { x1: PAD, y1: H - 14, x2: PAD + len, y2: H - 14, stroke: '#111827', 'stroke-width': 2 }),
    svg('text', { x: PAD, y: H - 20, 'font-size': 11, text: step >= 1000 ? `${step / 1000} 公里` : `${step} 米` }),
  );
  return root;
}

/** Units on a circle, an arrow for each reception from host to guest, labelled with its date. */
export function hostGraph(graph) {
  const W = 560;
  const H = 400;
  const R = 140;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'plot', role: 'img', 'aria-label': '接待关系图' });
  root.append(
    svg('title', { text: '接待关系图（箭头：接待方 → 被接待方）' }),
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#a855f7' }))),
  );
  const n = graph.nodes.length;
  const pos = new Map(graph.nodes.map((node, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(n, 1);
    return [node.id, { x: W / 2 + R * Math.cos(angle), y: H / 2 + R * Math.sin(angle) }];
  }));
  const NODE_R = 26;
  graph.edges.forEach((e, i) => {
    const a = pos.get(e.host);
    const b = pos.get(e.guest);
    if (!a || !b) return;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    // curve to the right of the direction of travel, so A→B and B→A do not overlap; several records fan out
    const bend = 70 + 18 * graph.edges.slice(0, i).filter((x) => x.host === e.host && x.guest === e.guest).length;
    const mx = (a.x + b.x) / 2 - (dy / len) * bend;
    const my = (a.y + b.y) / 2 + (dx / len) * bend;
    const start = { x: a.x + (dx / len) * NODE_R, y: a.y + (dy / len) * NODE_R };
    const end = { x: b.x - (dx / len) * NODE_R, y: b.y - (dy / len) * NODE_R };
    root.append(
      svg('path', { d: `M ${start.x} ${start.y} Q ${mx} ${my} ${end.x} ${end.y}`, fill: 'none', stroke: '#a855f7', 'stroke-width': 2, 'marker-end': 'url(#arrow)', class: 'edge', 'data-host': e.host, 'data-guest': e.guest }),
      svg('text', { x: mx, y: my, 'font-size': 11, 'text-anchor': 'middle', fill: '#6b21a8', text: `${e.date || ''}${e.officialLetterRef ? '' : ' 无公函'}` }),
    );
  });
  for (const node of graph.nodes) {
    const p = pos.get(node.id);
    root.append(
      svg('circle', { cx: p.x, cy: p.y, r: NODE_R, fill: '#fff', stroke: '#6b21a8', 'stroke-width': 2, class: 'node' }),
      svg('text', { x: p.x, y: p.y + NODE_R + 16, 'font-size': 12, 'text-anchor': 'middle', text: node.name }),
    );
  }
  return root;
}

/** A small legend line under a plot. */
export function legend(text) {
  return el('p', { class: 'hint', text });
}
