import { describe, expect, it } from 'vitest';
import { takeAnswers } from '../../bench/http-answers';

const answer = (status: number, body: string) =>
  `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('the serve bench cuts pipelined answers apart', () => {
  it('finds every answer in one chunk, in order, and keeps a partial one for later', () => {
    const partial = answer(200, '{"sku":"B"}').slice(0, -3);
    const conn = { buffer: Buffer.from(answer(200, '{"sku":"A"}') + answer(304, '') + answer(429, '{"e":1}') + partial) };
    const statuses: number[] = [];
    takeAnswers(conn, (s) => statuses.push(s));
    expect(statuses).toEqual([200, 304, 429]);
    expect(conn.buffer.toString()).toBe(partial);
  });

  it('completes an answer split anywhere across chunks, multi-byte bodies included', () => {
    const whole = Buffer.from(answer(200, '{"title":"Crème brûlée"}') + answer(200, '{}'));
    for (let cut = 1; cut < whole.length; cut++) {
      const conn = { buffer: whole.subarray(0, cut) };
      const statuses: number[] = [];
      takeAnswers(conn, (s) => statuses.push(s));
      conn.buffer = Buffer.concat([conn.buffer, whole.subarray(cut)]);
      takeAnswers(conn, (s) => statuses.push(s));
      expect(statuses).toEqual([200, 200]);
      expect(conn.buffer.length).toBe(0);
    }
  });
});
