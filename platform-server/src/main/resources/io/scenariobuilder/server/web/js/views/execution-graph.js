// One execution's graph as SVG: nodes where the builder placed them, else in columns by the DAG's layers, connections as
// edges, error connections dashed and labelled, conditional ones dotted with their condition as a tooltip. A node is a
// button: click, Enter or Space selects it.
import { html } from '../../vendor/htm-preact-standalone.module.js';
import { NODE_H, NODE_W, positionsOf } from '../builder/model.js';

const ICONS = { completed: '✓', failed: '✗', running: '◐', waiting_retry: '↻', skipped: '–', cancelled: '⊘', pending: '○' };

export function ExecutionGraph({ scenario, records, selected, onSelect }) {
  const { positions, box } = positionsOf(scenario); // where the builder placed them, else in layers
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
  return html`<div class="graph-scroll"><svg class="graph" viewBox=${`${box.x} ${box.y} ${box.width} ${box.height}`} width=${box.width} height=${box.height}
      role="group" aria-label="the scenario's nodes and connections">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z" /></marker></defs>
    ${edges}${nodes}
  </svg></div>`;
}
