// A node's configuration form, drawn from its action's field specs (GET .../actions/{actionId}) in the order the API
// gives (fieldOrder: each field after those its options depend on). Fetched options load once their dependencies have
// values, with a loading state, the provider's error on the field, and a refresh button; changing a field clears the
// fields that depend on it. The server's validation problems for the node are shown on their fields. A field may be
// switched to a JSONata expression (fx), kept as `{{ expression }}`; a field whose format is `jsonata` always is one.
import { html, useEffect, useMemo, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { ExpressionInput } from '../builder/expression-input.js';
import { asExpression, expressionOf, isExpression } from '../builder/model.js';

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

function FetchedOptions({ node, field, configuration, onChoose, value, inputId, readOnly }) {
  const depends = field.fetchOptions.dependsOn ?? [];
  const missing = depends.filter((d) => !filled(configuration[d]));
  const key = JSON.stringify(depends.map((d) => configuration[d]));
  const [state, setState] = useState({ loading: false, options: null, error: null, allowCustom: false });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (missing.length || readOnly) {
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
  if (readOnly) {
    return html`<input id=${inputId} value=${value ?? ''} disabled />`;
  }
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

function FieldInput({ node, field, configuration, value, onValue, inputId, readOnly, scenario }) {
  // An absent value shows the default: in the input where it is a choice, as the placeholder where it is typed.
  const fallback = field.defaultValue === undefined || field.defaultValue === null ? '' : String(field.defaultValue);
  if (field.fetchOptions) {
    return html`<${FetchedOptions} node=${node} field=${field} configuration=${configuration} value=${value} onChoose=${onValue}
      inputId=${inputId} readOnly=${readOnly} />`;
  }
  if (field.ui?.format === 'jsonata') {
    return html`<${ExpressionInput} inputId=${inputId} value=${value ?? ''} rows=${field.ui?.rows ?? 3} scenario=${scenario}
      nodeId=${node.id} disabled=${readOnly} onValue=${(text) => onValue(text || undefined)} />`;
  }
  const choices = field.validation?.enum;
  const text = (e) => onValue(e.target.value || undefined);
  switch (field.type) {
    case 'boolean':
      return html`<input id=${inputId} type="checkbox" disabled=${readOnly} checked=${(value ?? field.defaultValue) === true}
        onChange=${(e) => onValue(e.target.checked)} />`;
    case 'number':
      return html`<input id=${inputId} type="number" disabled=${readOnly} value=${value ?? ''} placeholder=${fallback} min=${field.ui?.min}
        max=${field.ui?.max} step=${field.ui?.step} onInput=${(e) => onValue(e.target.value === '' ? undefined : Number(e.target.value))} />`;
    case 'textarea':
      return html`<textarea id=${inputId} disabled=${readOnly} rows=${field.ui?.rows ?? 3} placeholder=${field.ui?.placeholder ?? fallback}
        value=${value ?? ''} onInput=${text}></textarea>`;
    case 'json':
      return html`<${JsonInput} inputId=${inputId} value=${value ?? field.defaultValue ?? undefined} onValue=${onValue} readOnly=${readOnly} />`;
    case 'multi-select':
      if (choices) {
        const chosen = new Set(Array.isArray(value) ? value : []);
        return html`<select id=${inputId} multiple disabled=${readOnly} size=${Math.min(choices.length, 5)}
          onChange=${(e) => onValue([...e.target.selectedOptions].map((o) => o.value))}>
          ${choices.map((c) => html`<option value=${c} selected=${chosen.has(c)}>${c}</option>`)}</select>`;
      }
      return html`<input id=${inputId} disabled=${readOnly} value=${Array.isArray(value) ? value.join(', ') : value ?? ''}
        placeholder="values, separated by commas"
        onInput=${(e) => onValue(e.target.value.trim() ? e.target.value.split(',').map((v) => v.trim()).filter(Boolean) : undefined)} />`;
    case 'select':
      if (choices) {
        return html`<select id=${inputId} disabled=${readOnly} value=${value ?? fallback} onChange=${text}>
          <option value="">choose…</option>${choices.map((c) => html`<option value=${c}>${c}</option>`)}</select>`;
      }
      return html`<input id=${inputId} disabled=${readOnly} value=${value ?? ''} placeholder=${fallback} onInput=${text} />`;
    case 'date':
      return html`<input id=${inputId} type="date" disabled=${readOnly} value=${value ?? ''} onInput=${text} />`;
    case 'datetime': // typed in the browser's time zone, kept as an ISO instant (UTC), as the server expects
      return html`<input id=${inputId} type="datetime-local" disabled=${readOnly} value=${localTime(value)}
        onInput=${(e) => onValue(e.target.value ? new Date(e.target.value).toISOString() : undefined)} />
        <span class="muted">${Intl.DateTimeFormat().resolvedOptions().timeZone} time</span>`;
    default:
      return html`<input id=${inputId} type="text" disabled=${readOnly} value=${value ?? ''}
        placeholder=${field.ui?.placeholder ?? fallback} onInput=${text} />`;
  }
}

/** An ISO instant as a datetime-local input shows it: in the browser's time zone, to the minute. */
function localTime(iso) {
  const d = typeof iso === 'string' ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) {
    return '';
  }
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Says which default applies when a typed field is left empty. */
function fallbackNote(field, value) {
  const typed = ['number', 'input', 'textarea', 'date', 'datetime'].includes(field.type);
  if (!typed || value !== undefined || field.defaultValue === undefined || field.defaultValue === null || field.fetchOptions) {
    return null;
  }
  return html`<div class="muted">Empty: ${JSON.stringify(field.defaultValue)} (the default).</div>`;
}

/** A field that can be switched to an expression (fx): not one whose options the plugin fetches, not a bare JSONata one. */
function switchable(field) {
  return !field.fetchOptions && field.ui?.format !== 'jsonata';
}

function JsonInput({ inputId, value, onValue, readOnly }) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [error, setError] = useState(null);
  return html`<span><textarea id=${inputId} rows="4" disabled=${readOnly} value=${text} onInput=${(e) => {
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

export function NodeForm({ node, scenario, problems, onConfigure, readOnly }) {
  const spec = useMemo(() => actionSpec(node.integrationId, node.actionId), [node.integrationId, node.actionId]);
  const [action, setAction] = useState(null);
  const [error, setError] = useState(null);
  const configuration = node.configuration ?? {};
  // Which fields show an expression: those holding one, and those the user switched (still empty).
  const [expressions, setExpressions] = useState(() => new Set(Object.keys(configuration).filter((k) => isExpression(configuration[k]))));
  useEffect(() => {
    spec.then(setAction, setError);
  }, [spec]);
  if (error) {
    return html`<p class="field-error" role="alert">${error.message}</p>`;
  }
  if (!action) {
    return html`<p class="loading">Loading the fields of ${node.actionId}…</p>`;
  }
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
  const toggle = (name) => {
    const on = !expressions.has(name);
    const next = new Set(expressions);
    if (on) {
      next.add(name);
    } else {
      next.delete(name);
    }
    setExpressions(next);
    set(name, undefined); // a value does not carry over between a literal and an expression
  };
  const fieldProblems = (name) => (problems ?? []).filter((p) => p.field === name);
  return html`<form class="node-form" data-testid=${`node-form-${node.id}`} onSubmit=${(e) => e.preventDefault()}>
    <h2>${node.id} <span class="muted">${node.integrationId} · ${action.name}</span></h2>
    ${action.description ? html`<p class="muted">${action.description}</p>` : null}
    ${order.length === 0 ? html`<p class="muted">This action has nothing to configure.</p>` : null}
    ${order.map((name) => {
      const field = byName.get(name);
      const inputId = `field-${node.id}-${name}`;
      const issues = fieldProblems(name);
      const asFx = expressions.has(name) && switchable(field);
      return html`<div class=${`field${issues.length ? ' invalid' : ''}`} key=${name}>
        <label for=${inputId}>${field.label}${field.required ? html`<span aria-label="required"> *</span>` : null}</label>
        ${switchable(field) ? html`<button type="button" class=${`fx${asFx ? ' on' : ''}`} aria-pressed=${asFx} disabled=${readOnly}
            data-testid=${`fx-${node.id}-${name}`} title="an expression (JSONata) instead of a value"
            aria-label=${`${field.label}: ${asFx ? 'use a value' : 'use an expression'}`} onClick=${() => toggle(name)}>fx</button>` : null}
        ${asFx ? html`<${ExpressionInput} inputId=${inputId} scenario=${scenario} nodeId=${node.id} disabled=${readOnly}
            value=${expressionOf(configuration[name])} onValue=${(text) => set(name, text.trim() ? asExpression(text) : undefined)} />`
          : html`<${FieldInput} node=${node} field=${field} configuration=${configuration} value=${configuration[name]}
            onValue=${(v) => set(name, v)} inputId=${inputId} readOnly=${readOnly} scenario=${scenario} />`}
        ${field.description ? html`<div class="muted">${field.description}</div>` : null}
        ${fallbackNote(field, configuration[name])}
        ${field.ui?.helpText ? html`<div class="muted">${field.ui.helpText}</div>` : null}
        ${asFx ? html`<div class="muted">An expression: type a name for completions (Ctrl+Space lists them all).</div>` : null}
        ${issues.map((p) => html`<div class="field-error" role="alert" data-testid=${`problem-${node.id}-${name}`}>${p.message}</div>`)}
      </div>`;
    })}
  </form>`;
}
