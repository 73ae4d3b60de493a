/**
 * The window title names the screen first ("Products · Stockfeed"), so browser tabs, the taskbar
 * and the history list tell screens apart. A route gives its fixed name in `meta.title`; a screen
 * whose name depends on what it shows (a product) sets it with usePageTitle once it knows.
 */
import { watchEffect } from 'vue';
import type { Router } from 'vue-router';

export const APP_NAME = 'Stockfeed';

export function pageTitle(screen: string | null | undefined): string {
  const name = screen?.trim();
  return name ? `${name} · ${APP_NAME}` : APP_NAME;
}

/** A product page's name: its SKU (what the shop searches by) and then its title. */
export function productPageName(product: { sku: string; title: string }): string {
  return `${product.sku} — ${product.title}`;
}

/** Sets the title from each route's `meta.title` after every navigation. */
export function followRouteTitles(router: Router): void {
  router.afterEach((to, _from, failure) => {
    if (!failure) document.title = pageTitle(to.meta.title);
  });
}

/**
 * While the calling component is mounted, its screen's name (null: keep the route's) becomes the
 * title; it follows changes, such as a product renamed elsewhere. Call from setup.
 */
export function usePageTitle(screen: () => string | null): void {
  // Runs after the router's afterEach (the view is set up once the navigation has finished), so
  // the specific name wins over the route's general one.
  watchEffect(() => {
    const name = screen();
    if (name) document.title = pageTitle(name);
  });
}
