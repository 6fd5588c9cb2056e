// Operator settings that are not per bot: display preferences and notifications (Telegram,
// webhook). Secrets in notification settings are write-only: returned masked, kept when sent
// back masked.
import type { Storage } from '@mm/storage';
import { z } from 'zod';
import type { Notifications } from '../notifications.ts';
import type { Routes } from './route.ts';

export const displaySettingsSchema = z.object({
  timezone: z.string().min(1).max(64).default('UTC').meta({ description: 'Time zone used to show times in the dashboard.' }),
  density: z.enum(['comfortable', 'compact']).default('comfortable').meta({ description: 'Row height of tables.' }),
});

export function settingsRoutes(routes: Routes, storage: Storage, notifications: Notifications): void {
  // one flat object: display plus the notification sections (secrets masked)
  const current = async () => ({
    display: displaySettingsSchema.parse((await storage.settings.get('display')) ?? {}),
    ...(notifications.redacted() as Record<string, unknown>),
  });

  routes.add({ method: 'GET', url: '/api/settings', summary: 'Operator settings (secrets masked)', tag: 'settings', handler: current });

  routes.add({
    method: 'PUT',
    url: '/api/settings',
    summary: 'Change operator settings; masked secrets sent back keep their stored value',
    tag: 'settings',
    body: z
      .object({
        display: displaySettingsSchema.optional(),
        telegram: z.unknown().optional(),
        webhook: z.unknown().optional(),
        events: z.unknown().optional(),
        fillSummaryIntervalMs: z.unknown().optional(),
        dailySummary: z.unknown().optional(),
      })
      .strict(),
    handler: async ({ body }) => {
      const { display, ...sections } = body;
      const given = Object.fromEntries(Object.entries(sections).filter(([, v]) => v !== undefined));
      if (Object.keys(given).length > 0) await notifications.update(given);
      if (display !== undefined) await storage.settings.set('display', display);
      return current();
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/settings/telegram/test',
    summary: 'Check a Telegram bot token (and chats) without saving; a wrong token gives a clear message',
    tag: 'settings',
    body: z.object({ botToken: z.string().max(200).optional(), apiBase: z.url().optional(), chatIds: z.array(z.string().max(40)).max(20).optional() }).optional(),
    handler: async ({ body }) => notifications.notifier.testConnection(body ?? {}),
  });

  routes.add({
    method: 'GET',
    url: '/api/settings/notifications/status',
    summary: 'Notifier state: connection, last error, queue sizes',
    tag: 'settings',
    handler: () => notifications.notifier.status(),
  });
}
