import type { Pinia } from 'pinia';
import type { Role } from '../../shared/schemas/users';
import { createRouter, createWebHashHistory, type Router } from 'vue-router';
import { followRouteTitles } from './page-title';
import { useSessionStore } from './stores/session';
import { useSettingsStore } from './stores/settings';

declare module 'vue-router' {
  // An interface because vue-router's RouteMeta is extended by declaration merging.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface RouteMeta {
    /** The screen's name in the window title ("Products" → "Products · Stockfeed"). */
    title?: string;
    /** The role the screen is for (issue 20); others are taken to Products. The server refuses their changes anyway. */
    role?: Role;
    /**
     * A list whose table gains from the room (products, orders): the page takes the header's
     * width (84rem) instead of the form width (72rem), which cut titles at 1366 px with 286 px unused.
     */
    wide?: boolean;
  }
}

/**
 * Hash history: the UI is served as static files (by the headless server, or from disk inside
 * Electron), so every route must resolve to the same index.html.
 */
export function createAppRouter(pinia: Pinia): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', redirect: { name: 'products' } },
      { path: '/products', name: 'products', component: () => import('./views/ProductListView.vue'), meta: { title: 'Products', wide: true } },
      { path: '/products/new', name: 'product-new', component: () => import('./views/ProductEditView.vue'), meta: { title: 'New product', role: 'staff' } },
      {
        path: '/products/:id',
        name: 'product',
        component: () => import('./views/ProductEditView.vue'),
        props: true,
        // Until the product has loaded; the page then names it (usePageTitle).
        meta: { title: 'Product' },
      },
      { path: '/dashboard', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: 'Dashboard' } },
      // Printing labels changes nothing: anyone who may read the products may print them.
      { path: '/labels', name: 'labels', component: () => import('./views/LabelsView.vue'), meta: { title: 'Labels', role: 'viewer' } },
      { path: '/stock-entry', name: 'stock-entry', component: () => import('./views/StockEntryView.vue'), meta: { title: 'Stock entry', role: 'staff' } },
      { path: '/reservations', name: 'reservations', component: () => import('./views/ReservationsView.vue'), meta: { title: 'Orders', wide: true } },
      { path: '/sign-in', name: 'sign-in', component: () => import('./views/SignInView.vue'), meta: { title: 'Sign in' } },
      { path: '/welcome', name: 'first-run', component: () => import('./views/FirstRunView.vue'), meta: { title: 'Welcome' } },
      { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue'), meta: { title: 'Settings', role: 'owner' } },
      { path: '/import', name: 'import-export', component: () => import('./views/ImportExportView.vue'), meta: { title: 'Import and export', role: 'staff' } },
      // Purchasing is ordering and receiving stock: staff's work, like Stock entry.
      { path: '/purchasing', name: 'purchasing', component: () => import('./views/PurchasingView.vue'), meta: { title: 'Purchasing', role: 'staff' } },
      {
        path: '/purchasing/orders/:id',
        name: 'purchase-order',
        component: () => import('./views/PurchaseOrderView.vue'),
        props: true,
        meta: { title: 'Purchase order', role: 'staff' },
      },
      { path: '/publishing', name: 'publishing', component: () => import('./views/PublishingView.vue'), meta: { title: 'Publishing' } },
      // Connecting a channel, its credentials, pushes and drift checks act with the shop's channel keys: the owner's.
      { path: '/channels', name: 'channels', component: () => import('./views/ChannelsView.vue'), meta: { title: 'Channels', role: 'owner' } },
      { path: '/:unknown(.*)*', redirect: { name: 'products' } },
    ],
  });

  router.beforeEach((to) => {
    const session = useSessionStore(pinia);
    if (to.name !== 'sign-in' && session.needsToken) {
      return { name: 'sign-in', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
    }
    if (to.name === 'sign-in' && !session.needsToken) return { name: 'products' };
    if (to.meta.role && !session.may(to.meta.role)) return { name: 'products' };
    return true;
  });

  // A shop that has not been set up starts on the first-run screen (whatever link opened the app).
  router.beforeEach(async (to) => {
    if (to.name === 'sign-in' || useSessionStore(pinia).needsToken) return true;
    const settings = useSettingsStore(pinia);
    await settings.load();
    if (to.name === 'first-run') return settings.setupDone ? { name: 'products' } : true;
    return settings.setupDone ? true : { name: 'first-run' };
  });

  followRouteTitles(router);
  return router;
}
