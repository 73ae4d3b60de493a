/** Keyboard helpers shared by the app-wide shortcuts (search, help). */

/** Whether a key press lands in a place where the key is text being typed. */
export function typingIn(target: EventTarget | null): boolean {
  const element = target as { tagName?: unknown; isContentEditable?: unknown } | null;
  if (!element) return false;
  return element.isContentEditable === true || ['INPUT', 'TEXTAREA', 'SELECT'].includes(String(element.tagName));
}
