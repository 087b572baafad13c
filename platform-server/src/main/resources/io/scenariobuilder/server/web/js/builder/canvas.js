// The builder's canvas (SVG). Drag a node to move it; drag from a node's output (the dot on its right) onto another
// node to connect them; drag the background to pan; the wheel or the +/− buttons zoom, "Fit" shows everything. Nodes
// and connections are buttons: Tab reaches them, Enter selects, the arrow keys move a selected node. During a test run
// each node shows its state. Problems the server found are marked on the node or the connection they name.
import { html, useRef, useState } from '../../vendor/htm-preact-standalone.module.js';
import { NODE_H, NODE_W, nodeAt, positionsOf } from './model.js';

const ICONS = { completed: '✓', failed: '✗', running: '◐', waiting_retry: '↻', skipped: '–', cancelled: '⊘', pending: '○' };
const HEIGHT = 360;
const MIN_SCALE = 0.3;
const MAX_SCALE = 2.5;

/** Text cut to fit a node, with an ellipsis (the whole of it is in the node's tooltip). */
function clip(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function edgePath(from, to) {
  const x1 = from.x + NODE_W;
  const y1 = from.y + NODE_H / 2;
  const x2 = to.x;
  const y2 = to.y + NODE_H / 2;
  if (x2 < x1 + 20) { // backwards: around, below both nodes, so that it is not hidden behind them
    const low = Math.max(y1, y2) + NODE_H;
    return { d: `M${x1},${y1} C${x1 + 80},${low} ${x2 - 80},${low} ${x2 - 6},${y2}`, mx: (x1 + x2) / 2, my: low - 8 };
  }
  const bend = Math.max(40, Math.abs(x2 - x1) / 2);
  return { d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2 - 6},${y2}`, mx: (x1 + x2) / 2, my: (y1 + y2) / 2 };
}

export function Canvas({ scenario, problems, selected, onSelect, onMove, onConnect, records, readOnly }) {
  const svg = useRef(null);
  const layer = useRef(null);
  const { positions: placed, box } = positionsOf(scenario);
  const [view, setView] = useState(null); // {x, y, scale}: null fits everything
  const [gesture, setGesture] = useState(null); // {kind: 'move'|'link'|'pan', ...}
  const width = svg.current?.clientWidth || 800;
  const fit = () => {
    const scale = Math.min(1.4, Math.max(MIN_SCALE, Math.min(width / (box.width + 40), HEIGHT / (box.height + 40))));
    return { scale, x: (width - box.width * scale) / 2 - box.x * scale, y: (HEIGHT - box.height * scale) / 2 - box.y * scale };
  };
  const current = view ?? fit();

  const positions = new Map(placed);
  if (gesture?.kind === 'move' && gesture.moved) {
    positions.set(gesture.id, { x: gesture.x, y: gesture.y });
  }
  /** The point under the pointer, in the scenario's coordinates. */
  const point = (e) => {
    const p = svg.current.createSVGPoint();
    p.x = e.clientX;
    p.y = e.clientY;
    return p.matrixTransform(layer.current.getScreenCTM().inverse());
  };
  const zoom = (factor, centre = { x: width / 2, y: HEIGHT / 2 }) => {
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, current.scale * factor));
    const k = scale / current.scale;
    setView({ scale, x: centre.x - (centre.x - current.x) * k, y: centre.y - (centre.y - current.y) * k });
  };

  const down = (e) => {
    if (e.button !== 0) {
      return;
    }
    const target = e.target.closest('[data-gesture]');
    const at = point(e);
    if (target?.dataset.gesture === 'port' && !readOnly) {
      setGesture({ kind: 'link', from: target.dataset.node, x: at.x, y: at.y });
    } else if (target?.dataset.gesture === 'node') {
      const p = positions.get(target.dataset.node);
      setGesture({ kind: 'move', id: target.dataset.node, dx: at.x - p.x, dy: at.y - p.y, x: p.x, y: p.y, moved: false });
    } else {
      setGesture({ kind: 'pan', sx: e.clientX, sy: e.clientY, view: current });
    }
    svg.current.setPointerCapture(e.pointerId);
  };
  const move = (e) => {
    if (!gesture) {
      return;
    }
    if (gesture.kind === 'pan') {
      setView({ ...gesture.view, x: gesture.view.x + e.clientX - gesture.sx, y: gesture.view.y + e.clientY - gesture.sy });
      return;
    }
    const at = point(e);
    if (gesture.kind === 'link') {
      setGesture({ ...gesture, x: at.x, y: at.y });
    } else if (!readOnly) {
      const x = at.x - gesture.dx;
      const y = at.y - gesture.dy;
      const start = placed.get(gesture.id);
      const moved = gesture.moved || Math.hypot(x - start.x, y - start.y) > 3;
      setGesture({ ...gesture, x, y, moved });
    }
  };
  const up = (e) => {
    const done = gesture;
    setGesture(null);
    if (!done) {
      return;
    }
    if (done.kind === 'link') {
      const to = nodeAt(scenario, positions, point(e));
      if (to && to !== done.from) {
        onConnect(done.from, to);
      }
    } else if (done.kind === 'move') {
      if (done.moved) {
        onMove(done.id, { x: done.x, y: done.y });
      } else {
        onSelect({ node: done.id });
      }
    } else if (Math.hypot(e.clientX - done.sx, e.clientY - done.sy) < 3) {
      onSelect(null); // a click on the background
    }
  };
  const nodeKeys = (id) => (e) => {
    const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect({ node: id });
    } else if (steps[e.key] && !readOnly && selected?.node === id) {
      e.preventDefault();
      const p = positions.get(id);
      const step = e.shiftKey ? 50 : 10;
      onMove(id, { x: p.x + steps[e.key][0] * step, y: p.y + steps[e.key][1] * step });
    }
  };

  const edges = scenario.connections.map((c, i) => {
    const from = positions.get(c.fromNodeId);
    const to = positions.get(c.toNodeId);
    if (!from || !to) {
      return null;
    }
    const { d, mx, my } = edgePath(from, to);
    const issues = problems.connections[i] ?? [];
    const kind = c.on === 'error' ? 'error' : c.condition ? 'conditional' : 'normal';
    const isSelected = selected?.connection === i;
    const label = `${c.fromNodeId} to ${c.toNodeId}${c.on === 'error' ? ', on error' : ''}${c.condition ? `, if ${c.condition}` : ''}`;
    return html`<g key=${`c${i}`} class=${`edge edge-${kind}${isSelected ? ' selected' : ''}${issues.length ? ' has-problems' : ''}`}
        data-testid=${`edge-${c.fromNodeId}-${c.toNodeId}`} data-problems=${issues.length} role="button" tabindex="0"
        aria-label=${`connection ${label}${issues.length ? `: ${issues.join('; ')}` : ''}`}
        onClick=${(e) => (e.stopPropagation(), onSelect({ connection: i }))} onPointerDown=${(e) => e.stopPropagation()}
        onKeyDown=${(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onSelect({ connection: i }))}>
      <title>${label}${issues.length ? `\n${issues.join('\n')}` : ''}</title>
      <path class="edge-hit" d=${d} />
      <path class="edge-line" d=${d} marker-end="url(#builder-arrow)" />
      ${kind !== 'normal' || issues.length ? html`<text x=${mx} y=${my - 6} text-anchor="middle">${issues.length ? '⚠ ' : ''}${
        kind === 'error' ? 'on error' : kind === 'conditional' ? 'if …' : ''}</text>` : null}
    </g>`;
  });
  const nodes = scenario.nodes.map((n) => {
    const p = positions.get(n.id);
    const issues = problems.nodes[n.id] ?? [];
    const record = records?.get(n.id);
    const state = records ? record?.status ?? 'pending' : null;
    const isSelected = selected?.node === n.id;
    return html`<g key=${n.id} transform=${`translate(${p.x},${p.y})`}
        class=${`node${isSelected ? ' selected' : ''}${issues.length ? ' has-problems' : ''}${state ? ` node-${state}` : ''}`}>
      <g role="button" tabindex="0" data-gesture="node" data-node=${n.id} data-testid=${`builder-node-${n.id}`} data-problems=${issues.length}
          data-state=${state ?? undefined} aria-pressed=${isSelected}
          aria-label=${`${n.id}: ${n.integrationId} ${n.actionId}${state ? `, ${state.replace('_', ' ')}` : ''}${issues.length ? `, ${issues.length} problem(s)` : ''}`}
          onKeyDown=${nodeKeys(n.id)}>
        <rect width=${NODE_W} height=${NODE_H} rx="6" />
        <text x="10" y="22" class="node-id">${issues.length ? '⚠ ' : ''}${clip(n.name && n.name !== n.id ? n.name : n.id, 19)}</text>
        ${state ? html`<text x="10" y="42" class="node-status">${ICONS[state] ?? '?'} ${state.replace('_', ' ')}${
          (record?.attempts ?? 0) > 1 ? ` ×${record.attempts}` : ''}</text>`
          : html`<text x="10" y="42" class="muted">${clip(`${n.integrationId} · ${n.actionId}`, 24)}</text>`}
        <title>${n.id}: ${n.integrationId}.${n.actionId}${state ? `, ${state}` : ''}${
          issues.length ? `\n${issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('\n')}` : ''}</title>
      </g>
      <circle class="port port-in" cx="0" cy=${NODE_H / 2} r="5" aria-hidden="true" />
      ${readOnly ? null : html`<circle class="port port-out" cx=${NODE_W} cy=${NODE_H / 2} r="7" data-gesture="port" data-node=${n.id}
        data-testid=${`port-${n.id}`}><title>drag onto another node to connect ${n.id} to it</title></circle>`}
    </g>`;
  });
  const from = gesture?.kind === 'link' ? positions.get(gesture.from) : null;
  return html`<div class="canvas-wrap">
    <div class="canvas-tools" role="group" aria-label="canvas view">
      <button type="button" class="small" onClick=${() => zoom(1.25)} aria-label="zoom in" data-testid="zoom-in">+</button>
      <button type="button" class="small" onClick=${() => zoom(0.8)} aria-label="zoom out" data-testid="zoom-out">−</button>
      <button type="button" class="small" onClick=${() => setView(null)} data-testid="zoom-fit">Fit</button>
      <span class="muted" data-testid="zoom-level">${Math.round(current.scale * 100)}%</span>
    </div>
    <svg ref=${svg} class=${`builder-canvas${gesture?.kind === 'pan' ? ' panning' : ''}`} data-testid="builder-canvas" role="group"
        aria-label="the scenario's nodes and connections" width="100%" height=${HEIGHT}
        onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${() => setGesture(null)}
        onWheel=${(e) => {
          e.preventDefault();
          const r = svg.current.getBoundingClientRect();
          zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1, { x: e.clientX - r.left, y: e.clientY - r.top });
        }}>
      <defs><marker id="builder-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
        <path d="M 0 0 L 10 5 L 0 10 z" /></marker></defs>
      <g ref=${layer} data-testid="canvas-layer" transform=${`translate(${current.x},${current.y}) scale(${current.scale})`}>
        ${edges}${nodes}
        ${from ? html`<path class="edge-draft" d=${`M${from.x + NODE_W},${from.y + NODE_H / 2} L${gesture.x},${gesture.y}`} />` : null}
      </g>
      ${scenario.nodes.length === 0 ? html`<text x="20" y="40" class="muted">Add a node from the list: it appears here.</text>` : null}
    </svg>
  </div>`;
}
