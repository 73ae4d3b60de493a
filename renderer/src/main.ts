import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { BRIDGE_GLOBAL, type StockfeedBridge } from '../../shared/bridge';
import App from './App.vue';
import { APP_API, createAppApi } from './api/app-api';
import { credentialFromHash, hashHoldsCredential, takeLegacyToken, type StorageLike } from './api/token';
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

/**
 * Takes a sign-in link's credential (`#signin=…`, or `#token=…` from an older link or bookmark)
 * out of the address before anything else reads it, so it stays out of the address bar, the
 * history entry and the router.
 */
function takeLinkCredential(): ReturnType<typeof credentialFromHash> {
  const hash = window.location.hash;
  if (!hashHoldsCredential(hash)) return null;
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
  return credentialFromHash(hash);
}

async function main(): Promise<void> {
  const linked = takeLinkCredential();
  const bridge = (globalThis as Record<string, unknown>)[BRIDGE_GLOBAL] as StockfeedBridge | undefined;
  // Earlier versions kept the token in the browser's storage; it is exchanged once, and removed.
  const legacy = bridge ? null : takeLegacyToken([storage('sessionStorage'), storage('localStorage')]);
  const pinia = createPinia();
  const api = createAppApi({
    bridge,
    fetch: (url, init) => window.fetch(url, init),
    onUnauthorized: () => useSessionStore(pinia).tokenRejected(),
  });

  const app = createApp(App);
  app.provide(APP_API, api);
  app.use(pinia);
  const session = useSessionStore(pinia);
  // Before the first route: the router sends a browser that is not signed in to the sign-in screen.
  await session.start([linked, legacy ? { token: legacy } : null]);

  // A sign-in link pasted into a tab that already shows the app changes only the hash: sign in
  // with it, then start afresh. On popstate, which comes before hashchange, and registered before
  // the router's own listener: the router would otherwise read the credential as an unknown route
  // and carry it on in the sign-in screen's `next`.
  window.addEventListener('popstate', () => {
    const pasted = takeLinkCredential();
    if (!pasted) return;
    void session.start([pasted]).then(() => {
      // Not signed in: the sign-in screen shows why (a spent link, say).
      if (session.signedIn) window.location.reload();
    });
  });

  const router = createAppRouter(pinia);
  app.use(router);
  // Mount once the start-up navigation (and its redirect) has settled, so a click or a typed address
  // in the first moments cannot be overtaken by it.
  await router.isReady();
  app.mount('#app');
}

void main();
