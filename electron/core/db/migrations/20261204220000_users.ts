import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Safe to run twice: each table and column is added only when missing.
// Accounts (issue 20): the people who sign in to a shop's server with a name and a password, each
// with a role, and the browser sessions they make. A session made from the API token has no user.

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('users'))) {
    await knex.schema.createTable('users', (t) => {
      t.string('id', 36).notNullable().primary();
      // Lower case (names are compared without regard to case).
      t.string('username', 64).notNullable().unique();
      // viewer | staff | owner
      t.string('role', 16).notNullable();
      // `$scrypt$ln=…,r=…,p=…$salt$hash` (core/auth/password.ts); never the password.
      t.string('password_hash', 200).notNullable();
      t.string('password_changed_at', 32).notNullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
    });
  }
  if (!(await knex.schema.hasColumn('sessions', 'user_id'))) {
    await knex.schema.alterTable('sessions', (t) => {
      // The person a `password` session belongs to; null for sessions made from the API token.
      // No foreign key (SQLite would rebuild the table to add one): a user's sessions are deleted
      // with the user, in the same transaction.
      t.string('user_id', 36).nullable();
      t.index(['user_id']);
    });
  }
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
