import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { GlossaryId } from '../glossary';

/** Whether the help panel is open, and which glossary entry it was opened at. */
export const useHelpStore = defineStore('help', () => {
  const isOpen = ref(false);
  const entry = ref<GlossaryId | null>(null);
  /** Counts every request to show, so asking again for the same entry moves the focus to it again. */
  const requests = ref(0);

  function show(at: GlossaryId | null = null): void {
    entry.value = at;
    isOpen.value = true;
    requests.value += 1;
  }

  function close(): void {
    isOpen.value = false;
  }

  function toggle(): void {
    if (isOpen.value) close();
    else show();
  }

  return { isOpen, entry, requests, show, close, toggle };
});
