import type { Handlers } from '../../../shared/contract';
import { StatsService, type StatsDeps } from './stats-service';

export type StatsOperation = 'stats.overview' | 'stats.stockHistory' | 'stats.movementsPerDay';

/** The dashboard's operations of the contract; the figures are read, never stored. */
export function createStatsHandlers(deps: StatsDeps): Pick<Handlers, StatsOperation> {
  const stats = new StatsService(deps);
  return {
    'stats.overview': () => stats.overview(),
    'stats.stockHistory': (input) => stats.stockHistory(input),
    'stats.movementsPerDay': (input) => stats.movementsPerDay(input),
  };
}
