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
