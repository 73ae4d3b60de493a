import type { Pinia } from 'pinia';
import { createRouter, createWebHashHistory, type Router } from 'vue-router';
import { useSessionStore } from './stores/session';

/**
 * Hash history: the UI is served as static files (by the headless server, or from disk inside
 * Electron), so every route must resolve to the same index.html.
 */
export function createAppRouter(pinia: Pinia): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', redirect: { name: 'products' } },
      { path: '/products', name: 'products', component: () => import('./views/ProductListView.vue') },
      { path: '/products/new', name: 'product-new', component: () => import('./views/ProductEditView.vue') },
      { path: '/products/:id', name: 'product', component: () => import('./views/ProductEditView.vue'), props: true },
      { path: '/sign-in', name: 'sign-in', component: () => import('./views/SignInView.vue') },
      { path: '/:unknown(.*)*', redirect: { name: 'products' } },
    ],
  });

  router.beforeEach((to) => {
    const session = useSessionStore(pinia);
    if (to.name !== 'sign-in' && session.needsToken) {
      return { name: 'sign-in', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
    }
    if (to.name === 'sign-in' && !session.needsToken) return { name: 'products' };
    return true;
  });

  return router;
}
