// The scenarios: each with its trigger, last execution and success rate over a day; one scenario with a Run button
// and its executions as they happen.
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api, stream } from '../api.js';
import { ErrorBanner, Status, time, useLoad } from './common.js';
import { ExecutionTable, merge } from './executions.js';

function trigger(t) {
  if (!t || t.type === 'manual') {
    return 'manual';
  }
  return t.type === 'webhook' ? `webhook /hooks/${t.path}` : `schedule ${t.cron}${t.timezone ? ` (${t.timezone})` : ''}`;
}

export function ScenariosView() {
  const data = useLoad(async () => {
    const [scenarios, executions, metrics] = await Promise.all([
      api('/api/v1/scenarios?limit=500'), api('/api/v1/executions?limit=200'), api('/api/v1/metrics?window=24h')]);
    const last = new Map();
    for (const e of executions.items) {
      if (!last.has(e.scenarioId)) {
        last.set(e.scenarioId, e);
      }
    }
    const rates = new Map(metrics.scenarios.map((s) => [s.scenarioId, s.executions]));
    return { scenarios: scenarios.items, last, rates };
  }, []);
  if (data.error) {
    return html`<${ErrorBanner} error=${data.error} />`;
  }
  if (!data.data) {
    return html`<p class="loading">Loading scenarios…</p>`;
  }
  const { scenarios, last, rates } = data.data;
  return html`<section aria-labelledby="scenarios-title">
    <h1 id="scenarios-title">Scenarios</h1>
    ${scenarios.length === 0 ? html`<p class="muted">No scenario is saved yet: draw one in the <a href="#/builder">builder</a>, or POST one to /api/v1/scenarios.</p>` : html`
    <div class="table-scroll"><table class="table" data-testid="scenarios">
      <thead><tr><th scope="col">Scenario</th><th scope="col">Trigger</th><th scope="col">Last execution</th>
        <th scope="col">Success (24 h)</th></tr></thead>
      <tbody>${scenarios.map((s) => {
        const e = last.get(s.id);
        const rate = rates.get(s.id);
        return html`<tr key=${s.id}>
          <td><a href=${`#/scenarios/${encodeURIComponent(s.id)}`} data-testid=${`scenario-${s.id}`}>${s.name || s.id}</a>
            <div class="muted"><code>${s.id}</code> v${s.version}</div></td>
          <td>${trigger(s.trigger)}</td>
          <td>${e ? html`<a href=${`#/executions/${e.id}`}><${Status} status=${e.status} /></a> <span class="muted">${time(e.startTime)}</span>`
            : html`<span class="muted">none</span>`}</td>
          <td>${rate?.successRate != null ? `${Math.round(rate.successRate * 100)}% of ${rate.total}` : html`<span class="muted">–</span>`}</td>
        </tr>`;
      })}</tbody></table></div>`}
  </section>`;
}

export function ScenarioView({ id }) {
  const scenario = useLoad(() => api(`/api/v1/scenarios/${encodeURIComponent(id)}`), [id]);
  const [triggerText, setTriggerText] = useState('{}');
  const [runError, setRunError] = useState(null);
  const [running, setRunning] = useState(false);
  if (scenario.error) {
    return html`<${ErrorBanner} error=${scenario.error} />`;
  }
  if (!scenario.data) {
    return html`<p class="loading">Loading scenario…</p>`;
  }
  const s = scenario.data;
  let parsed;
  let parseError = null;
  try {
    parsed = JSON.parse(triggerText || '{}');
  } catch (e) {
    parseError = e.message;
  }
  const run = async (event) => {
    event.preventDefault();
    setRunning(true);
    setRunError(null);
    try {
      const started = await api(`/api/v1/scenarios/${encodeURIComponent(id)}/executions`, { method: 'POST', body: parsed });
      location.hash = `#/executions/${started.executionId}`;
    } catch (e) {
      setRunError(e);
    } finally {
      setRunning(false);
    }
  };
  return html`<article aria-labelledby="scenario-title">
    <div class="title-row"><h1 id="scenario-title">${s.name || s.id}</h1>
      <a href=${`#/builder/${encodeURIComponent(s.id)}`} data-testid="open-in-builder">Open in the builder</a></div>
    <dl class="facts">
      <div><dt>Id</dt><dd><code>${s.id}</code></dd></div>
      <div><dt>Version</dt><dd>${s.version}</dd></div>
      <div><dt>Trigger</dt><dd>${trigger(s.trigger)}</dd></div>
      <div><dt>Nodes</dt><dd>${s.nodes.length}</dd></div>
    </dl>
    <form class="run" onSubmit=${run}>
      <label for="trigger-data">Trigger data (JSON)</label>
      <textarea id="trigger-data" rows="3" value=${triggerText} onInput=${(e) => setTriggerText(e.target.value)}
        aria-invalid=${parseError ? 'true' : 'false'} aria-describedby="trigger-help"></textarea>
      <p id="trigger-help" class=${parseError ? 'error-text' : 'muted'}>${parseError ? `Not JSON: ${parseError}` : 'Sent as the body of the start.'}</p>
      <button type="submit" disabled=${running || parseError !== null} data-testid="run">Run now</button>
    </form>
    <${ErrorBanner} error=${runError} onClose=${() => setRunError(null)} />
    <${ScenarioExecutions} scenarioId=${id} />
  </article>`;
}

function ScenarioExecutions({ scenarioId }) {
  const list = useLoad(() => api(`/api/v1/executions?scenarioId=${encodeURIComponent(scenarioId)}&limit=20`), [scenarioId]);
  useEffect(() => {
    const live = stream('/api/v1/events/stream', { scenarioId, type: 'execution', replay: 0 }, (event) => {
      list.setData((page) => merge(page, event));
    });
    return () => live.close();
  }, [scenarioId]);
  return html`<section aria-labelledby="recent-title"><h2 id="recent-title">Its executions</h2>
    ${list.data ? html`<${ExecutionTable} items=${list.data.items} />` : html`<p class="loading">Loading…</p>`}</section>`;
}
