import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input } from '../../../shared/contract';
import type { Role, User } from '../../../shared/schemas/users';
import { useClient } from '../api/app-api';

export type PersonDraft = Input<'users.create'>;

/** The people who sign in with their own account (Settings → People; the owner's). */
export const usePeopleStore = defineStore('people', () => {
  const client = useClient();
  const people = ref<User[]>([]);
  const loaded = ref(false);

  async function load(): Promise<void> {
    people.value = (await client['users.list']({})).users;
    loaded.value = true;
  }

  async function add(draft: PersonDraft): Promise<User> {
    const created = await client['users.create'](draft);
    people.value = [...people.value, created].sort((a, b) => a.username.localeCompare(b.username));
    return created;
  }

  async function setRole(id: string, role: Role): Promise<void> {
    const updated = await client['users.update']({ id, role });
    people.value = people.value.map((p) => (p.id === id ? updated : p));
  }

  /** A new password; every session of that person ends. */
  async function setPassword(id: string, password: string): Promise<void> {
    const updated = await client['users.update']({ id, password });
    people.value = people.value.map((p) => (p.id === id ? updated : p));
  }

  async function remove(id: string): Promise<void> {
    await client['users.delete']({ id });
    people.value = people.value.filter((p) => p.id !== id);
  }

  return { people, loaded, load, add, setRole, setPassword, remove };
});
