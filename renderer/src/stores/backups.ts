import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Output } from '../../../shared/contract';
import type { Backup } from '../../../shared/schemas/backups';
import { useClient } from '../api/app-api';
import { ClientError } from '../api/client';
import { describeError } from '../api/errors';

/** Backups of the shop's database (Settings → Backups): the list, backing up now, restoring one. */
export const useBackupsStore = defineStore('backups', () => {
  const client = useClient();
  const folder = ref('');
  const backups = ref<Backup[]>([]);
  /** On PostgreSQL the server answers use_pg_dump: the screen says so instead of a list. */
  const usePgDump = ref<string | null>(null);
  const error = ref<string | null>(null);

  async function load(): Promise<void> {
    try {
      const result = await client['backups.list']({});
      folder.value = result.folder;
      backups.value = result.backups;
      error.value = null;
    } catch (failure) {
      if (failure instanceof ClientError && failure.code === 'use_pg_dump') usePgDump.value = failure.message;
      else error.value = describeError(failure);
    }
  }

  async function backUpNow(): Promise<Backup> {
    const made = await client['backups.create']({});
    await load();
    return made;
  }

  async function restore(id: string): Promise<Output<'backups.restore'>> {
    const result = await client['backups.restore']({ id });
    await load();
    return result;
  }

  return { folder, backups, usePgDump, error, load, backUpNow, restore };
});
