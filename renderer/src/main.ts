import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { BRIDGE_GLOBAL, type StockfeedBridge } from '../../shared/bridge';
import App from './App.vue';
import { APP_API, createAppApi } from './api/app-api';
import { createTokenStore, tokenFromHash, type StorageLike } from './api/token';
import { createAppRouter } from './router';
import { useSessionStore } from './stores/session';
import './styles/main.css';

function storage(kind: 'sessionStorage' | 'localStorage'): StorageLike | null {
  try {
    return window[kind];
  } catch {
    return null;
  }
}

const tokens = createTokenStore(storage('sessionStorage'), storage('localStorage'));

// The server's link carries the token in the hash (#token=…). Take it before the router reads the
// hash, and replace the address so the token stays out of the address bar and the history.
const linked = tokenFromHash(window.location.hash);
if (linked) {
  tokens.set(linked, tokens.remembered());
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
}
// A sign-in link pasted into a tab that already shows the app changes only the hash: take that
// token too, and start afresh with it (the router would otherwise treat it as an unknown route).
window.addEventListener('hashchange', () => {
  const pasted = tokenFromHash(window.location.hash);
  if (!pasted) return;
  tokens.set(pasted, tokens.remembered());
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
  window.location.reload();
});

const bridge = (globalThis as Record<string, unknown>)[BRIDGE_GLOBAL] as StockfeedBridge | undefined;
const pinia = createPinia();
const api = createAppApi({
  bridge,
  tokens,
  fetch: (url, init) => window.fetch(url, init),
  onUnauthorized: () => useSessionStore(pinia).tokenRejected(),
});

const app = createApp(App);
app.provide(APP_API, api);
app.use(pinia);
const router = createAppRouter(pinia);
app.use(router);
// Mount once the start-up navigation (and its redirect) has settled, so a click or a typed address
// in the first moments cannot be overtaken by it.
void router.isReady().then(() => app.mount('#app'));
