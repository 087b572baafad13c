// A node's settings beside its fields: its name, its connection (one of its integration's, or a new one made and
// tested here, the secrets write-only), its timeout, what happens when it fails for good (onError) and its retry
// policy. Empty means the default: the integration's, else the platform's.
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { ErrorBanner } from '../views/common.js';

const ON_ERROR = [
  ['', 'fail the execution (default)'],
  ['continue', 'continue: its output is the error, its connections proceed'],
  ['route', 'route: only its error connections proceed'],
  ['break', 'break: park the execution as incomplete, to retry later'],
];
const PLATFORM_RETRY = { maxAttempts: 3, baseDelayMs: 1000, backoffMultiplier: 2, maxDelayMs: 60000, jitter: true };

function numberOrUndefined(text) {
  return text === '' ? undefined : Number(text);
}

export function NodeSettings({ node, onChange, readOnly }) {
  const retry = node.retryPolicy;
  const setRetry = (changes) => onChange({ retryPolicy: { ...(retry ?? PLATFORM_RETRY), ...changes } });
  const id = (name) => `node-${node.id}-${name}`;
  return html`<fieldset class="node-settings" data-testid=${`node-settings-${node.id}`} disabled=${readOnly}>
    <legend>Settings of <code>${node.id}</code></legend>
    <label for=${id('name')}>Name</label>
    <input id=${id('name')} value=${node.name ?? ''} onInput=${(e) => onChange({ name: e.target.value || undefined })} />
    <${ConnectionPicker} node=${node} onChange=${onChange} readOnly=${readOnly} />
    <label for=${id('timeout')}>Timeout (ms; empty: none of its own)</label>
    <input id=${id('timeout')} type="number" min="1" value=${node.timeoutMs ?? ''}
      onInput=${(e) => onChange({ timeoutMs: numberOrUndefined(e.target.value) })} />
    <label for=${id('on-error')}>When it fails for good</label>
    <select id=${id('on-error')} value=${node.onError ?? ''} onChange=${(e) => onChange({ onError: e.target.value || undefined })}>
      ${ON_ERROR.map(([value, label]) => html`<option value=${value}>${label}</option>`)}</select>
    <label class="inline"><input type="checkbox" id=${id('own-retry')} checked=${Boolean(retry)}
      onChange=${(e) => onChange({ retryPolicy: e.target.checked ? { ...PLATFORM_RETRY } : undefined })} />
      its own retry policy (else the integration's, or 3 attempts from 1 s, doubling, up to 60 s)</label>
    ${retry ? html`<div class="retry-grid">
      <label>Attempts (the first counts)<input id=${id('max-attempts')} type="number" min="1" value=${retry.maxAttempts ?? ''}
        onInput=${(e) => setRetry({ maxAttempts: numberOrUndefined(e.target.value) })} /></label>
      <label>First delay (ms)<input id=${id('base-delay')} type="number" min="0" value=${retry.baseDelayMs ?? ''}
        onInput=${(e) => setRetry({ baseDelayMs: numberOrUndefined(e.target.value) })} /></label>
      <label>Multiplier<input id=${id('multiplier')} type="number" min="1" step="0.1" value=${retry.backoffMultiplier ?? ''}
        onInput=${(e) => setRetry({ backoffMultiplier: numberOrUndefined(e.target.value) })} /></label>
      <label>Longest delay (ms)<input id=${id('max-delay')} type="number" min="0" value=${retry.maxDelayMs ?? ''}
        onInput=${(e) => setRetry({ maxDelayMs: numberOrUndefined(e.target.value) })} /></label>
      <label class="inline"><input id=${id('jitter')} type="checkbox" checked=${retry.jitter !== false}
        onChange=${(e) => setRetry({ jitter: e.target.checked })} /> jitter</label>
    </div>` : null}
  </fieldset>`;
}

const manifests = new Map();

function manifest(integrationId) {
  if (!manifests.has(integrationId)) {
    manifests.set(integrationId, api(`/api/v1/integrations/${encodeURIComponent(integrationId)}`));
  }
  return manifests.get(integrationId);
}

function ConnectionPicker({ node, onChange, readOnly }) {
  const [type, setType] = useState(undefined); // the integration's connection type; null: it takes none
  const [connections, setConnections] = useState([]);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    manifest(node.integrationId).then((m) => setType(m.connectionType ?? null), setError);
  }, [node.integrationId]);
  useEffect(() => {
    api('/api/v1/connections?limit=500').then((page) => setConnections(page.items.filter((c) => c.integrationId === node.integrationId)),
      setError);
  }, [node.integrationId, round]);
  if (type === null) {
    return html`<p class="muted">${node.integrationId} needs no connection.</p>`;
  }
  const selectId = `node-${node.id}-connection`;
  return html`<div class="connection-picker">
    <label for=${selectId}>Connection (${node.integrationId})</label>
    <select id=${selectId} value=${node.connectionId ?? ''} onChange=${(e) => onChange({ connectionId: e.target.value || undefined })}>
      <option value="">none</option>
      ${connections.map((c) => html`<option value=${c.id}>${c.name || c.id}</option>`)}
      ${node.connectionId && !connections.some((c) => c.id === node.connectionId)
        ? html`<option value=${node.connectionId}>${node.connectionId} (not found)</option>` : null}
    </select>
    ${!readOnly && !creating ? html`<button type="button" class="link" data-testid="new-connection" onClick=${() => setCreating(true)}>New connection…</button>` : null}
    <${ErrorBanner} error=${error} />
    ${creating && type ? html`<${ConnectionForm} integrationId=${node.integrationId} type=${type}
      onCancel=${() => setCreating(false)}
      onCreated=${(created) => {
        setRound((r) => r + 1);
        onChange({ connectionId: created.id });
      }} />` : null}
  </div>`;
}

/** Secrets are write-only: the fields the connection type marks secret are sent once and never shown again. */
function isSecret(type, field) {
  return (type.secretFields ?? []).includes(field.fieldName);
}

function ConnectionForm({ integrationId, type, onCreated, onCancel }) {
  const [name, setName] = useState('');
  const [values, setValues] = useState({});
  const [hosts, setHosts] = useState('');
  const [created, setCreated] = useState(null);
  const [test, setTest] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (field, value) => setValues((v) => {
    const next = { ...v };
    if (value === undefined || value === '') {
      delete next[field];
    } else {
      next[field] = value;
    }
    return next;
  });
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { integrationId, name: name || integrationId, credentials: values };
      const allowed = hosts.split(/[\s,]+/).filter(Boolean);
      if (allowed.length) {
        body.allowedHosts = allowed;
      }
      const answer = await api('/api/v1/connections', { method: 'POST', body });
      setCreated(answer);
      setValues({}); // write-only: what was typed is not kept in the page
      onCreated(answer);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const runTest = async () => {
    setBusy(true);
    setTest(null);
    try {
      setTest(await api(`/api/v1/connections/${encodeURIComponent(created.id)}/test`, { method: 'POST' }));
    } catch (failure) {
      setTest({ ok: false, error: { message: failure.message } });
    } finally {
      setBusy(false);
    }
  };
  const fid = (f) => `connection-${integrationId}-${f}`;
  if (created) {
    return html`<div class="connection-form panel" data-testid="connection-created">
      <p>Connection <code>${created.id}</code> saved; its credentials are stored encrypted, and its secrets are shown only masked from now on.</p>
      ${type.testable ? html`<button type="button" onClick=${runTest} disabled=${busy} data-testid="test-connection">Test it</button>`
        : html`<p class="muted">${integrationId} has no connection test.</p>`}
      ${test ? html`<p class=${test.ok ? 'ok-text' : 'error-text'} role="status" data-testid="connection-test-result">
        ${test.ok ? '✓ the integration accepted these credentials' : `✗ ${test.error?.type ? `${test.error.type}: ` : ''}${test.error?.message}`}</p>` : null}
      <button type="button" class="link" onClick=${onCancel}>Close</button>
    </div>`;
  }
  return html`<form class="connection-form panel" data-testid="connection-form" onSubmit=${save}>
    <h3>New ${integrationId} connection</h3>
    <label for=${fid('name')}>Name</label>
    <input id=${fid('name')} value=${name} onInput=${(e) => setName(e.target.value)} />
    ${type.fields.map((f) => html`<div class="field" key=${f.fieldName}>
      <label for=${fid(f.fieldName)}>${f.label}${f.required ? html`<span aria-label="required"> *</span>` : null}</label>
      ${f.validation?.enum ? html`<select id=${fid(f.fieldName)} value=${values[f.fieldName] ?? ''} onChange=${(e) => set(f.fieldName, e.target.value)}>
          <option value="">choose…</option>${f.validation.enum.map((c) => html`<option value=${c}>${c}</option>`)}</select>`
        : html`<input id=${fid(f.fieldName)} type=${f.type === 'number' ? 'number' : isSecret(type, f) ? 'password' : 'text'}
          autocomplete="off" value=${values[f.fieldName] ?? ''}
          onInput=${(e) => set(f.fieldName, f.type === 'number' && e.target.value !== '' ? Number(e.target.value) : e.target.value)} />`}
      ${f.description ? html`<div class="muted">${f.description}</div>` : null}
    </div>`)}
    ${integrationId === 'http' ? html`<label for=${fid('allowed-hosts')}>Hosts these credentials may go to (comma separated)</label>
      <input id=${fid('allowed-hosts')} value=${hosts} placeholder="api.example.com, *.example.org" onInput=${(e) => setHosts(e.target.value)} />` : null}
    <div class="actions">
      <button type="submit" disabled=${busy} data-testid="save-connection">Save the connection</button>
      <button type="button" class="link" onClick=${onCancel}>Cancel</button>
    </div>
    <${ErrorBanner} error=${error} />
  </form>`;
}
