/**
 * The answers on a keep-alive HTTP/1.1 connection whose requests were pipelined, for the serve
 * bench's fixed-rate reads (serve-rate.ts): which request each answer belongs to is its place in
 * line, so the bytes are cut into whole answers as they arrive.
 */
import type net from 'node:net';

/** One keep-alive connection: the due times of the requests on it, oldest first, and unparsed bytes. */
export type Connection = { socket: net.Socket; due: number[]; head: number; buffer: Buffer };

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Takes complete answers off the front of `conn.buffer` and calls `done` with each status. Every
 * answer the API gives here has a Content-Length (it never chunks JSON); one without is taken as
 * having no body (a 304).
 */
export function takeAnswers(conn: Pick<Connection, 'buffer'>, done: (status: number) => void): void {
  for (;;) {
    const end = conn.buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = conn.buffer.toString('latin1', 0, end);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const total = end + 4 + (length ? Number(length[1]) : 0);
    if (conn.buffer.length < total) return;
    conn.buffer = conn.buffer.subarray(total);
    done(Number(head.slice(9, 12)));
  }
}
