/**
 * The locale prices and quantities are shown and typed in: the shop's `locale` setting, or, when
 * it is empty, the language of the computer (undefined lets Intl use it). A Vue ref, so figures on
 * screen follow a change of the setting at once.
 */
import { ref } from 'vue';

const shopLocale = ref('');

export function numberLocale(): string | undefined {
  return shopLocale.value || undefined;
}

/** Called by the settings store whenever the settings arrive or change. */
export function setShopLocale(tag: string): void {
  shopLocale.value = tag;
}
