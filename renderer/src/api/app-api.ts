/**
 * The client as the running app sees it: built once in main.ts for the host the page is in, and
 * handed to stores and components through Vue's provide/inject.
 */
import { inject, type InjectionKey } from 'vue';
import type { Client } from '../../../shared/contract';
import type { StockfeedBridge } from '../../../shared/bridge';
import { bridgeTransport, createClient, httpTransport, type ClientError } from './client';
import type { TokenStore } from './token';

/** `ipc` inside the Electron shell (no token needed); `http` in a browser on the headless server. */
export type HostMode = 'ipc' | 'http';

export type AppApi = { client: Client; mode: HostMode; tokens: TokenStore };

export const APP_API: InjectionKey<AppApi> = Symbol('stockfeed api');

export type AppApiOptions = {
  bridge: StockfeedBridge | undefined;
  tokens: TokenStore;
  fetch: typeof fetch;
  onUnauthorized: (error: ClientError) => void;
};

export function createAppApi(options: AppApiOptions): AppApi {
  const { bridge, tokens } = options;
  if (bridge) return { client: createClient(bridgeTransport(bridge)), mode: 'ipc', tokens };
  const transport = httpTransport({
    fetch: (url, init) => options.fetch(url, init),
    token: () => tokens.get(),
    onUnauthorized: options.onUnauthorized,
  });
  return { client: createClient(transport), mode: 'http', tokens };
}

export function useAppApi(): AppApi {
  const api = inject(APP_API);
  if (!api) throw new Error('The API is not provided; main.ts must app.provide(APP_API, …) before mounting');
  return api;
}

export function useClient(): Client {
  return useAppApi().client;
}
