/** The import screen refuses a workbook renamed .csv when it is picked: one sentence, nothing sent. */
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import { APP_API } from '../../renderer/src/api/app-api';
import { createClient } from '../../renderer/src/api/client';
import { useCsvImport } from '../../renderer/src/import-flow';

function zipStart(name: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(30 + name.length + 40);
  bytes.set([0x50, 0x4b, 0x03, 0x04]);
  bytes[26] = name.length;
  bytes.set(new TextEncoder().encode(name), 30);
  return bytes;
}

describe('the import screen', () => {
  it('says a workbook is not CSV when it is picked, and has nothing to check', async () => {
    const sent: string[] = [];
    const client = createClient(async (name) => {
      sent.push(name);
      throw new Error(`nothing is to be sent, not even ${name}`);
    });
    const app = createApp({});
    app.provide(APP_API, { client, mode: 'ipc', auth: null });
    const pinia = createPinia();
    app.use(pinia);
    setActivePinia(pinia);
    const flow = useCsvImport();
    await flow.pick(new File([zipStart('[Content_Types].xml')], 'Artikel.csv'));
    expect(flow.error.value).toMatch(/^Artikel\.csv: this is an Excel workbook \(\.xlsx\), not a CSV file: .*Save As/);
    expect(flow.read.value).toBeNull();
    expect(flow.step.value).toBe('empty');
    await flow.check();
    expect(sent).toEqual([]);
  });
});
