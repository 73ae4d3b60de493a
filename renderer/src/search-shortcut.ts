/**
 * `/` or Ctrl+K (⌘K on a Mac) focuses the search box of the screen, or opens the Products screen
 * with its search focused when the screen has none. `/` is left alone while typing in a field.
 */
import { onBeforeUnmount, onMounted } from 'vue';
import type { Router } from 'vue-router';
import { typingIn } from './keyboard';

/** Whether a key press asks for search. */
export function isSearchShortcut(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): boolean {
  if (event.altKey) return false;
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') return true;
  return event.key === '/' && !event.ctrlKey && !event.metaKey && !typingIn(event.target);
}

export function useSearchShortcut(router: Router): void {
  function onKey(event: KeyboardEvent): void {
    if (!isSearchShortcut(event)) return;
    event.preventDefault();
    const field = document.querySelector<HTMLInputElement>('[data-search-field]');
    if (field) {
      field.focus();
      field.select();
    } else {
      void router.push({ name: 'products', query: { focus: 'search' } });
    }
  }
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
