// The builder (issue 15): start a scenario or open one, choose its trigger, add nodes from the installed actions,
// configure them (fields, expressions, connection, settings), connect them by dragging, undo and redo, see the
// server's validation as you go, save with the version (another editor's save is shown, never overwritten), import and
// export the JSON, and run it with test data, watching each node's state, input and output and the log on the canvas.
// A viewer sees it all read-only. Everything goes through the public API.
import { html, useEffect, useMemo, useRef, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api, currentKey } from '../api.js';
import { Canvas } from '../builder/canvas.js';
import { ExpressionInput } from '../builder/expression-input.js';
import * as model from '../builder/model.js';
import { NodeSettings } from '../builder/node-settings.js';
import { ErrorBanner, Status } from './common.js';
import { NodePanel, useLiveExecution } from './execution.js';
import { LiveLog } from './live-log.js';
import { NodeForm } from './node-form.js';

/** Waits until `value` stopped changing for `ms`, then answers it. */
function useSettled(value, ms) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function TriggerPanel({ trigger, onChange, readOnly }) {
  const settled = useSettled(trigger, 300);
  const [next, setNext] = useState({ times: [], error: null });
  useEffect(() => {
    if (settled.type !== 'schedule' || !settled.cron) {
      setNext({ times: [], error: null });
      return undefined;
    }
    const query = new URLSearchParams({ cron: settled.cron, timezone: settled.timezone || 'UTC', count: '3' });
    let current = true;
    api(`/api/v1/schedules/next?${query}`).then((answer) => current && setNext({ times: answer.next, error: null }),
      (error) => current && setNext({ times: [], error }));
    return () => {
      current = false;
    };
  }, [settled]);
  const set = (changes) => onChange({ ...trigger, ...changes });
  return html`<fieldset class="builder-trigger" data-testid="builder-trigger" disabled=${readOnly}>
    <legend>Trigger</legend>
    <label for="trigger-type">Runs</label>
    <select id="trigger-type" value=${trigger.type} onChange=${(e) => onChange(
      e.target.value === 'webhook' ? { type: 'webhook', path: '' } : e.target.value === 'schedule'
        ? { type: 'schedule', cron: '', timezone: 'UTC' } : { type: 'manual' })}>
      <option value="manual">by hand (API or this page)</option>
      <option value="webhook">on a webhook</option>
      <option value="schedule">on a schedule</option>
    </select>
    ${trigger.type === 'webhook' ? html`
      <label for="trigger-path">Path (/hooks/…)</label>
      <input id="trigger-path" value=${trigger.path ?? ''} onInput=${(e) => set({ path: e.target.value })} />
      <label for="trigger-secret">Secret (optional: callers then sign their bodies)</label>
      <input id="trigger-secret" type="password" autocomplete="off" value=${trigger.secret ?? ''}
        onInput=${(e) => set({ secret: e.target.value || undefined })} />` : null}
    ${trigger.type === 'schedule' ? html`
      <label for="trigger-cron">Cron (minute hour day month weekday)</label>
      <input id="trigger-cron" value=${trigger.cron ?? ''} placeholder="0 9 * * 1-5" onInput=${(e) => set({ cron: e.target.value })} />
      <label for="trigger-timezone">Time zone</label>
      <input id="trigger-timezone" value=${trigger.timezone ?? 'UTC'} onInput=${(e) => set({ timezone: e.target.value })} />
      ${next.error ? html`<p class="field-error" role="alert">${next.error.message}</p>` : null}
      ${next.times.length ? html`<p class="muted">Next runs:</p><ol data-testid="next-runs">${next.times.map((t) => html`<li>${t}</li>`)}</ol>`
        : null}` : null}
  </fieldset>`;
}

function Palette({ onAdd, disabled }) {
  const integrations = useMemo(() => api('/api/v1/integrations?limit=500'), []);
  const [actions, setActions] = useState([]);
  const [error, setError] = useState(null);
  const [query, setQuery] = useState('');
  useEffect(() => {
    integrations.then((page) => setActions(page.items.flatMap((i) => i.actions.map((a) => ({
      integrationId: i.id, integrationName: i.name, icon: i.icon, actionId: a.id, name: a.name, description: a.description }))),
    setError));
  }, [integrations]);
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = actions.filter((a) => words.every((w) =>
    `${a.integrationId} ${a.integrationName} ${a.actionId} ${a.name} ${a.description ?? ''}`.toLowerCase().includes(w)));
  return html`<section class="builder-palette" aria-labelledby="palette-title">
    <h2 id="palette-title">Add a node</h2>
    <label for="palette-search">Search the installed actions</label>
    <input id="palette-search" type="search" value=${query} onInput=${(e) => setQuery(e.target.value)} />
    <${ErrorBanner} error=${error} />
    <ul class="palette-list">${shown.map((a) => html`<li key=${`${a.integrationId}/${a.actionId}`}>
      <button type="button" disabled=${disabled} data-testid=${`add-${a.integrationId}-${a.actionId}`} onClick=${() => onAdd(a)}>
        ${a.icon && a.icon.startsWith('data:image/') ? html`<img src=${a.icon} alt="" class="icon" />` : null}
        ${a.integrationName} · ${a.name}</button>
      ${a.description ? html`<div class="muted">${a.description}</div>` : null}</li>`)}
      ${actions.length && !shown.length ? html`<li class="muted">No installed action matches.</li>` : null}</ul>
  </section>`;
}

function ConnectForm({ scenario, onConnect }) {
  const ids = scenario.nodes.map((n) => n.id);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [on, setOn] = useState('success');
  const [condition, setCondition] = useState('');
  if (ids.length < 2) {
    return null;
  }
  const submit = (e) => {
    e.preventDefault();
    onConnect(from || ids[0], to || ids[1], { on, condition: condition.trim() || undefined });
  };
  return html`<form class="builder-connect" onSubmit=${submit} data-testid="connect-form">
    <label for="connect-from">From</label>
    <select id="connect-from" value=${from || ids[0]} onChange=${(e) => setFrom(e.target.value)}>${ids.map((id) => html`<option value=${id}>${id}</option>`)}</select>
    <label for="connect-to">To</label>
    <select id="connect-to" value=${to || ids[1]} onChange=${(e) => setTo(e.target.value)}>${ids.map((id) => html`<option value=${id}>${id}</option>`)}</select>
    <label for="connect-on">Taken</label>
    <select id="connect-on" value=${on} onChange=${(e) => setOn(e.target.value)}>
      <option value="success">on success</option><option value="error">on error (an error connection)</option></select>
    <label for="connect-condition">Condition (JSONata, optional)</label>
    <${ExpressionInput} inputId="connect-condition" value=${condition} onValue=${setCondition} scenario=${scenario} nodeId=${to || ids[1]} />
    <button type="submit">Connect</button>
  </form>`;
}

/** The selected connection: taken on success or on error, its condition, or removed. */
function EdgeForm({ scenario, index, problems, onChange, onRemove, readOnly }) {
  const c = scenario.connections[index];
  return html`<fieldset class="edge-form panel" data-testid="edge-form" disabled=${readOnly}>
    <legend>Connection <code>${c.fromNodeId}</code> → <code>${c.toNodeId}</code></legend>
    ${(problems ?? []).map((p) => html`<p class="field-error" role="alert" data-testid="edge-problem">${p}</p>`)}
    <label for="edge-on">Taken</label>
    <select id="edge-on" value=${c.on ?? 'success'} onChange=${(e) => onChange({ on: e.target.value })}>
      <option value="success">on success</option><option value="error">on error (an error connection)</option></select>
    <label for="edge-condition">Condition (JSONata; empty: always)</label>
    <${ExpressionInput} inputId="edge-condition" value=${c.condition ?? ''} scenario=${scenario} nodeId=${c.toNodeId}
      onValue=${(text) => onChange({ condition: text })} />
    <button type="button" class="danger" onClick=${onRemove} data-testid="remove-connection">Remove this connection</button>
  </fieldset>`;
}

/** Saves a file the browser offers to download. */
function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function RunPanel({ canRun, dirty, onRun, running, runError }) {
  const [text, setText] = useState('{\n  "body": {}\n}');
  let parsed;
  let parseError = null;
  try {
    parsed = JSON.parse(text || '{}');
  } catch (e) {
    parseError = e.message;
  }
  return html`<form class="run panel" data-testid="run-panel" onSubmit=${(e) => (e.preventDefault(), onRun(parsed))}>
    <h2>Test run</h2>
    <label for="test-data">Trigger data (JSON, typed or pasted)</label>
    <textarea id="test-data" rows="4" value=${text} onInput=${(e) => setText(e.target.value)} aria-invalid=${parseError ? 'true' : 'false'}
      aria-describedby="test-data-help"></textarea>
    <p id="test-data-help" class=${parseError ? 'error-text' : 'muted'}>${parseError ? `Not JSON: ${parseError}`
      : 'What the trigger hands the first nodes (a webhook gives body, headers, query).'}</p>
    <button type="submit" disabled=${!canRun || running || parseError !== null} data-testid="test-run">
      ${dirty ? 'Save and run' : 'Run'}</button>
    <${ErrorBanner} error=${runError} />
  </form>`;
}

function Conflict({ conflict, onTheirs, onMine, onExport }) {
  return html`<div class="error" role="alert" data-testid="conflict">
    <strong>Someone else saved this scenario</strong>: it is at version <span data-testid="their-version">${conflict.theirs.version}</span>${
      ' '}now, and you were editing version ${conflict.base}. Nothing was overwritten; your changes are still here, unsaved.
    <div class="actions">
      <button type="button" onClick=${onTheirs} data-testid="load-theirs">Open their version (Undo brings yours back)</button>
      <button type="button" onClick=${onMine} data-testid="save-mine">Save mine over theirs</button>
      <button type="button" class="link" onClick=${onExport}>Export mine as a file</button>
    </div>
  </div>`;
}

export function BuilderView({ id }) {
  const [history, setHistory] = useState(() => new model.History(model.emptyScenario('new-scenario', 'New scenario')));
  const [scenario, setScenario] = useState(history.present);
  const [stored, setStored] = useState(null); // the server's answer for the saved scenario (its version); null until saved
  const [baseline, setBaseline] = useState(null); // the document as last saved or opened: unchanged while it is the present one
  const [loadError, setLoadError] = useState(id ? null : undefined); // null: loading
  const [role, setRole] = useState(null);
  const [editError, setEditError] = useState(null);
  const [selected, setSelected] = useState(null); // {node: id} | {connection: index} | null
  const [problems, setProblems] = useState({ scenario: [], nodes: {}, connections: {} });
  const [saveError, setSaveError] = useState(null);
  const [conflict, setConflict] = useState(null);
  const [saving, setSaving] = useState(false);
  const [runId, setRunId] = useState(null);
  const [runError, setRunError] = useState(null);
  const run = useLiveExecution(runId);
  const readOnly = role === 'viewer';

  useEffect(() => {
    currentKey().then((key) => setRole(key.role), () => setRole('viewer'));
  }, []);
  const storedId = useRef(null); // the id just saved, so that the address naming it does not load it again
  useEffect(() => {
    if (id && storedId.current === id) {
      return;
    }
    const open = (document) => {
      const fresh = new model.History(document ? model.editable(document) : model.emptyScenario('new-scenario', 'New scenario'));
      setHistory(fresh);
      setScenario(fresh.present);
      setStored(document);
      setBaseline(document ? fresh.present : null);
      storedId.current = document?.id ?? null;
      setSelected(null);
      setConflict(null);
      setRunId(null);
      setLoadError(undefined);
    };
    if (!id) {
      open(null);
      return;
    }
    setLoadError(null);
    api(`/api/v1/scenarios/${encodeURIComponent(id)}`).then(open, setLoadError);
  }, [id]);

  const apply = (edit) => {
    if (readOnly) {
      return;
    }
    try {
      setScenario(history.push(edit(history.present)));
      setEditError(null);
    } catch (e) {
      if (!(e instanceof model.EditError)) {
        throw e;
      }
      setEditError(e.message);
    }
  };
  const undo = () => setScenario(history.undo());
  const redo = () => setScenario(history.redo());
  const remove = (what) => {
    if (what?.node) {
      apply((s) => model.removeNode(s, what.node));
    } else if (what?.connection !== undefined) {
      apply((s) => model.disconnect(s, what.connection));
    }
    setSelected(null);
  };

  useEffect(() => {
    const keys = (e) => {
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
      if (readOnly || typing) {
        return;
      }
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        setScenario(e.shiftKey ? history.redo() : history.undo());
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        setScenario(history.redo());
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && selected) {
        e.preventDefault();
        remove(selected);
      }
    };
    addEventListener('keydown', keys);
    return () => removeEventListener('keydown', keys);
  }, [selected, history, readOnly]);

  // Validated by the server as it is drawn: its problems go on the node, field or connection they name.
  const settled = useSettled(scenario, 400);
  useEffect(() => {
    if (readOnly || role === null || loadError !== undefined) {
      return undefined; // validation needs an editor; a viewer sees the scenario as it was saved
    }
    let current = true;
    api('/api/v1/scenarios/validate', { method: 'POST', body: settled }).then(
      (answer) => current && setProblems(model.placeProblems(settled, answer.errors)),
      (error) => current && setProblems({ scenario: [error.message], nodes: {}, connections: {} }));
    return () => {
      current = false;
    };
  }, [settled, role, loadError]);

  const dirty = !stored || scenario !== baseline; // edits never change a document in place

  /** Saves (POST when new, PUT with If-Match when stored); answers whether it is saved. */
  const save = async (overVersion) => {
    setSaving(true);
    setSaveError(null);
    try {
      const body = scenario;
      const saved = stored && stored.id === scenario.id
        ? await api(`/api/v1/scenarios/${encodeURIComponent(scenario.id)}`, { method: 'PUT', body,
          headers: { 'If-Match': String(overVersion ?? stored.version) } })
        : await api('/api/v1/scenarios', { method: 'POST', body });
      setStored(saved);
      setBaseline(body);
      setConflict(null);
      storedId.current = saved.id;
      if (id !== saved.id) {
        location.hash = `#/builder/${encodeURIComponent(saved.id)}`; // the same view goes on: undo stays
      }
      return true;
    } catch (e) {
      if (e.status === 409 && stored && stored.id === scenario.id && /is not at version/.test(e.message)) {
        try {
          const theirs = await api(`/api/v1/scenarios/${encodeURIComponent(scenario.id)}`);
          setConflict({ base: stored.version, theirs });
        } catch (reading) {
          setSaveError(reading);
        }
      } else {
        setSaveError(e);
      }
      return false;
    } finally {
      setSaving(false);
    }
  };

  const startRun = async (data) => {
    setRunError(null);
    if (dirty && !(await save())) {
      return;
    }
    try {
      const started = await api(`/api/v1/scenarios/${encodeURIComponent(scenario.id)}/executions`, { method: 'POST', body: data });
      setRunId(started.executionId);
    } catch (e) {
      setRunError(e);
    }
  };

  const importFile = async (file) => {
    if (!file) {
      return;
    }
    const text = await file.text();
    // Into a saved scenario, the file replaces its content under its own id; a new one takes the file's id.
    apply((s) => {
      const imported = model.importScenario(text);
      return { ...imported, id: stored || !imported.id ? s.id : imported.id, name: imported.name ?? s.name };
    });
  };

  if (loadError) {
    return html`<${ErrorBanner} error=${loadError} />`;
  }
  if (loadError === null) {
    return html`<p class="loading">Loading scenario ${id}…</p>`;
  }
  const node = selected?.node && scenario.nodes.find((n) => n.id === selected.node);
  const edge = selected?.connection !== undefined && scenario.connections[selected.connection] ? selected.connection : null;
  const nodeProblems = Object.entries(problems.nodes).flatMap(([nid, list]) => list.map((p) => `${nid}${p.field ? `.${p.field}` : ''}: ${p.message}`));
  const all = [...problems.scenario, ...nodeProblems,
    ...Object.entries(problems.connections).flatMap(([i, list]) => list.map((m) => {
      const c = scenario.connections[i];
      return `${c ? `${c.fromNodeId} → ${c.toNodeId}` : `connection ${i}`}: ${m}`;
    }))];
  const runRecord = node && run.result ? run.records.get(node.id) : null;
  return html`<section class="builder" aria-labelledby="builder-title" data-testid="builder" data-read-only=${readOnly}>
    <div class="title-row">
      <h1 id="builder-title">${stored ? scenario.name || scenario.id : 'New scenario'}</h1>
      ${stored ? html`<span class="muted" data-testid="saved-version">version ${stored.version}${dirty ? ', changed since' : ', saved'}</span>` : null}
      ${readOnly ? html`<span class="status" data-testid="read-only">read-only: a viewer key</span>` : null}
    </div>
    <div class="builder-toolbar">
      <label for="scenario-id">Id</label>
      <input id="scenario-id" value=${scenario.id} disabled=${readOnly || Boolean(stored)} onInput=${(e) => apply((s) => ({ ...s, id: e.target.value }))} />
      <label for="scenario-name">Name</label>
      <input id="scenario-name" value=${scenario.name} disabled=${readOnly} onInput=${(e) => apply((s) => ({ ...s, name: e.target.value }))} />
      <button type="button" onClick=${undo} disabled=${readOnly || !history.canUndo} data-testid="undo">Undo</button>
      <button type="button" onClick=${redo} disabled=${readOnly || !history.canRedo} data-testid="redo">Redo</button>
      <button type="button" onClick=${() => apply(model.autoLayout)} disabled=${readOnly || scenario.nodes.length === 0} data-testid="tidy">Tidy up</button>
      <button type="button" onClick=${() => save()} disabled=${readOnly || saving || !dirty} data-testid="save">${saving ? 'Saving…' : 'Save'}</button>
      <button type="button" class="link" onClick=${() => download(`${scenario.id}.json`, model.exportScenario(scenario))} data-testid="export">Export JSON</button>
      ${readOnly ? null : html`<label class="link file-button">Import JSON<input type="file" accept="application/json,.json"
        data-testid="import" onChange=${(e) => importFile(e.target.files[0]).finally(() => (e.target.value = ''))} /></label>`}
    </div>
    <${ErrorBanner} error=${saveError} onClose=${() => setSaveError(null)} />
    ${conflict ? html`<${Conflict} conflict=${conflict} onExport=${() => download(`${scenario.id}-mine.json`, model.exportScenario(scenario))}
      onTheirs=${() => {
        const theirs = history.push(model.editable(conflict.theirs));
        setScenario(theirs);
        setStored(conflict.theirs);
        setBaseline(theirs);
        setConflict(null);
      }}
      onMine=${() => save(conflict.theirs.version)} />` : null}
    ${editError ? html`<p class="field-error" role="alert" data-testid="edit-error">${editError}</p>` : null}
    <div class="builder-body">
      ${readOnly ? null : html`<${Palette} disabled=${readOnly} onAdd=${(a) => apply((s) => {
        const added = model.addNode(s, { integrationId: a.integrationId, actionId: a.actionId }); // named by its id
        setSelected({ node: added.nodeId });
        return added.scenario;
      })} />`}
      <div class="builder-main">
        <${TriggerPanel} trigger=${scenario.trigger} readOnly=${readOnly} onChange=${(trigger) => apply((s) => ({ ...s, trigger }))} />
        <${Canvas} scenario=${scenario} problems=${problems} selected=${selected} onSelect=${setSelected} readOnly=${readOnly}
          records=${runId ? run.records : null}
          onMove=${(nid, p) => apply((s) => model.moveNode(s, nid, p))}
          onConnect=${(from, to) => apply((s) => model.connect(s, from, to))} />
        <p class="muted canvas-help">Drag a node to move it, from its right dot onto another node to connect them, the background
          to pan. Tab to a node, Enter selects it, arrows move it, Delete removes it.</p>
        ${runId ? html`<div class="run-status" data-testid="run-status" data-status=${run.status}>
          Test run <a href=${`#/executions/${encodeURIComponent(runId)}`}><code>${runId}</code></a> <${Status} status=${run.status} />
          ${run.result?.error ? html`<span class="error-text">${run.result.error.type}: ${run.result.error.message}</span>` : null}
          <button type="button" class="link" onClick=${() => setRunId(null)}>Back to editing</button></div>` : null}
        ${runRecord !== null && node ? html`<${NodePanel} node=${node} record=${runRecord} result=${run.result} scenario=${scenario} />` : null}
        ${node ? html`<div class="node-editor">
          <${NodeForm} key=${node.id} node=${node} scenario=${scenario} problems=${problems.nodes[node.id]} readOnly=${readOnly}
            onConfigure=${(configuration) => apply((s) => model.updateNode(s, node.id, { configuration }))} />
          <${NodeSettings} key=${`s-${node.id}`} node=${node} readOnly=${readOnly} onChange=${(changes) => apply((s) => model.updateNode(s, node.id, changes))} />
          ${readOnly ? null : html`<button type="button" class="danger" onClick=${() => remove(selected)} data-testid="remove-node">Remove ${node.id}</button>`}
        </div>` : null}
        ${edge !== null ? html`<${EdgeForm} key=${`e-${edge}`} scenario=${scenario} index=${edge} problems=${problems.connections[edge]}
          readOnly=${readOnly} onRemove=${() => remove(selected)}
          onChange=${(changes) => apply((s) => model.updateConnection(s, edge, changes))} />` : null}
        ${readOnly ? null : html`<${ConnectForm} scenario=${scenario} onConnect=${(from, to, options) => apply((s) => model.connect(s, from, to, options))} />`}
        ${readOnly ? null : html`<section aria-labelledby="problems-title">
          <h2 id="problems-title">Problems</h2>
          ${all.length ? html`<ul data-testid="problems">${all.map((p) => html`<li>${p}</li>`)}</ul>`
            : html`<p class="muted" data-testid="no-problems">None: it can be saved.</p>`}
        </section>`}
        ${readOnly ? null : html`<${RunPanel} canRun=${all.length === 0 && !conflict} dirty=${dirty} onRun=${startRun}
          running=${saving || (runId !== null && !['completed', 'failed', 'cancelled', 'incomplete'].includes(run.status))} runError=${runError} />`}
        ${runId ? html`<${LiveLog} key=${runId} executionId=${runId} />` : null}
      </div>
    </div>
  </section>`;
}
