// One execution: its state and controls, its graph with each node's state changing live, a node's input, output,
// error and attempts, and the live log.
import { html, useEffect, useMemo, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api, stream } from '../api.js';
import { ErrorBanner, Json, Status, duration, time, useLoad } from './common.js';
import { ExecutionGraph } from './execution-graph.js';
import { LiveLog } from './live-log.js';

const FINAL = ['completed', 'failed', 'cancelled', 'incomplete'];

/**
 * An execution as it runs: its stored result, reloaded when a node or the execution reaches a new state, and each
 * node's record with the live stream's newer state laid over it. Answers {execution, result, records, status}.
 */
export function useLiveExecution(id) {
  const execution = useLoad(() => (id ? api(`/api/v1/executions/${encodeURIComponent(id)}`) : Promise.resolve(null)), [id]);
  const [live, setLive] = useState(new Map()); // node id -> {status, attempts} from the events stream
  const [status, setStatus] = useState(null);
  useEffect(() => {
    setLive(new Map());
    setStatus(null);
    if (!id) {
      return undefined;
    }
    let refresh = null;
    const events = stream('/api/v1/events/stream', { executionId: id, replay: 1000 }, (event) => {
      if (event.type === 'node') {
        setLive((m) => new Map(m).set(event.nodeId, { status: event.status, attempts: event.attempt }));
        if (FINAL.includes(event.status) || event.status === 'skipped') {
          clearTimeout(refresh);
          refresh = setTimeout(() => execution.reload(), 150); // outputs and errors come from the result
        }
      } else if (event.type === 'execution') {
        setStatus(event.status);
        if (FINAL.includes(event.status) || event.status === 'paused' || event.status === 'running') {
          clearTimeout(refresh);
          refresh = setTimeout(() => execution.reload(), 50);
        }
      }
    });
    return () => {
      clearTimeout(refresh);
      events.close();
    };
  }, [id]);

  const result = execution.data;
  const records = useMemo(() => {
    const map = new Map((result?.nodes ?? []).map((n) => [n.nodeId, n]));
    for (const [nodeId, change] of live) {
      const stored = map.get(nodeId);
      // The stream is newer than a result read before the change, never older than a final stored state.
      if (!stored || !['completed', 'failed', 'skipped', 'cancelled'].includes(stored.status) || stored.attempts < change.attempts) {
        map.set(nodeId, { ...(stored ?? { nodeId }), status: change.status, attempts: change.attempts ?? stored?.attempts });
      }
    }
    return map;
  }, [result, live]);
  const current = result && FINAL.includes(result.status) ? result.status : status ?? result?.status ?? 'queued';
  return { execution, result, records, status: current };
}

export function ExecutionView({ id }) {
  const { execution, result, records, status: current } = useLiveExecution(id);
  const [scenario, setScenario] = useState(null);
  const [selected, setSelected] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [busy, setBusy] = useState(false);

  const scenarioId = result?.scenarioId;
  useEffect(() => {
    if (scenarioId) {
      api(`/api/v1/scenarios/${encodeURIComponent(scenarioId)}`).then(setScenario, () => setScenario(null));
    }
  }, [scenarioId]);

  if (execution.error && !result) {
    return html`<${ErrorBanner} error=${execution.error} />`;
  }
  if (!result) {
    return html`<p class="loading">Loading execution…</p>`;
  }
  const command = (name) => async () => {
    setBusy(true);
    setActionError(null);
    try {
      await api(`/api/v1/executions/${encodeURIComponent(id)}/${name}`, { method: 'POST' });
      await execution.reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  const node = selected && scenario?.nodes.find((n) => n.id === selected);
  return html`<article class="execution" data-testid="execution" data-status=${current}>
    <div class="title-row">
      <h1>Execution <code>${result.id}</code></h1>
      <${Status} status=${current} />
    </div>
    <dl class="facts">
      <div><dt>Scenario</dt><dd><a href=${`#/scenarios/${encodeURIComponent(result.scenarioId)}`}>${result.scenarioId}</a> v${result.scenarioVersion}</dd></div>
      <div><dt>Started</dt><dd>${time(result.startTime)}</dd></div>
      <div><dt>Duration</dt><dd>${duration(result.duration)}</dd></div>
      <div><dt>Nodes</dt><dd>${result.completedNodes} completed, ${result.failedNodes} failed of ${result.totalNodes}</dd></div>
      <div><dt>Trace</dt><dd><code>${result.traceId ?? ''}</code></dd></div>
    </dl>
    ${result.error ? html`<p class="error-text">${result.error.type}: ${result.error.message}</p>` : null}
    <div class="actions" role="group" aria-label="execution controls">
      <button type="button" onClick=${command('pause')} disabled=${busy || !['running', 'queued'].includes(current)}>Pause</button>
      <button type="button" onClick=${command('resume')} disabled=${busy || current !== 'paused'}>Resume</button>
      <button type="button" onClick=${command('cancel')} disabled=${busy || FINAL.includes(current)}>Cancel</button>
      <button type="button" onClick=${command('retry')} disabled=${busy || !['failed', 'incomplete'].includes(current)}>Retry</button>
    </div>
    <${ErrorBanner} error=${actionError} onClose=${() => setActionError(null)} />
    ${scenario ? html`
      ${scenario.version !== result.scenarioVersion ? html`<p class="muted">Drawn from the scenario's version ${scenario.version};
        this execution ran version ${result.scenarioVersion}.</p>` : null}
      <${ExecutionGraph} scenario=${scenario} records=${records} selected=${selected} onSelect=${setSelected} />`
      : html`<p class="muted">The scenario's graph is not available (it may have been deleted).</p>`}
    ${node ? html`<${NodePanel} node=${node} record=${records.get(node.id)} result=${result} scenario=${scenario} />` : null}
    <${LiveLog} executionId=${id} />
  </article>`;
}

export function inputOf(nodeId, scenario, result) {
  const from = (scenario.connections ?? []).filter((c) => c.toNodeId === nodeId);
  if (from.length === 0) {
    return result.trigger;
  }
  const outputs = Object.fromEntries(from.map((c) => [c.fromNodeId, result.context?.[c.fromNodeId]]));
  return from.length === 1 ? outputs[from[0].fromNodeId] : outputs;
}

export function NodePanel({ node, record, result, scenario }) {
  return html`<section class="panel" aria-labelledby="node-title" data-testid="node-panel">
    <div class="panel-head"><h2 id="node-title">Node <code>${node.id}</code></h2>
      <${Status} status=${record?.status ?? 'pending'} /></div>
    <p class="muted">${node.integrationId}.${node.actionId}${node.connectionId ? `, connection ${node.connectionId}` : ''}</p>
    <div class="columns">
      <div><h3>Input</h3><${Json} label="input" value=${inputOf(node.id, scenario, result)} /></div>
      <div><h3>Output</h3><${Json} label="output" value=${record?.output ?? null} /></div>
    </div>
    ${record?.error ? html`<h3>Error</h3><${Json} label="error" value=${record.error} />` : null}
    <h3>Attempts</h3>
    ${record?.attemptHistory?.length ? html`<div class="table-scroll"><table class="table">
      <thead><tr><th scope="col">#</th><th scope="col">Started</th><th scope="col">Took</th><th scope="col">Error</th><th scope="col">Span</th></tr></thead>
      <tbody>${record.attemptHistory.map((a) => html`<tr key=${a.attempt}>
        <td>${a.attempt}</td><td>${time(a.startTime)}</td>
        <td>${a.startTime && a.endTime ? duration(new Date(a.endTime) - new Date(a.startTime)) : ''}</td>
        <td>${a.error ? `${a.error.type}: ${a.error.message}` : ''}${a.retryDelayMs != null ? ` (retried after ${a.retryDelayMs} ms)` : ''}</td>
        <td><code>${a.spanId ?? ''}</code></td></tr>`)}</tbody></table></div>` : html`<p class="muted">None yet.</p>`}
  </section>`;
}
