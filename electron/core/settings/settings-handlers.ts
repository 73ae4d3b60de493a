import type { Handlers } from '../../../shared/contract';
import type { SettingsService } from './settings-service';

export type SettingsOperation = 'settings.get' | 'settings.update';

/** The settings operations of the contract. */
export function createSettingsHandlers({ settings }: { settings: Pick<SettingsService, 'get' | 'update'> }): Pick<Handlers, SettingsOperation> {
  return {
    'settings.get': () => settings.get(),
    'settings.update': (input) => settings.update(input),
  };
}
