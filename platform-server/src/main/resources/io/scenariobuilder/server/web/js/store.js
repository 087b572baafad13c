// A small store: one object, replaced on change, and a hook that re-renders a view when what it reads changes.
import { useEffect, useState } from '../vendor/htm-preact-standalone.module.js';

export function createStore(initial) {
  let state = initial;
  const listeners = new Set();
  return {
    get: () => state,
    set(change) {
      state = { ...state, ...(typeof change === 'function' ? change(state) : change) };
      listeners.forEach((listener) => listener(state));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useStore(store, select = (s) => s) {
  const [value, setValue] = useState(() => select(store.get()));
  useEffect(() => store.subscribe((state) => setValue(() => select(state))), [store]);
  return value;
}

/** The app's state: the key's role check, and what the header shows. */
export const app = createStore({ signedIn: false, route: location.hash || '#/' });
