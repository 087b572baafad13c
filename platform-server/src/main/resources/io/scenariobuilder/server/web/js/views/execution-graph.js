// One execution's graph as SVG: nodes in columns by the DAG's layers (longest path from a start node), connections as
// edges, error connections dashed and labelled, conditional ones dotted with their condition as a tooltip. A node is a
// button: click, Enter or Space selects it.
import { html } from '../../vendor/htm-preact-standalone.module.js';

const NODE_W = 170;
const NODE_H = 54;
const GAP_X = 70;
const GAP_Y = 24;

export function layout(scenario) {
  const ids = scenario.nodes.map((n) => n.id);
  const incoming = new Map(ids.map((id) => [id, []]));
  for (const c of scenario.connections ?? []) {
    incoming.get(c.toNodeId)?.push(c.fromNodeId);
  }
  const layer = new Map();
  const visit = (id, seen = new Set()) => {
    if (layer.has(id)) {
      return layer.get(id);
    }
    if (seen.has(id)) {
      return 0; // a cycle cannot be saved; stay safe anyway
    }
    seen.add(id);
    const from = incoming.get(id) ?? [];
    const value = from.length === 0 ? 0 : 1 + Math.max(...from.map((p) => visit(p, seen)));
    layer.set(id, value);
    return value;
  };
  ids.forEach((id) => visit(id));
  const columns = [];
  for (const id of ids) {
    const l = layer.get(id);
    (columns[l] ??= []).push(id);
  }
  const positions = new Map();
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  columns.forEach((column, x) => {
    const offset = ((tallest - column.length) * (NODE_H + GAP_Y)) / 2;
    column.forEach((id, y) => positions.set(id, { x: 10 + x * (NODE_W + GAP_X), y: 10 + offset + y * (NODE_H + GAP_Y) }));
  });
  return {
    positions,
    width: 20 + columns.length * (NODE_W + GAP_X) - GAP_X,
    height: 20 + tallest * (NODE_H + GAP_Y) - GAP_Y,
  };
}

const ICONS = { completed: '✓', failed: '✗', running: '◐', waiting_retry: '↻', skipped: '–', cancelled: '⊘', pending: '○' };

export function ExecutionGraph({ scenario, records, selected, onSelect }) {
  const { positions, width, height } = layout(scenario);
  const status = (id) => records.get(id)?.status ?? 'pending';
  const edges = (scenario.connections ?? []).map((c, i) => {
    const from = positions.get(c.fromNodeId);
    const to = positions.get(c.toNodeId);
    if (!from || !to) {
      return null;
    }
    const x1 = from.x + NODE_W;
    const y1 = from.y + NODE_H / 2;
    const x2 = to.x;
    const y2 = to.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    const kind = c.on === 'error' ? 'error' : c.condition ? 'conditional' : 'normal';
    return html`<g class=${`edge edge-${kind}`} key=${`e${i}`}>
      <title>${c.fromNodeId} → ${c.toNodeId}${c.on === 'error' ? ' (on error)' : ''}${c.condition ? `: ${c.condition}` : ''}</title>
      <path d=${`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 6},${y2}`} marker-end="url(#arrow)" />
      ${kind !== 'normal' ? html`<text x=${mid} y=${(y1 + y2) / 2 - 6} text-anchor="middle">${kind === 'error' ? 'on error' : 'if …'}</text>` : null}
    </g>`;
  });
  const nodes = scenario.nodes.map((n) => {
    const p = positions.get(n.id);
    const s = status(n.id);
    const attempts = records.get(n.id)?.attempts ?? 0;
    const select = () => onSelect(n.id);
    return html`<g class=${`node node-${s}${selected === n.id ? ' selected' : ''}`} key=${n.id} role="button" tabindex="0"
        data-testid=${`node-${n.id}`} data-state=${s} transform=${`translate(${p.x},${p.y})`}
        aria-label=${`node ${n.id}, ${n.integrationId}.${n.actionId}, ${s.replace('_', ' ')}${attempts > 1 ? `, ${attempts} attempts` : ''}`}
        aria-pressed=${selected === n.id} onClick=${select}
        onKeyDown=${(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), select())}>
      <rect width=${NODE_W} height=${NODE_H} rx="8" />
      <text x="10" y="20" class="node-id">${n.id}</text>
      <text x="10" y="38" class="node-action">${n.integrationId}.${n.actionId}</text>
      <text x=${NODE_W - 10} y="20" text-anchor="end" class="node-icon" aria-hidden="true">${ICONS[s] ?? '?'}</text>
      <text x=${NODE_W - 10} y="38" text-anchor="end" class="node-status">${s.replace('_', ' ')}${attempts > 1 ? ` ×${attempts}` : ''}</text>
    </g>`;
  });
  return html`<div class="graph-scroll"><svg class="graph" viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height}
      role="group" aria-label="the scenario's nodes and connections">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z" /></marker></defs>
    ${edges}${nodes}
  </svg></div>`;
}
