// Operator settings that are not per bot: display preferences for now; notification settings
// join them when the notifier is wired.
import type { Storage } from '@mm/storage';
import { z } from 'zod';
import type { Routes } from './route.ts';

export const displaySettingsSchema = z.object({
  timezone: z.string().min(1).max(64).default('UTC').meta({ description: 'Time zone used to show times in the dashboard.' }),
  density: z.enum(['comfortable', 'compact']).default('comfortable').meta({ description: 'Row height of tables.' }),
});

export function settingsRoutes(routes: Routes, storage: Storage): void {
  routes.add({
    method: 'GET',
    url: '/api/settings',
    summary: 'Operator settings',
    tag: 'settings',
    handler: async () => ({ display: displaySettingsSchema.parse((await storage.settings.get('display')) ?? {}) }),
  });
  routes.add({
    method: 'PUT',
    url: '/api/settings',
    summary: 'Change operator settings',
    tag: 'settings',
    body: z.object({ display: displaySettingsSchema.optional() }),
    handler: async ({ body }) => {
      if (body.display !== undefined) await storage.settings.set('display', body.display);
      return { display: displaySettingsSchema.parse((await storage.settings.get('display')) ?? {}) };
    },
  });
}
