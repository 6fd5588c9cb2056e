import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FAKE_TOKEN } from '../test-support/fake-telegram.ts';
import { MESSAGE_KINDS } from './events.ts';
import { applySettingsInput, maskSecret, redactSettings } from './redaction.ts';
import { defaultNotificationSettings, notificationSettingsSchema } from './settings.ts';

describe('notification settings', () => {
  test('a fresh install has everything off, with a mode for every kind and sensible defaults', () => {
    const s = defaultNotificationSettings();
    assert.equal(s.telegram.enabled, false);
    assert.equal(s.telegram.apiBase, 'https://api.telegram.org');
    assert.equal(s.webhook.enabled, false);
    assert.equal(s.fillSummaryIntervalMs, 300_000);
    assert.deepEqual(Object.keys(s.events).sort(), [...MESSAGE_KINDS].sort());
    assert.equal(s.events.risk_trip, 'on');
    assert.equal(s.events.kill_switch, 'on');
    assert.equal(s.events.fill_summary, 'silent');
    assert.equal(s.dailySummary.timezone, 'UTC');
  });

  test('bad input gets a clear error on the field to change', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ telegram: { enabled: true } }, 'telegram.botToken', /bot token is needed/],
      [{ telegram: { enabled: true, botToken: FAKE_TOKEN } }, 'telegram.chatIds', /at least one chat id/],
      [{ telegram: { botToken: 'hello' } }, 'telegram.botToken', /BotFather/],
      [{ telegram: { chatIds: ['@mychannel'] } }, 'telegram.chatIds.0', /numeric chat id/],
      [{ telegram: { apiBase: 'ftp://x' } }, 'telegram.apiBase', /http/],
      [{ events: { risk_trip: 'loud' } }, 'events.risk_trip', /on|silent|off/],
      [{ dailySummary: { hour: 24 } }, 'dailySummary.hour', /0 to 23/],
      [{ dailySummary: { timezone: 'Mars/Olympus' } }, 'dailySummary.timezone', /IANA/],
      [{ fillSummaryIntervalMs: 1_000 }, 'fillSummaryIntervalMs', /at least 10 s/],
      [{ webhook: { enabled: true } }, 'webhook.url', /URL is needed/],
    ];
    for (const [input, path, message] of cases) {
      const result = notificationSettingsSchema.safeParse(input);
      assert.equal(result.success, false, JSON.stringify(input));
      const issue = result.error!.issues.find((i) => i.path.join('.') === path);
      assert.ok(issue, `${JSON.stringify(input)}: no issue at ${path}: ${JSON.stringify(result.error!.issues)}`);
      assert.match(issue.message, message);
    }
  });

  test('the redacted view shows only the last 4 characters of the token, and hides webhook secrets', () => {
    const s = notificationSettingsSchema.parse({
      telegram: { enabled: true, botToken: FAKE_TOKEN, chatIds: ['42'] },
      webhook: { enabled: true, url: 'https://discord.com/api/webhooks/1/SECRETTOKEN', secret: 'hmac-secret-value' },
    });
    const redacted = redactSettings(s);
    const json = JSON.stringify(redacted);
    assert.ok(!json.includes(FAKE_TOKEN));
    assert.ok(!json.includes('SECRETTOKEN'));
    assert.ok(!json.includes('hmac-secret-value'));
    assert.equal(redacted.telegram.botToken, `****${FAKE_TOKEN.slice(-4)}`);
    assert.equal(redacted.telegram.botTokenSet, true);
    assert.ok(redacted.webhook.url.startsWith('https://discord.com/****'));
    assert.equal(redacted.webhook.secretSet, true);
    assert.equal(maskSecret(''), '');
  });

  test('a form sent back with masks keeps the stored secrets; an empty string clears them', () => {
    const current = notificationSettingsSchema.parse({
      telegram: { enabled: true, botToken: FAKE_TOKEN, chatIds: ['42'] },
      webhook: { enabled: true, url: 'https://hooks.example.com/T1/B2/xyz', secret: 's3cret-s3cret' },
    });
    const form = { ...redactSettings(current), telegram: { ...redactSettings(current).telegram, chatIds: ['42', '-1001234567890'] } };
    const kept = applySettingsInput(JSON.parse(JSON.stringify(form)), current);
    assert.ok(kept.ok, kept.ok ? '' : kept.message);
    assert.equal(kept.settings.telegram.botToken, FAKE_TOKEN);
    assert.deepEqual(kept.settings.telegram.chatIds, ['42', '-1001234567890']);
    assert.equal(kept.settings.webhook.url, current.webhook.url);
    assert.equal(kept.settings.webhook.secret, 's3cret-s3cret');

    const cleared = applySettingsInput({ telegram: { enabled: false, botToken: '' }, webhook: { secret: '' } }, current);
    assert.ok(cleared.ok);
    assert.equal(cleared.settings.telegram.botToken, '');
    assert.equal(cleared.settings.webhook.secret, '');

    const bad = applySettingsInput({ dailySummary: { hour: -1 } }, current);
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.message, /dailySummary\.hour: an hour from 0 to 23/);
    assert.equal(applySettingsInput('nope', current).ok, false);
  });
});
