/**
 * The client as the running app sees it: built once in main.ts for the host the page is in, and
 * handed to stores and components through Vue's provide/inject.
 */
import { inject, type InjectionKey } from 'vue';
import type { Client } from '../../../shared/contract';
import type { StockfeedBridge } from '../../../shared/bridge';
import { httpAuth, type AuthApi } from './auth';
import { bridgeTransport, createClient, httpTransport, type ClientError } from './client';

/** `ipc` inside the Electron shell (nothing to sign in to); `http` in a browser on the headless server. */
export type HostMode = 'ipc' | 'http';

/** `auth`: signing this browser in and out; null inside Electron. */
export type AppApi = { client: Client; mode: HostMode; auth: AuthApi | null };

export const APP_API: InjectionKey<AppApi> = Symbol('stockfeed api');

export type AppApiOptions = {
  bridge: StockfeedBridge | undefined;
  fetch: typeof fetch;
  onUnauthorized: (error: ClientError) => void;
};

export function createAppApi(options: AppApiOptions): AppApi {
  const { bridge } = options;
  if (bridge) return { client: createClient(bridgeTransport(bridge)), mode: 'ipc', auth: null };
  const fetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => options.fetch(url, init);
  const transport = httpTransport({ fetch: fetchLike, onUnauthorized: options.onUnauthorized });
  return { client: createClient(transport), mode: 'http', auth: httpAuth(fetchLike) };
}

export function useAppApi(): AppApi {
  const api = inject(APP_API);
  if (!api) throw new Error('The API is not provided; main.ts must app.provide(APP_API, …) before mounting');
  return api;
}

export function useClient(): Client {
  return useAppApi().client;
}
