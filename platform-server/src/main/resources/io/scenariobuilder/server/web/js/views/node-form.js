// A node's configuration form, drawn from its action's field specs (GET .../actions/{actionId}) in the order the API
// gives (fieldOrder: each field after those its options depend on). Fetched options load once their dependencies have
// values, with a loading state, the provider's error on the field, and a refresh button; changing a field clears the
// fields that depend on it. The server's validation problems for the node are shown on their fields.
import { html, useEffect, useMemo, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';

const specs = new Map();

function actionSpec(integrationId, actionId) {
  const key = `${integrationId}/${actionId}`;
  if (!specs.has(key)) {
    specs.set(key, api(`/api/v1/integrations/${encodeURIComponent(integrationId)}/actions/${encodeURIComponent(actionId)}`));
  }
  return specs.get(key);
}

function filled(value) {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

/** The fields that depend on `name`, directly or through others. */
function dependents(fields, name) {
  const out = new Set();
  const queue = [name];
  while (queue.length) {
    const current = queue.shift();
    for (const f of fields) {
      if ((f.fetchOptions?.dependsOn ?? []).includes(current) && !out.has(f.fieldName)) {
        out.add(f.fieldName);
        queue.push(f.fieldName);
      }
    }
  }
  return out;
}

function FetchedOptions({ node, field, configuration, onChoose, value, inputId }) {
  const depends = field.fetchOptions.dependsOn ?? [];
  const missing = depends.filter((d) => !filled(configuration[d]));
  const key = JSON.stringify(depends.map((d) => configuration[d]));
  const [state, setState] = useState({ loading: false, options: null, error: null, allowCustom: false });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (missing.length) {
      setState({ loading: false, options: null, error: null, allowCustom: false });
      return;
    }
    let current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    const values = Object.fromEntries(depends.map((d) => [d, configuration[d]]));
    api(`/api/v1/integrations/${encodeURIComponent(node.integrationId)}/actions/${encodeURIComponent(node.actionId)}/fields/`
      + `${encodeURIComponent(field.fieldName)}/options`, { method: 'POST', body: { connectionId: node.connectionId ?? null, values } })
      .then((answer) => current && setState({ loading: false, options: answer.options, error: null, allowCustom: answer.allowCustom }),
        (error) => current && setState({ loading: false, options: null, error, allowCustom: false }));
    return () => {
      current = false;
    };
  }, [key, round, node.connectionId]);
  if (missing.length) {
    return html`<select id=${inputId} disabled><option>first choose ${missing.join(', ')}</option></select>`;
  }
  const listId = `${inputId}-options`;
  return html`<span class="fetched">
    ${state.allowCustom ? html`<input id=${inputId} list=${listId} value=${value ?? ''} onInput=${(e) => onChoose(e.target.value)} />
      <datalist id=${listId}>${(state.options ?? []).map((o) => html`<option value=${o.value}>${o.label}</option>`)}</datalist>`
      : html`<select id=${inputId} disabled=${state.loading || !state.options} value=${value ?? ''} aria-busy=${state.loading}
          onChange=${(e) => onChoose(e.target.value === '' ? undefined : (state.options ?? []).find((o) => String(o.value) === e.target.value)?.value)}>
        <option value="">${state.loading ? 'loading…' : 'choose…'}</option>
        ${(state.options ?? []).map((o) => html`<option value=${String(o.value)}>${o.label}</option>`)}
      </select>`}
    <button type="button" class="link" onClick=${() => setRound((r) => r + 1)} aria-label=${`refresh the options of ${field.label}`}>↻</button>
    ${state.error ? html`<span class="field-error" role="alert" data-testid=${`options-error-${field.fieldName}`}>${state.error.message}</span>` : null}
  </span>`;
}

function FieldInput({ node, field, configuration, value, onValue, inputId }) {
  if (field.fetchOptions) {
    return html`<${FetchedOptions} node=${node} field=${field} configuration=${configuration} value=${value} onChoose=${onValue} inputId=${inputId} />`;
  }
  const choices = field.validation?.enum;
  switch (field.type) {
    case 'boolean':
      return html`<input id=${inputId} type="checkbox" checked=${value === true} onChange=${(e) => onValue(e.target.checked)} />`;
    case 'number':
      return html`<input id=${inputId} type="number" value=${value ?? ''} min=${field.ui?.min} max=${field.ui?.max} step=${field.ui?.step}
        onInput=${(e) => onValue(e.target.value === '' ? undefined : Number(e.target.value))} />`;
    case 'textarea':
      return html`<textarea id=${inputId} rows=${field.ui?.rows ?? 3} onInput=${(e) => onValue(e.target.value || undefined)}>${value ?? ''}</textarea>`;
    case 'json':
      return html`<${JsonInput} inputId=${inputId} value=${value} onValue=${onValue} />`;
    case 'select':
      if (choices) {
        return html`<select id=${inputId} value=${value ?? ''} onChange=${(e) => onValue(e.target.value || undefined)}>
          <option value="">choose…</option>${choices.map((c) => html`<option value=${c}>${c}</option>`)}</select>`;
      }
      return html`<input id=${inputId} value=${value ?? ''} onInput=${(e) => onValue(e.target.value || undefined)} />`;
    default:
      return html`<input id=${inputId} type=${field.type === 'date' ? 'date' : 'text'} value=${value ?? ''}
        placeholder=${field.ui?.placeholder ?? ''} onInput=${(e) => onValue(e.target.value || undefined)} />`;
  }
}

function JsonInput({ inputId, value, onValue }) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [error, setError] = useState(null);
  return html`<span><textarea id=${inputId} rows="4" value=${text} onInput=${(e) => {
    setText(e.target.value);
    if (!e.target.value.trim()) {
      setError(null);
      onValue(undefined);
      return;
    }
    try {
      onValue(JSON.parse(e.target.value));
      setError(null);
    } catch (failure) {
      setError(`not JSON yet: ${failure.message}`);
    }
  }}></textarea>${error ? html`<span class="field-error">${error}</span>` : null}</span>`;
}

export function NodeForm({ node, problems, onConfigure }) {
  const spec = useMemo(() => actionSpec(node.integrationId, node.actionId), [node.integrationId, node.actionId]);
  const [action, setAction] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    spec.then(setAction, setError);
  }, [spec]);
  if (error) {
    return html`<p class="field-error" role="alert">${error.message}</p>`;
  }
  if (!action) {
    return html`<p class="loading">Loading the fields of ${node.actionId}…</p>`;
  }
  const configuration = node.configuration ?? {};
  const byName = new Map(action.fields.map((f) => [f.fieldName, f]));
  const order = (action.fieldOrder ?? action.fields.map((f) => f.fieldName)).filter((n) => byName.has(n));
  const set = (name, value) => {
    const next = { ...configuration };
    if (value === undefined) {
      delete next[name];
    } else {
      next[name] = value;
    }
    for (const dependent of dependents(action.fields, name)) {
      delete next[dependent]; // what depended on the old value no longer fits
    }
    onConfigure(next);
  };
  const fieldProblems = (name) => (problems ?? []).filter((p) => p.field === name);
  return html`<form class="node-form" data-testid=${`node-form-${node.id}`} onSubmit=${(e) => e.preventDefault()}>
    <h2>${node.id} <span class="muted">${node.integrationId} · ${action.name}</span></h2>
    ${order.map((name) => {
      const field = byName.get(name);
      const inputId = `field-${node.id}-${name}`;
      const issues = fieldProblems(name);
      return html`<div class=${`field${issues.length ? ' invalid' : ''}`} key=${name}>
        <label for=${inputId}>${field.label}${field.required ? html`<span aria-label="required"> *</span>` : null}</label>
        <${FieldInput} node=${node} field=${field} configuration=${configuration} value=${configuration[name] ?? field.defaultValue}
          onValue=${(v) => set(name, v)} inputId=${inputId} />
        ${field.description ? html`<div class="muted">${field.description}</div>` : null}
        ${field.ui?.helpText ? html`<div class="muted">${field.ui.helpText}</div>` : null}
        ${issues.map((p) => html`<div class="field-error" role="alert" data-testid=${`problem-${node.id}-${name}`}>${p.message}</div>`)}
      </div>`;
    })}
  </form>`;
}
