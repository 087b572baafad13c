// An execution's log, live: the lines stored so far (replayed by the stream) and each new one as it is written, with
// a minimum level to show. Lines a slow connection could not take are announced where they were dropped.
import { html, useEffect, useRef, useState } from '../../vendor/htm-preact-standalone.module.js';
import { stream } from '../api.js';
import { time } from './common.js';

const LEVELS = ['debug', 'info', 'warn', 'error', 'critical'];
const MAX_LINES = 2000;

export function LiveLog({ executionId }) {
  const [level, setLevel] = useState('debug');
  const [lines, setLines] = useState([]);
  const [state, setState] = useState('connecting');
  const bottom = useRef(null);
  useEffect(() => {
    setLines([]);
    const live = stream('/api/v1/logs/stream', { executionId, level, replay: 1000 }, (message) => {
      setLines((all) => [...all.slice(-(MAX_LINES - 1)), message]);
    }, setState);
    return () => live.close();
  }, [executionId, level]);
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'nearest' });
  }, [lines.length]);
  return html`<section class="panel" aria-labelledby="log-title">
    <div class="panel-head">
      <h2 id="log-title">Log</h2>
      <label>Level at least
        <select value=${level} onChange=${(e) => setLevel(e.target.value)} data-testid="log-level">
          ${LEVELS.map((l) => html`<option value=${l}>${l}</option>`)}
        </select>
      </label>
      <span class="muted" aria-live="polite">${state === 'open' ? 'live' : state.startsWith('error:') ? state.slice(6) : state}</span>
    </div>
    <ol class="log" data-testid="log" aria-live="polite">
      ${lines.length === 0 ? html`<li class="muted">No lines yet.</li>` : null}
      ${lines.map((line, i) => line.type === 'dropped'
        ? html`<li class="dropped" key=${i}>${line.count} line(s) dropped here (the connection was too slow)</li>`
        : html`<li class=${`line level-${line.level}`} key=${i} data-testid="log-line">
            <time>${time(line.timestamp)}</time>
            <span class="level">${line.level}</span>
            ${line.context?.nodeId ? html`<span class="node">[${line.context.nodeId}]</span>` : null}
            <span class="message">${line.message}</span>
          </li>`)}
      <li ref=${bottom} class="end" aria-hidden="true"></li>
    </ol>
  </section>`;
}
