// Keeps the paper world's state in storage: saved every few seconds and on shutdown, read back
// at start, so paper bots find their balances and resting orders after a restart.
import type { PaperWorld, PaperWorldState } from '@mm/exchange-sim';
import type { Storage } from '@mm/storage';
import type { Logger } from 'pino';

const KEY = 'paper';
const SAVE_EVERY_MS = 5_000;

export async function loadPaperState(storage: Storage, logger: Logger): Promise<PaperWorldState | undefined> {
  const saved = await storage.simState.get<PaperWorldState>(KEY);
  if (saved !== undefined) logger.info({ savedAt: new Date(saved.updatedAt).toISOString() }, 'restoring the paper exchange');
  return saved?.state;
}

export class PaperPersistence {
  private timer: NodeJS.Timeout | undefined;
  private saving = false;

  constructor(
    private readonly world: PaperWorld,
    private readonly storage: Storage,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.save(), SAVE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  async save(): Promise<void> {
    if (this.saving) return;
    this.saving = true;
    try {
      await this.storage.simState.save(KEY, this.world.exportState());
    } catch (error) {
      this.logger.warn({ err: error }, 'could not save the paper exchange state; will retry');
    } finally {
      this.saving = false;
    }
  }
}
