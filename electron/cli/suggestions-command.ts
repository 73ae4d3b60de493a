import { contract } from '../../shared/contract';
import { parseInput } from '../../shared/validation';
import { plural, withCore, type CliEnv, type CliIo } from './commands';

/**
 * `suggestions [--supplier X]`: what to order now, by supplier, as the Purchasing screen shows it.
 * Prints one block per supplier with its lines (SKU, location, quantity to order, why) and total.
 */
export async function suggestionsCommand(env: CliEnv, io: CliIo, supplier: string | undefined): Promise<number> {
  const input = parseInput(contract['replenishment.suggestions'].input, supplier === undefined ? {} : { supplier });
  return withCore(env, io, true, async (core) => {
    const { groups } = await core.handlers['replenishment.suggestions'](input);
    if (groups.length === 0) {
      io.out('Nothing to order: no product is at or below its reorder point.');
      return 0;
    }
    for (const group of groups) {
      const name = group.supplierName ?? 'No supplier (give these products a supplier)';
      const total = group.total === null ? '' : `, ${group.total} ${group.currency}`;
      io.out(`${name}: ${plural(group.lines.length, 'product')}${total}${group.belowMinimum ? ` (below the minimum order of ${group.minimumOrderValue} ${group.currency})` : ''}`);
      for (const l of group.lines) {
        const cost = l.unitCost === null ? 'no cost' : `${l.unitCost} each`;
        const pack = l.packSize > 1 ? `, packs of ${l.packSize}` : '';
        io.out(
          `  ${l.sku}\tat ${l.location}\torder ${l.quantity}\t(available ${l.available}, incoming ${l.incoming}, reorder point ${l.reorderPoint}` +
            `; ${cost}${pack}; sales suggest a reorder point of ${l.suggestedReorderPoint})`,
        );
      }
    }
    return 0;
  });
}
