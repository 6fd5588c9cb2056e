// @mm/storage: the database of the product (PGlite embedded, or PostgreSQL), its repositories,
// the engine's journal, and the encryption of venue credentials. See README.md.
export { openStorage, createStorage, migrateDatabase } from './storage.ts';
export type { Storage, StorageOptions, PingResult, MigrateMode, MigrateResult } from './storage.ts';
export type { HealthChange, HealthState, StorageEvents } from './health.ts';
export type { StorageLogger } from './logger.ts';
export { consoleLogger, silentLogger, redactUrl } from './logger.ts';
export { StorageJournal } from './journal/journal.ts';
export type { JournalOptions } from './journal/journal.ts';
export type { BotEventSource } from './journal/types.ts';
export type { WriteQueueOptions } from './journal/write-queue.ts';
export type { EventInput, EventLevel, InstrumentGrid, InstrumentResolver, OrderTag, RiskEventInput, StatsInput } from './rows.ts';
export type { Page, PageQuery, TimeRange } from './pagination.ts';
export type { Account, AccountPatch, Market, NewAccount } from './repos/accounts.ts';
export type { BotRecord, ConfigVersion, DesiredState, HaltTrip, NewBot } from './repos/bots.ts';
export type { OrderFilter, StoredOrder } from './repos/orders.ts';
export type { FillFilter, FillTotals, StoredFill } from './repos/fills.ts';
export type { EventFilter, HourlyVolume, RiskEventFilter, StatsPoint, StoredEvent, StoredRiskEvent } from './repos/activity.ts';
export type { AuditEntry, AuditFilter, StoredAuditEntry } from './repos/admin.ts';
export type { Session, NewSession } from './repos/sessions.ts';
export type { User, UserCredentials } from './repos/users.ts';
export type { Credentials } from './crypto/credentials.ts';
export { MasterKey, deriveMasterKey, loadMasterKey, readKeyFile, KEY_FILE_NAME } from './crypto/master-key.ts';
export { rotateMasterKey } from './crypto/rotate.ts';
export type { RotationResult } from './crypto/rotate.ts';
export { MIGRATIONS_FOLDER, migrationStatus } from './backend/migrations.ts';
export type { MigrationStatus } from './backend/migrations.ts';
export * as schema from './schema.ts';
