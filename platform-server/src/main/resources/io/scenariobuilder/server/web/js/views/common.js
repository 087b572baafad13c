// What several views show: a status (text and shape, never colour alone), an error from the API, JSON, times.
import { html, useEffect, useState, useCallback } from '../../vendor/htm-preact-standalone.module.js';

const SHAPES = {
  queued: '○', pending: '○', running: '◐', waiting_retry: '↻', paused: '⏸', completed: '✓', failed: '✗',
  cancelled: '⊘', skipped: '–', incomplete: '◒',
};

export function Status({ status }) {
  return html`<span class="status status-${status}" data-status=${status}>
    <span aria-hidden="true">${SHAPES[status] ?? '?'}</span> ${status.replace('_', ' ')}</span>`;
}

export function ErrorBanner({ error, onClose }) {
  if (!error) {
    return null;
  }
  return html`<div class="error" role="alert" data-testid="error">
    <strong>${error.code ?? 'error'}</strong>: ${error.message}
    ${error.details?.length ? html`<ul>${error.details.map((d) => html`<li>${d.path ? `${d.path}: ` : ''}${d.message}</li>`)}</ul>` : null}
    ${onClose ? html`<button type="button" class="link" onClick=${onClose}>Dismiss</button>` : null}
  </div>`;
}

export function Json({ value, label }) {
  const text = value === undefined ? '' : JSON.stringify(value, null, 2);
  return html`<pre class="json" aria-label=${label}>${text}</pre>`;
}

export function time(iso) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour12: false }) + (Date.now() - d.getTime() > 86400000 ? ` ${d.toLocaleDateString()}` : '');
}

export function duration(ms) {
  if (ms === null || ms === undefined) {
    return '';
  }
  if (ms < 1000) {
    return `${ms} ms`;
  }
  return ms < 60000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Loads with `load` on mount and when `deps` change; returns {data, error, loading, reload, setData}. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const reload = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    return load().then((data) => setState({ data, error: null, loading: false }),
      (error) => setState((s) => ({ ...s, error, loading: false })));
  }, deps);
  useEffect(() => {
    reload();
  }, [reload]);
  return { ...state, reload, setData: (data) => setState((s) => ({ ...s, data: typeof data === 'function' ? data(s.data) : data })) };
}

export function link(href, text, attrs = {}) {
  return html`<a href=${href} ...${attrs}>${text}</a>`;
}
