/** Saves a file made in the page (a CSV export) through the browser's download, under `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; give the browser a moment before it is released.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `stockfeed-catalogue-2026-11-26.csv`, as the server names its own exports. */
export function catalogueFileName(now = new Date()): string {
  return `stockfeed-catalogue-${now.toISOString().slice(0, 10)}.csv`;
}
