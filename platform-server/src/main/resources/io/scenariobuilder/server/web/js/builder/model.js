// The builder's model (issue 15): a scenario document being edited, and the edits a user makes to it. Pure functions:
// each takes a scenario and answers a new one (the old one is kept whole, which is what undo needs), or throws an
// EditError saying why the edit is refused. No DOM, no server: the views call these, and the server stays the judge
// of what is valid (POST /api/v1/scenarios/validate); these only keep the document well-formed while it is drawn.

export class EditError extends Error {}

/** A new, empty scenario with a manual trigger. */
export function emptyScenario(id, name) {
  return { id, name: name || id, trigger: { type: 'manual' }, nodes: [], connections: [] };
}

/** A node id not used yet, from the action's id: `fetch`, `fetch-2`... (ids are what expressions name). */
export function freshNodeId(scenario, actionId) {
  const base = String(actionId || 'node').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'node';
  const used = new Set(scenario.nodes.map((n) => n.id));
  if (!used.has(base)) {
    return base;
  }
  for (let i = 2; ; i++) {
    if (!used.has(`${base}-${i}`)) {
      return `${base}-${i}`;
    }
  }
}

/** Adds a node of an action; answers the new scenario and the node's id. */
export function addNode(scenario, { integrationId, actionId, name, configuration = {} }) {
  if (!integrationId || !actionId) {
    throw new EditError('a node needs an integration and an action');
  }
  const id = freshNodeId(scenario, actionId);
  const node = { id, name: name || id, integrationId, actionId, configuration };
  return { scenario: { ...scenario, nodes: [...scenario.nodes, node] }, nodeId: id };
}

/** Changes one node (its name, configuration, connectionId, retry policy, onError, timeoutMs). */
export function updateNode(scenario, nodeId, changes) {
  if (!scenario.nodes.some((n) => n.id === nodeId)) {
    throw new EditError(`no node '${nodeId}'`);
  }
  if ('id' in changes && changes.id !== nodeId) {
    throw new EditError('a node keeps its id: expressions and connections name it');
  }
  return { ...scenario, nodes: scenario.nodes.map((n) => (n.id === nodeId ? withoutUndefined({ ...n, ...changes }) : n)) };
}

/** Removes a node and every connection to or from it. */
export function removeNode(scenario, nodeId) {
  return {
    ...scenario,
    nodes: scenario.nodes.filter((n) => n.id !== nodeId),
    connections: scenario.connections.filter((c) => c.fromNodeId !== nodeId && c.toNodeId !== nodeId),
  };
}

/**
 * Connects two nodes. Refused: an unknown node, a node to itself, the same connection twice (same ends, same `on`),
 * and a connection that would close a cycle, named as the path it would make (`a -> b -> a`).
 */
export function connect(scenario, fromNodeId, toNodeId, { on = 'success', condition } = {}) {
  const ids = new Set(scenario.nodes.map((n) => n.id));
  for (const id of [fromNodeId, toNodeId]) {
    if (!ids.has(id)) {
      throw new EditError(`no node '${id}'`);
    }
  }
  if (fromNodeId === toNodeId) {
    throw new EditError(`a node cannot connect to itself ('${fromNodeId}')`);
  }
  if (on !== 'success' && on !== 'error') {
    throw new EditError(`a connection is taken on success or on error, not '${on}'`);
  }
  if (scenario.connections.some((c) => c.fromNodeId === fromNodeId && c.toNodeId === toNodeId && (c.on ?? 'success') === on)) {
    throw new EditError(`${fromNodeId} -> ${toNodeId} is connected already`);
  }
  const back = pathBetween(scenario, toNodeId, fromNodeId);
  if (back) {
    throw new EditError(`this connection would make a cycle: ${[fromNodeId, ...back].join(' -> ')}`);
  }
  const connection = { fromNodeId, toNodeId };
  if (on === 'error') {
    connection.on = 'error';
  }
  if (condition) {
    connection.condition = condition;
  }
  return { ...scenario, connections: [...scenario.connections, connection] };
}

/** Changes a connection's `on` or condition (an empty condition removes it); refused if that would duplicate another. */
export function updateConnection(scenario, index, { on, condition }) {
  const current = scenario.connections[index];
  if (!current) {
    throw new EditError(`no connection ${index}`);
  }
  const next = { fromNodeId: current.fromNodeId, toNodeId: current.toNodeId };
  const side = on ?? current.on ?? 'success';
  if (side === 'error') {
    next.on = 'error';
  }
  const text = condition === undefined ? current.condition : condition;
  if (text) {
    next.condition = text;
  }
  const clash = scenario.connections.some((c, i) => i !== index && c.fromNodeId === next.fromNodeId && c.toNodeId === next.toNodeId
    && (c.on ?? 'success') === side);
  if (clash) {
    throw new EditError(`${next.fromNodeId} -> ${next.toNodeId} on ${side} exists already`);
  }
  return { ...scenario, connections: scenario.connections.map((c, i) => (i === index ? next : c)) };
}

export function disconnect(scenario, index) {
  return { ...scenario, connections: scenario.connections.filter((_, i) => i !== index) };
}

/** The nodes from `from` to `to` along connections (both included), or null when `to` cannot be reached. */
export function pathBetween(scenario, from, to) {
  const next = new Map();
  for (const c of scenario.connections) {
    (next.get(c.fromNodeId) ?? next.set(c.fromNodeId, []).get(c.fromNodeId)).push(c.toNodeId);
  }
  const previous = new Map([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const id = queue.shift();
    if (id === to) {
      const path = [];
      for (let at = to; at !== null; at = previous.get(at)) {
        path.unshift(at);
      }
      return path;
    }
    for (const n of next.get(id) ?? []) {
      if (!previous.has(n)) {
        previous.set(n, id);
        queue.push(n);
      }
    }
  }
  return null;
}

/** The nodes a node can read in expressions: every node before it (its ancestors), nearest first, and `trigger`. */
export function namesInScope(scenario, nodeId) {
  const before = new Map();
  for (const c of scenario.connections) {
    (before.get(c.toNodeId) ?? before.set(c.toNodeId, []).get(c.toNodeId)).push(c.fromNodeId);
  }
  const seen = new Set();
  const queue = [...(before.get(nodeId) ?? [])];
  const names = [];
  while (queue.length) {
    const id = queue.shift();
    if (!seen.has(id)) {
      seen.add(id);
      names.push(id);
      queue.push(...(before.get(id) ?? []));
    }
  }
  return [...names, 'trigger'];
}

/**
 * The problems of POST /api/v1/scenarios/validate, by where the builder shows them: on a node (and its field), on a
 * connection, or on the scenario itself. Paths look like `$.nodes[2].configuration.product` or `$.connections[0]`.
 */
export function placeProblems(scenario, errors) {
  const placed = { scenario: [], nodes: {}, connections: {} };
  for (const error of errors ?? []) {
    const path = error.path ?? '';
    const node = /^\$\.nodes\[(\d+)\](?:\.configuration\.([A-Za-z0-9_-]+)|\.([A-Za-z]+))?/.exec(path);
    const connection = /^\$\.connections\[(\d+)\]/.exec(path);
    if (node && scenario.nodes[Number(node[1])]) {
      const id = scenario.nodes[Number(node[1])].id;
      const field = node[2] ?? node[3] ?? null;
      (placed.nodes[id] ??= []).push({ field, message: error.message });
    } else if (connection && scenario.connections[Number(connection[1])]) {
      (placed.connections[Number(connection[1])] ??= []).push(error.message);
    } else {
      placed.scenario.push(error.message);
    }
  }
  return placed;
}

export const NODE_W = 170;
export const NODE_H = 54;
const GAP_X = 70;
const GAP_Y = 24;

/**
 * A layered layout: each node in the column of its longest path from a start node, columns centred. Answers the
 * positions by node id and the size they take.
 */
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
  const layers = [];
  for (const id of ids) {
    (layers[layer.get(id)] ??= []).push(id);
  }
  const columns = layers.filter(Boolean); // a cycle (refused by the server, but importable) can leave a layer empty
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

/**
 * Where each node is drawn: its own `position` when it has one (the user moved it, or asked for a layout), else
 * where the layered layout puts it. Answers the positions and the box around them all.
 */
export function positionsOf(scenario) {
  const automatic = layout(scenario).positions;
  const positions = new Map();
  for (const n of scenario.nodes) {
    const p = n.position;
    positions.set(n.id, p && Number.isFinite(p.x) && Number.isFinite(p.y) ? { x: p.x, y: p.y } : automatic.get(n.id));
  }
  const xs = [...positions.values()].map((p) => p.x);
  const ys = [...positions.values()].map((p) => p.y);
  const box = xs.length
    ? { x: Math.min(...xs) - 10, y: Math.min(...ys) - 10, width: Math.max(...xs) - Math.min(...xs) + NODE_W + 20,
      height: Math.max(...ys) - Math.min(...ys) + NODE_H + 20 }
    : { x: 0, y: 0, width: 200, height: 80 };
  return { positions, box };
}

/** Moves a node to `{x, y}` (whole numbers; the engine ignores positions). */
export function moveNode(scenario, nodeId, { x, y }) {
  return updateNode(scenario, nodeId, { position: { x: Math.round(x), y: Math.round(y) } });
}

/** Every node placed by the layered layout (a tidy-up on request). */
export function autoLayout(scenario) {
  const { positions } = layout(scenario);
  return { ...scenario, nodes: scenario.nodes.map((n) => ({ ...n, position: positions.get(n.id) })) };
}

/** The node whose box holds the point, if any. */
export function nodeAt(scenario, positions, { x, y }) {
  return scenario.nodes.find((n) => {
    const p = positions.get(n.id);
    return p && x >= p.x && x <= p.x + NODE_W && y >= p.y && y <= p.y + NODE_H;
  })?.id ?? null;
}

/** What the server keeps about a stored scenario but a document being edited does not carry. */
const SERVER_FIELDS = ['version', 'createdAt', 'updatedAt', 'warnings'];

/** The editable document of a stored (or exported) scenario: the server's bookkeeping removed. */
export function editable(document) {
  const out = { ...document };
  SERVER_FIELDS.forEach((f) => delete out[f]);
  out.trigger ??= { type: 'manual' };
  out.nodes ??= [];
  out.connections ??= [];
  return out;
}

/** A scenario read from imported text; refused, with the reason, when it is not one. */
export function importScenario(text) {
  let document;
  try {
    document = JSON.parse(text);
  } catch (e) {
    throw new EditError(`the file is not JSON: ${e.message}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new EditError('a scenario is a JSON object with nodes, connections and a trigger');
  }
  for (const list of ['nodes', 'connections']) {
    if (list in document && !Array.isArray(document[list])) {
      throw new EditError(`'${list}' must be a list`);
    }
  }
  for (const [i, n] of (document.nodes ?? []).entries()) {
    if (n === null || typeof n !== 'object' || typeof n.id !== 'string') {
      throw new EditError(`node ${i} has no id`);
    }
  }
  return editable(document);
}

/** How the API shows a stored webhook secret: never the secret itself. */
export const SECRET_MASK = '********';

/**
 * The scenario as a file: the document the API takes, two-space indented. A webhook secret read back from the server
 * is only its mask, so it is left out (saved elsewhere, the mask would become the secret).
 */
export function exportScenario(scenario) {
  const out = editable(scenario);
  if (out.trigger?.secret === SECRET_MASK) {
    out.trigger = { ...out.trigger };
    delete out.trigger.secret;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

const WHOLE_TEMPLATE = /^\{\{([\s\S]*)\}\}$/;

/** Whether a configuration value is one `{{ expression }}` and nothing else (its JSON value is kept, type and all). */
export function isExpression(value) {
  return typeof value === 'string' && WHOLE_TEMPLATE.test(value) && !value.slice(2, -2).includes('}}');
}

/** The expression of a `{{ ... }}` value. */
export function expressionOf(value) {
  return isExpression(value) ? value.slice(2, -2).trim() : '';
}

/** A configuration value that is the expression's result. */
export function asExpression(text) {
  return `{{ ${text.trim()} }}`;
}

/** How an expression names a node: a dotted name, or in backticks when the id is not a plain name (`fetch-2`). */
export function nodePath(id) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(id) ? `nodes.${id}.output` : `nodes.\`${id}\`.output`;
}

/**
 * What may be typed at the end of `before` in an expression of node `nodeId`: the outputs of the nodes before it,
 * nearest first, then `trigger` and the rest of the context. Each is {label, insert}; `replace` is how many
 * characters before the cursor the chosen one replaces.
 */
export function completions(scenario, nodeId, before) {
  const word = /[A-Za-z0-9_.$`-]*$/.exec(before)[0];
  const earlier = nodeId === null ? [] : namesInScope(scenario, nodeId).filter((n) => n !== 'trigger');
  const all = [...earlier.map(nodePath), 'trigger', 'trigger.body', 'trigger.query', 'trigger.headers', 'input', 'execution.id'];
  const lower = word.toLowerCase();
  return {
    replace: word.length,
    items: all.filter((c) => c.toLowerCase().startsWith(lower) && c !== word),
  };
}

/** Undo and redo over whole scenario documents (edits never change one in place), at most `limit` steps back. */
export class History {
  constructor(initial, limit = 100) {
    this.past = [];
    this.present = initial;
    this.future = [];
    this.limit = limit;
  }

  /** Records a new state; a new edit after an undo drops what could have been redone. */
  push(next) {
    if (next === this.present) {
      return this.present;
    }
    this.past.push(this.present);
    if (this.past.length > this.limit) {
      this.past.shift();
    }
    this.present = next;
    this.future = [];
    return next;
  }

  get canUndo() {
    return this.past.length > 0;
  }

  get canRedo() {
    return this.future.length > 0;
  }

  undo() {
    if (this.canUndo) {
      this.future.push(this.present);
      this.present = this.past.pop();
    }
    return this.present;
  }

  redo() {
    if (this.canRedo) {
      this.past.push(this.present);
      this.present = this.future.pop();
    }
    return this.present;
  }
}

function withoutUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
