/**
 * A change stream to a client that reads slower than the log grows waits for the socket to drain
 * each time, and leaves no listener behind per wait: a bulk job over thousands of products sends
 * thousands of changes in a burst, and every wait used to leave a 'close' and an 'error' listener
 * on the response (Node warned of a leak past ten).
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ChangeBus } from '../../electron/core/changes/change-log';
import type { Db } from '../../electron/core/util/db-helpers';
import { ChangeStream } from '../../electron/server/http/change-stream';

/** A response whose buffer is always full: every write asks to wait, and drains a moment later. */
class SlowResponse extends EventEmitter {
  writableEnded = false;
  written: string[] = [];
  write(text: string): boolean {
    this.written.push(text);
    setImmediate(() => this.emit('drain'));
    return false;
  }
  end(): void {
    this.writableEnded = true;
    this.emit('close');
  }
}

describe('the change stream under backpressure', () => {
  it('waits for every drain without piling up listeners on the response', async () => {
    const res = new SlowResponse();
    const bus = new ChangeBus();
    const stream = new ChangeStream(res as unknown as ServerResponse, {
      db: undefined as unknown as Db,
      bus,
      since: null,
      filter: { types: null, sku: null },
      heartbeatMs: 60_000,
      maxBuffered: 10_000,
    });
    const running = stream.run();
    const changes = Array.from({ length: 200 }, (_, i) => ({
      seq: i + 1,
      type: 'product.updated' as const,
      sku: `SKU-${i}`,
      productId: null,
      payload: {},
      actor: null,
      createdAt: '2026-12-04T00:00:00.000Z',
    }));
    bus.emit(changes);
    for (let i = 0; i < 500 && res.written.filter((t) => t.startsWith('id: ')).length < 200; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(res.written.filter((t) => t.startsWith('id: '))).toHaveLength(200);
    // The last write's own wait ends with the next drain.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    // Its own 'close' listener, and nothing left from the 200 waits.
    expect(res.listenerCount('close')).toBe(1);
    expect(res.listenerCount('error')).toBe(0);
    expect(res.listenerCount('drain')).toBe(0);
    stream.close();
    await running;
  });
});
