// Form controls bound to the react-hook-form context by field path. Each shows the schema's
// help text and the field's own validation message.
import { useFormContext, useFormState } from 'react-hook-form';
import type { FieldValues, Path } from 'react-hook-form';
import { botConfigSchema } from '@mm/core';
import { Field } from '../../ui/field.tsx';
import { describeField } from './describe.ts';

function useError(name: string): string | undefined {
  const { errors } = useFormState({ name });
  let cur: unknown = errors;
  for (const seg of name.split('.')) {
    if (cur === undefined || cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  const message = (cur as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

interface Common {
  readonly name: string;
  readonly label: string;
  readonly help?: string;
  readonly suffix?: string;
  readonly schema?: unknown;
  readonly disabled?: boolean;
  readonly className?: string;
}

function helpOf(props: Common): string | undefined {
  return props.help ?? describeField(props.schema ?? botConfigSchema, props.name);
}

export function NumberField(props: Common & { step?: string; min?: number; max?: number }) {
  const { register } = useFormContext<FieldValues>();
  const error = useError(props.name);
  return (
    <Field label={props.label} help={helpOf(props)} error={error} suffix={props.suffix} className={props.className}>
      <input type="number" inputMode="decimal" step={props.step ?? 'any'} min={props.min} max={props.max} disabled={props.disabled} {...register(props.name as Path<FieldValues>, { valueAsNumber: true })} />
    </Field>
  );
}

/** Decimal amounts stay strings, exactly as typed. `optional`: empty means "not set". */
export function DecimalField(props: Common & { optional?: boolean }) {
  const { register } = useFormContext<FieldValues>();
  const error = useError(props.name);
  return (
    <Field label={props.label} help={helpOf(props)} error={error} suffix={props.suffix} className={props.className}>
      <input
        type="text"
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        disabled={props.disabled}
        {...register(props.name as Path<FieldValues>, props.optional ? { setValueAs: (v: unknown) => (v === '' || v === null ? undefined : v) } : {})}
      />
    </Field>
  );
}

export function TextField(props: Common & { list?: string; placeholder?: string; type?: string }) {
  const { register } = useFormContext<FieldValues>();
  const error = useError(props.name);
  return (
    <Field label={props.label} help={helpOf(props)} error={error} suffix={props.suffix} className={props.className}>
      <input type={props.type ?? 'text'} list={props.list} placeholder={props.placeholder} autoComplete="off" spellCheck={false} disabled={props.disabled} {...register(props.name as Path<FieldValues>)} />
    </Field>
  );
}

/** Options whose label is the value itself (the schema's enum values). */
export function plainOptions(values: readonly string[]): { value: string; label: string }[] {
  return values.map((value) => ({ value, label: value }));
}

export function SelectField(props: Common & { options: readonly { value: string; label: string }[] }) {
  const { register } = useFormContext<FieldValues>();
  const error = useError(props.name);
  return (
    <Field label={props.label} help={helpOf(props)} error={error} className={props.className}>
      <select disabled={props.disabled} {...register(props.name as Path<FieldValues>)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckField(props: Common) {
  const { register } = useFormContext<FieldValues>();
  const error = useError(props.name);
  return (
    <Field label={props.label} help={helpOf(props)} error={error} inline className={props.className}>
      <input type="checkbox" className="h-3.5 w-3.5 accent-white" disabled={props.disabled} {...register(props.name as Path<FieldValues>)} />
    </Field>
  );
}

export { useError };
