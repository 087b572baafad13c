// The builder (issue 15), first view: name a new scenario, choose its trigger (a schedule shows its next run times),
// add nodes from the installed actions, connect them (a cycle is refused and named), undo and redo, see the server's
// validation as you go, and save. The node form, dragging and test runs come next (docs/builder.md).
import { html, useEffect, useMemo, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import * as model from '../builder/model.js';
import { ErrorBanner } from './common.js';
import { layout } from './execution-graph.js';
import { NodeForm } from './node-form.js';

const NODE_W = 170;
const NODE_H = 54;

/** Waits until `value` stopped changing for `ms`, then answers it. */
function useSettled(value, ms) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function TriggerPanel({ trigger, onChange }) {
  const settled = useSettled(trigger, 300);
  const [next, setNext] = useState({ times: [], error: null });
  useEffect(() => {
    if (settled.type !== 'schedule' || !settled.cron) {
      setNext({ times: [], error: null });
      return;
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
  return html`<fieldset class="builder-trigger" data-testid="builder-trigger">
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
        ${a.integrationName} · ${a.name}</button>
      ${a.description ? html`<div class="muted">${a.description}</div>` : null}</li>`)}</ul>
  </section>`;
}

function Canvas({ scenario, problems, selected, onSelect }) {
  const { positions, width, height } = layout(scenario);
  return html`<svg class="builder-canvas" data-testid="builder-canvas" role="group" aria-label="the scenario's nodes and connections"
      viewBox=${`0 0 ${Math.max(width, 200)} ${Math.max(height, 80)}`} width=${Math.max(width, 200)} height=${Math.max(height, 80)}>
    ${scenario.connections.map((c, i) => {
      const from = positions.get(c.fromNodeId);
      const to = positions.get(c.toNodeId);
      if (!from || !to) {
        return null;
      }
      return html`<line key=${`c${i}`} class=${`edge${c.on === 'error' ? ' edge-error' : ''}`} data-testid=${`edge-${c.fromNodeId}-${c.toNodeId}`}
        x1=${from.x + NODE_W} y1=${from.y + NODE_H / 2} x2=${to.x} y2=${to.y + NODE_H / 2}>
        ${problems.connections[i] ? html`<title>${problems.connections[i].join('; ')}</title>` : null}</line>`;
    })}
    ${scenario.nodes.map((n) => {
      const p = positions.get(n.id);
      const issues = problems.nodes[n.id] ?? [];
      return html`<g key=${n.id} transform=${`translate(${p.x},${p.y})`} class=${`node${selected === n.id ? ' selected' : ''}${issues.length ? ' has-problems' : ''}`}
          role="button" tabindex="0" data-testid=${`builder-node-${n.id}`} data-problems=${issues.length}
          aria-label=${`${n.id}: ${n.integrationId} ${n.actionId}${issues.length ? `, ${issues.length} problem(s)` : ''}`}
          onClick=${() => onSelect(n.id)} onKeyDown=${(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onSelect(n.id))}>
        <rect width=${NODE_W} height=${NODE_H} rx="6" />
        <text x="10" y="22">${issues.length ? '⚠ ' : ''}${n.id}</text>
        <text x="10" y="42" class="muted">${n.integrationId} · ${n.actionId}</text>
        ${issues.length ? html`<title>${issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('\n')}</title>` : null}
      </g>`;
    })}
  </svg>`;
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
    <input id="connect-condition" value=${condition} onInput=${(e) => setCondition(e.target.value)} />
    <button type="submit">Connect</button>
  </form>`;
}

export function BuilderView() {
  const [history] = useState(() => new model.History(model.emptyScenario('new-scenario', 'New scenario')));
  const [scenario, setScenario] = useState(history.present);
  const [editError, setEditError] = useState(null);
  const [selected, setSelected] = useState(null);
  const [problems, setProblems] = useState({ scenario: [], nodes: {}, connections: {} });
  const [saveError, setSaveError] = useState(null);
  const [saving, setSaving] = useState(false);

  const apply = (edit) => {
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

  useEffect(() => {
    const keys = (e) => {
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z' && !typing) {
        e.preventDefault();
        setScenario(e.shiftKey ? history.redo() : history.undo());
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'y' && !typing) {
        e.preventDefault();
        setScenario(history.redo());
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && selected && !typing) {
        e.preventDefault();
        setScenario(history.push(model.removeNode(history.present, selected)));
        setSelected(null);
      }
    };
    addEventListener('keydown', keys);
    return () => removeEventListener('keydown', keys);
  }, [selected]);

  // Validated by the server as it is drawn: its problems go on the node, field or connection they name.
  const settled = useSettled(scenario, 400);
  useEffect(() => {
    let current = true;
    api('/api/v1/scenarios/validate', { method: 'POST', body: settled }).then(
      (answer) => current && setProblems(model.placeProblems(settled, answer.errors)),
      (error) => current && setProblems({ scenario: [error.message], nodes: {}, connections: {} }));
    return () => {
      current = false;
    };
  }, [settled]);

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await api('/api/v1/scenarios', { method: 'POST', body: scenario });
      location.hash = `#/scenarios/${encodeURIComponent(saved.id)}`;
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const nodeProblems = Object.entries(problems.nodes).flatMap(([id, list]) => list.map((p) => `${id}${p.field ? `.${p.field}` : ''}: ${p.message}`));
  const all = [...problems.scenario, ...nodeProblems, ...Object.entries(problems.connections).flatMap(([i, list]) => list.map((m) => `connection ${i}: ${m}`))];
  return html`<section class="builder" aria-labelledby="builder-title" data-testid="builder">
    <h1 id="builder-title">New scenario</h1>
    <div class="builder-toolbar">
      <label for="scenario-id">Id</label>
      <input id="scenario-id" value=${scenario.id} onInput=${(e) => apply((s) => ({ ...s, id: e.target.value }))} />
      <label for="scenario-name">Name</label>
      <input id="scenario-name" value=${scenario.name} onInput=${(e) => apply((s) => ({ ...s, name: e.target.value }))} />
      <button type="button" onClick=${undo} disabled=${!history.canUndo} data-testid="undo">Undo</button>
      <button type="button" onClick=${redo} disabled=${!history.canRedo} data-testid="redo">Redo</button>
      <button type="button" onClick=${save} disabled=${saving} data-testid="save">Save</button>
    </div>
    <${ErrorBanner} error=${saveError} onClose=${() => setSaveError(null)} />
    ${editError ? html`<p class="field-error" role="alert" data-testid="edit-error">${editError}</p>` : null}
    <div class="builder-body">
      <${Palette} onAdd=${(a) => apply((s) => {
        const added = model.addNode(s, a);
        setSelected(added.nodeId);
        return added.scenario;
      })} />
      <div class="builder-main">
        <${TriggerPanel} trigger=${scenario.trigger} onChange=${(trigger) => apply((s) => ({ ...s, trigger }))} />
        <${Canvas} scenario=${scenario} problems=${problems} selected=${selected} onSelect=${setSelected} />
        ${selected && scenario.nodes.some((n) => n.id === selected) ? html`
          <p class="muted">Selected: <code>${selected}</code> (Delete removes it)</p>
          <${NodeForm} key=${selected} node=${scenario.nodes.find((n) => n.id === selected)} problems=${problems.nodes[selected]}
            onConfigure=${(configuration) => apply((s) => model.updateNode(s, selected, { configuration }))} />` : null}
        <${ConnectForm} scenario=${scenario} onConnect=${(from, to, options) => apply((s) => model.connect(s, from, to, options))} />
        <section aria-labelledby="problems-title">
          <h2 id="problems-title">Problems</h2>
          ${all.length ? html`<ul data-testid="problems">${all.map((p) => html`<li>${p}</li>`)}</ul>`
            : html`<p class="muted" data-testid="no-problems">None: it can be saved.</p>`}
        </section>
      </div>
    </div>
  </section>`;
}
