// First run (set the admin password) and login. Both forms validate with the server's schemas.
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { loginInputSchema, setupInputSchema } from '@mm/core';
import type { SessionDto } from '@mm/core';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError, api, errorMessage } from '../lib/api.ts';
import { keys } from '../lib/queries.ts';
import { Button } from '../ui/button.tsx';
import { Field, FormError } from '../ui/field.tsx';

function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm border border-line bg-panel p-6">
        <p className="mb-1 text-[0.85em] tracking-[0.2em] text-mute">MM ENGINE</p>
        <h1 className="mb-5 text-lg font-semibold">{title}</h1>
        {children}
      </div>
    </main>
  );
}

const setupFormSchema = setupInputSchema.extend({ confirm: z.string() }).refine((v) => v.password === v.confirm, { message: 'the passwords differ', path: ['confirm'] });

export function SetupPage() {
  const qc = useQueryClient();
  const [error, setError] = useState<string>();
  const form = useForm<z.input<typeof setupFormSchema>, unknown, z.output<typeof setupFormSchema>>({
    resolver: zodResolver(setupFormSchema),
    defaultValues: { username: 'admin', password: '', confirm: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async ({ username, password }) => {
    setError(undefined);
    try {
      const session = await api.post<SessionDto>('/api/setup', { username, password });
      qc.setQueryData(keys.setup, { needsSetup: false });
      qc.setQueryData(keys.me, session);
    } catch (e) {
      if (e instanceof ApiError) for (const f of e.fields) form.setError(f.path as 'password', { message: f.message });
      setError(errorMessage(e));
    }
  });
  return (
    <AuthFrame title="Set the admin password">
      <p className="mb-4 text-dim">First run: choose the account that controls every bot. The dashboard listens on this machine only unless configured otherwise.</p>
      <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
        <Field label="Username" error={errors.username?.message}>
          <input autoComplete="username" {...form.register('username')} />
        </Field>
        <Field label="New password" error={errors.password?.message} help="At least 10 characters.">
          <input type="password" autoComplete="new-password" {...form.register('password')} />
        </Field>
        <Field label="Repeat password" error={errors.confirm?.message}>
          <input type="password" autoComplete="new-password" {...form.register('confirm')} />
        </Field>
        <FormError>{error}</FormError>
        <Button type="submit" variant="primary" disabled={isSubmitting}>
          Set password
        </Button>
      </form>
    </AuthFrame>
  );
}

export function LoginPage() {
  const qc = useQueryClient();
  const [error, setError] = useState<string>();
  const form = useForm<z.input<typeof loginInputSchema>, unknown, z.output<typeof loginInputSchema>>({
    resolver: zodResolver(loginInputSchema),
    defaultValues: { username: 'admin', password: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (input) => {
    setError(undefined);
    try {
      const session = await api.post<SessionDto>('/api/auth/login', input);
      qc.setQueryData(keys.me, session);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError('Wrong username or password.');
      else if (e instanceof ApiError && e.status === 429) setError(`Too many attempts. ${e.message}`);
      else setError(errorMessage(e));
    }
  });
  return (
    <AuthFrame title="Log in">
      <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
        <Field label="Username" error={errors.username?.message}>
          <input autoComplete="username" {...form.register('username')} />
        </Field>
        <Field label="Password" error={errors.password?.message}>
          <input type="password" autoComplete="current-password" autoFocus {...form.register('password')} />
        </Field>
        <FormError>{error}</FormError>
        <Button type="submit" variant="primary" disabled={isSubmitting}>
          Log in
        </Button>
      </form>
    </AuthFrame>
  );
}
