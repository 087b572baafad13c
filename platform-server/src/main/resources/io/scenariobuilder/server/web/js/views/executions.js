// Recent executions, newest first, updated live from the events stream.
import { html, useEffect } from '../../vendor/htm-preact-standalone.module.js';
import { api, stream } from '../api.js';
import { ErrorBanner, Status, duration, time, useLoad } from './common.js';

export function ExecutionTable({ items }) {
  if (items.length === 0) {
    return html`<p class="muted">No execution yet.</p>`;
  }
  return html`<div class="table-scroll"><table class="table" data-testid="executions">
    <thead><tr><th scope="col">Execution</th><th scope="col">Scenario</th><th scope="col">Status</th>
      <th scope="col">Started</th><th scope="col">Took</th></tr></thead>
    <tbody>${items.map((e) => html`<tr key=${e.id} data-testid=${`execution-${e.id}`}>
      <td><a href=${`#/executions/${e.id}`}><code>${e.id.slice(-12)}</code></a></td>
      <td><a href=${`#/scenarios/${encodeURIComponent(e.scenarioId)}`}>${e.scenarioId}</a></td>
      <td><${Status} status=${e.status} /></td>
      <td>${time(e.startTime)}</td>
      <td>${e.duration != null ? duration(e.duration) : e.endTime && e.startTime ? duration(new Date(e.endTime) - new Date(e.startTime)) : ''}</td>
    </tr>`)}</tbody></table></div>`;
}

export function ExecutionsView() {
  const list = useLoad(() => api('/api/v1/executions?limit=50'), []);
  useEffect(() => {
    const live = stream('/api/v1/events/stream', { type: 'execution', replay: 0 }, (event) => list.setData((page) => merge(page, event)));
    return () => live.close();
  }, []);
  return html`<section aria-labelledby="executions-title">
    <h1 id="executions-title">Recent executions</h1>
    <p class="muted">Updated live.</p>
    ${list.error ? html`<${ErrorBanner} error=${list.error} />` : null}
    ${list.data ? html`<${ExecutionTable} items=${list.data.items} />` : html`<p class="loading">Loading…</p>`}
  </section>`;
}

/** A page of executions with one execution event applied: its row's status changes, or a new row comes first. */
export function merge(page, event) {
  if (!page) {
    return page;
  }
  const items = page.items.slice();
  const i = items.findIndex((e) => e.id === event.executionId);
  if (i >= 0) {
    items[i] = { ...items[i], status: event.status, endTime: ['completed', 'failed', 'cancelled', 'incomplete'].includes(event.status) ? event.timestamp : items[i].endTime };
  } else {
    items.unshift({ id: event.executionId, scenarioId: event.scenarioId, status: event.status, startTime: event.timestamp });
  }
  return { ...page, items: items.slice(0, 200) };
}
