// The live page: asks for an API key once (kept in this tab's sessionStorage), then shows scenarios, executions (live),
// one execution (graph, node details, live log, controls) and metrics. It uses only the public API.
import { html, render, useEffect, useState } from '../vendor/htm-preact-standalone.module.js';
import { ApiError, api, auth } from './api.js';
import { BuilderView } from './views/builder.js';
import { ErrorBanner } from './views/common.js';
import { ExecutionView } from './views/execution.js';
import { ExecutionsView } from './views/executions.js';
import { MetricsView } from './views/metrics.js';
import { ScenarioView, ScenariosView } from './views/scenarios.js';

function useHash() {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const changed = () => setHash(location.hash || '#/');
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function route(hash) {
  const [section, id] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (section === 'scenarios' && id) {
    return html`<${ScenarioView} id=${id} key=${id} />`;
  }
  if (section === 'executions' && id) {
    return html`<${ExecutionView} id=${id} key=${id} />`;
  }
  if (section === 'builder') {
    return html`<${BuilderView} id=${id} key="builder" />`; // one view: it opens what the address names
  }
  if (hash.startsWith('#/executions')) {
    return html`<${ExecutionsView} />`;
  }
  if (hash.startsWith('#/metrics')) {
    return html`<${MetricsView} />`;
  }
  return html`<${ScenariosView} />`;
}

function KeyForm({ onKey }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(null);
  const [checking, setChecking] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setChecking(true);
    setError(null);
    try {
      await api('/api/v1/scenarios?limit=1', { key: key.trim() });
      auth.set(key.trim());
      onKey();
    } catch (e) {
      setError(e.status === 401 ? new ApiError(401, e.code, 'this key is not valid: use the key serve printed, or one an admin made')
        : e);
    } finally {
      setChecking(false);
    }
  };
  return html`<main class="sign-in">
    <h1>Scenario Builder</h1>
    <form onSubmit=${submit}>
      <label for="api-key">API key</label>
      <input id="api-key" type="password" autocomplete="off" required value=${key} data-testid="api-key"
        onInput=${(e) => setKey(e.target.value)} />
      <p class="muted">Kept in this tab only (sessionStorage). Any role can look; pausing and running need an editor key.</p>
      <button type="submit" disabled=${checking || !key.trim()}>Use this key</button>
    </form>
    <${ErrorBanner} error=${error} />
  </main>`;
}

function App() {
  const [signedIn, setSignedIn] = useState(Boolean(auth.key));
  const hash = useHash();
  if (!signedIn) {
    return html`<${KeyForm} onKey=${() => setSignedIn(true)} />`;
  }
  const current = (prefix) => (hash === prefix || hash.startsWith(`${prefix}/`) ? 'page' : undefined);
  return html`<div class="layout">
    <header>
      <a class="brand" href="#/">Scenario Builder</a>
      <nav aria-label="main">
        <a href="#/" aria-current=${hash === '#/' || hash.startsWith('#/scenarios') || hash.startsWith('#/builder/') ? 'page' : undefined}>Scenarios</a>
        <a href="#/builder" aria-current=${hash === '#/builder' ? 'page' : undefined}>New scenario</a>
        <a href="#/executions" aria-current=${current('#/executions')}>Executions</a>
        <a href="#/metrics" aria-current=${current('#/metrics')}>Metrics</a>
        <a href="/api/docs">API docs</a>
      </nav>
      <button type="button" class="link" onClick=${() => (auth.clear(), setSignedIn(false))}>Forget the key</button>
    </header>
    <main>${route(hash)}</main>
  </div>`;
}

addEventListener('unhandledrejection', (event) => {
  // An error nobody caught is shown, not lost in the console.
  const box = document.getElementById('app-errors');
  if (box) {
    render(html`<${ErrorBanner} error=${event.reason} />`, box);
  }
});

const root = document.getElementById('app');
root.textContent = ''; // the "Loading…" shown until the modules arrived
render(html`<${App} /><div id="app-errors"></div>`, root);
